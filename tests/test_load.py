"""The loader: whole payloads in, bad rows quarantined with a reason, counts reconciled, re-runs idempotent."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import duckdb
import pytest

from extractors.landing import manifest_file, stream_file, write_manifest, write_stream
from warehouse.config import load_settings
from warehouse.load import ReconciliationError, load_date

DAY = dt.date(2026, 10, 30)


def land(settings, lines: list[bytes], rows: int | None = None) -> None:
    """Land raw lines for one Mastodon account's statuses, as an extractor would, with a manifest."""
    landing = settings.data / "landing"
    path = stream_file(landing, "mastodon", "statuses", DAY, "42")
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as handle:
        handle.write(b"".join(line + b"\n" for line in lines))
    from extractors.landing import sha256

    write_manifest(manifest_file(landing, "mastodon", DAY, "42"), {
        "platform": "mastodon", "account_id": "42", "logical_date": DAY.isoformat(),
        "streams": {"statuses": {"file": str(path), "rows": len(lines) if rows is None else rows,
                                 "sha256": sha256(path), "status": "complete"}}})


def record(status_id: str, **extra) -> bytes:
    return json.dumps({"parent_id": None, "record": {"id": status_id, "favourites_count": 3, **extra}}).encode()


def count(settings, sql: str) -> int:
    con = duckdb.connect(str(settings.warehouse))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_good_rows_load_whole_and_bad_rows_are_quarantined_with_a_reason(data_dir):
    # GIVEN a landing file with two good records, a broken line, a non-object and a record without its key
    settings = load_settings()
    land(settings, [record("1", brand_new_field={"kept": True}), record("2"), b'{"record": {"id": "3"',
                    b'{"parent_id": null, "record": [1, 2]}', b'{"parent_id": null, "record": {"text": "no id"}}'])
    # WHEN the date is loaded
    summary = load_date(settings, DAY, "run-1")
    # THEN the good rows keep their whole payload, unknown fields included, and the rest is quarantined
    assert summary["raw.mastodon__statuses"] == {"loaded": 2, "quarantined": 3}
    assert count(settings, "select count(*) from raw.mastodon__statuses "
                           "where payload->'brand_new_field'->>'kept' = 'true'") == 1
    con = duckdb.connect(str(settings.warehouse))
    reasons = sorted(row[0] for row in con.execute("select reason from raw._quarantine").fetchall())
    con.close()
    assert reasons == ["invalid JSON", "missing primary key id", "record is not a JSON object"]
    # AND the audit table reconciles manifest = loaded + quarantined
    assert count(settings, "select count(*) from raw._loads where manifest_rows = loaded_rows + quarantined_rows") == 1


def test_reloading_a_date_replaces_its_rows(data_dir):
    # GIVEN a loaded date WHEN it is loaded again, even from a re-landed file with fewer rows
    settings = load_settings()
    land(settings, [record("1"), record("2"), record("3")])
    load_date(settings, DAY, "run-1")
    land(settings, [record("1"), record("2")])
    load_date(settings, DAY, "run-2")
    # THEN the date holds exactly the new file's rows, nothing appended twice
    assert count(settings, "select count(*) from raw.mastodon__statuses") == 2
    assert count(settings, "select count(distinct _run_id) from raw.mastodon__statuses") == 1


@pytest.mark.parametrize("tamper", [
    pytest.param("rows", id="manifest-row-count-differs"),
    pytest.param("bytes", id="file-changed-after-landing"),
])
def test_a_file_that_does_not_reconcile_loads_nothing_of_the_date(data_dir, tamper):
    # GIVEN a date already loaded, then a landing that disagrees with its manifest
    settings = load_settings()
    land(settings, [record("1"), record("2")])
    load_date(settings, DAY, "run-1")
    if tamper == "rows":
        land(settings, [record("1")], rows=5)
    else:
        land(settings, [record("1")])
        path = stream_file(settings.data / "landing", "mastodon", "statuses", DAY, "42")
        path.write_bytes(gzip.compress(record("9") + b"\n"))
    # WHEN it is loaded THEN it fails with the reason, and the earlier rows of the date are intact
    with pytest.raises(ReconciliationError):
        load_date(settings, DAY, "run-2")
    assert count(settings, "select count(*) from raw.mastodon__statuses") == 2


def test_landing_writes_are_deterministic(data_dir, tmp_path):
    # GIVEN the same records WHEN written twice THEN the bytes and checksums are identical
    records = [({"id": str(n)}, None) for n in range(100)]
    first = write_stream(tmp_path / "a" / "s.ndjson.gz", iter(records))
    second = write_stream(tmp_path / "b" / "s.ndjson.gz", iter(records))
    assert first["rows"] == second["rows"] == 100
    assert first["sha256"] == second["sha256"]
