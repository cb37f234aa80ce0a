"""The loader: whole payloads in, bad rows quarantined with a reason, counts reconciled, re-runs idempotent."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import duckdb
import pytest

from core.config import load_settings
from core.landing import sha256, write_manifest, write_stream
from core.paths import manifest_file, stream_file
from loader.load import ReconciliationError, load_date

DAY = dt.date(2026, 10, 30)


def land(settings, lines: list[bytes], rows: int | None = None, day: dt.date = DAY) -> None:
    """Land raw lines for one Mastodon account's statuses, as an extractor would, with a manifest."""
    landing = settings.data / "landing"
    path = stream_file(landing, "mastodon", "statuses", day, "42")
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as handle:
        handle.write(b"".join(line + b"\n" for line in lines))
    write_manifest(manifest_file(landing, "mastodon", day, "42"), {
        "platform": "mastodon", "account_id": "42", "logical_date": day.isoformat(),
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


@pytest.fixture(params=["direct", "staged"])
def night(request, monkeypatch) -> str:
    """Each loader path: a night straight into raw in one transaction, or (past STAGE_ROWS lines) staged batch
    by batch and swapped into raw in one transaction."""
    if request.param == "staged":
        monkeypatch.setattr("loader.load.STAGE_ROWS", 0)
    return request.param


def stage_left(settings) -> int:
    return count(settings, "select count(*) from duckdb_schemas() where schema_name = '_landing_stage'")


def test_good_rows_load_whole_and_bad_rows_are_quarantined_with_a_reason(data_dir, night):
    # GIVEN a landing file with four good records, a broken line, a non-object and a record without its key
    settings = load_settings()
    land(settings, [record("1", brand_new_field={"kept": True}), record("2"), b'{"record": {"id": "3"',
                    b'{"parent_id": null, "record": [1, 2]}', b'{"parent_id": null, "record": {"text": "no id"}}',
                    record("4"), record("5")])
    # WHEN the date is loaded
    summary = load_date(settings, DAY, "run-1")
    # THEN the good rows keep their whole payload, unknown fields included, and the rest is quarantined
    assert summary["raw.mastodon__statuses"] == {"loaded": 4, "quarantined": 3}
    assert count(settings, "select count(*) from raw.mastodon__statuses "
                           "where payload->'brand_new_field'->>'kept' = 'true'") == 1
    con = duckdb.connect(str(settings.warehouse))
    reasons = sorted(row[0] for row in con.execute("select reason from raw._quarantine").fetchall())
    con.close()
    assert reasons == ["invalid JSON", "missing primary key id", "record is not a JSON object"]
    # AND the audit table reconciles manifest = loaded + quarantined
    assert count(settings, "select count(*) from raw._loads where manifest_rows = loaded_rows + quarantined_rows") == 1


def test_reloading_a_date_replaces_its_rows(data_dir, night):
    # GIVEN a loaded date WHEN it is loaded again, even from a re-landed file with fewer rows
    settings = load_settings()
    land(settings, [record("1"), record("2"), record("3")])
    load_date(settings, DAY, "run-1")
    land(settings, [record("1"), record("2")])
    load_date(settings, DAY, "run-2")
    # THEN the date holds exactly the new file's rows, nothing appended twice
    assert count(settings, "select count(*) from raw.mastodon__statuses") == 2
    assert count(settings, "select count(distinct _run_id) from raw.mastodon__statuses") == 1
    assert stage_left(settings) == 0


@pytest.mark.parametrize("tamper", [
    pytest.param("rows", id="manifest-row-count-differs"),
    pytest.param("bytes", id="file-changed-after-landing"),
])
def test_a_file_that_does_not_reconcile_loads_nothing_of_the_date(data_dir, tamper, night):
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
    assert count(settings, "select count(*) from raw._loads where _run_id = 'run-1'") == 1
    assert stage_left(settings) == 0


def land_account(settings, account_id: str, streams: dict[str, list[bytes]]) -> None:
    """Land several Mastodon streams of one account, with the account's manifest."""
    landing = settings.data / "landing"
    entries = {}
    for stream, lines in streams.items():
        path = stream_file(landing, "mastodon", stream, DAY, account_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wb") as handle:
            handle.write(b"".join(line + b"\n" for line in lines))
        entries[stream] = {"file": str(path), "rows": len(lines), "sha256": sha256(path), "status": "complete"}
    write_manifest(manifest_file(landing, "mastodon", DAY, account_id), {
        "platform": "mastodon", "account_id": account_id, "logical_date": DAY.isoformat(), "streams": entries})


@pytest.mark.parametrize("batch_lines", [2, 200_000], ids=["batches-of-2-lines", "one-batch"])
def test_a_night_of_several_streams_and_accounts_loads_each_line_once(data_dir, monkeypatch, batch_lines, night):
    # GIVEN two accounts' statuses and replies, a broken line among them, loaded in small batches or one
    monkeypatch.setattr("loader.load.BATCH_LINES", batch_lines)
    settings = load_settings()
    reply = json.dumps({"parent_id": "1", "record": {"id": "r1", "in_reply_to_id": "1"}}).encode()
    land_account(settings, "42", {"statuses": [record("1"), b"not json", record("2")], "replies": [reply]})
    land_account(settings, "43", {"statuses": [record("3")], "replies": []})
    # WHEN the date is loaded, twice
    load_date(settings, DAY, "run-1")
    summary = load_date(settings, DAY, "run-2")
    # THEN each line is in its stream's table or the quarantine once, with its account and line number
    assert summary == {"raw.mastodon__replies": {"loaded": 1, "quarantined": 0},
                       "raw.mastodon__statuses": {"loaded": 3, "quarantined": 1}}
    con = duckdb.connect(str(settings.warehouse))
    try:
        assert con.execute("select _account_id, _line_no, payload->>'id', _parent_id, _run_id "
                           "from raw.mastodon__statuses").fetchall() == [
            ("42", 1, "1", None, "run-2"), ("42", 3, "2", None, "run-2"), ("43", 1, "3", None, "run-2")]
        assert con.execute("select _account_id, _line_no, payload->>'id', _parent_id "
                           "from raw.mastodon__replies").fetchall() == [("42", 1, "r1", "1")]
        assert con.execute("select stream, _account_id, _line_no, line, reason from raw._quarantine").fetchall() == [
            ("statuses", "42", 2, "not json", "invalid JSON")]
        # AND the audit has one reconciled row per landed file
        assert con.execute("select stream, _account_id, manifest_rows, loaded_rows, quarantined_rows "
                           "from raw._loads order by all").fetchall() == [
            ("replies", "42", 1, 1, 0), ("replies", "43", 0, 0, 0),
            ("statuses", "42", 3, 2, 1), ("statuses", "43", 1, 1, 0)]
    finally:
        con.close()


def test_landing_writes_are_deterministic(data_dir, tmp_path):
    # GIVEN the same records WHEN written twice THEN the bytes and checksums are identical
    records = [({"id": str(n)}, None) for n in range(100)]
    first = write_stream(tmp_path / "a" / "s.ndjson.gz", iter(records))
    second = write_stream(tmp_path / "b" / "s.ndjson.gz", iter(records))
    assert first["rows"] == second["rows"] == 100
    assert first["sha256"] == second["sha256"]
