"""The loader on bad input (issue 18): a corrupt gzip, invalid UTF-8, huge lines, a stream turned to garbage,
a landing area moved elsewhere. Each case: a clear reason, nothing lost, counts that reconcile."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import shutil
import tracemalloc

import duckdb
import pytest
from test_load import DAY, count, land, record

from core.config import load_settings
from core.landing import sha256, write_manifest
from core.paths import manifest_file, stream_file
from loader.load import CorruptLandingError, load_date
from warehouse.pipeline import night_to_publish


@pytest.fixture(params=["direct", "staged"])
def night(request, monkeypatch) -> str:
    """Each loader path: the night's lines in a temporary table, or (past STAGE_ROWS lines) in a stage."""
    if request.param == "staged":
        monkeypatch.setattr("loader.load.STAGE_ROWS", 0)
    return request.param


def rows(settings, sql: str, *params) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def statuses_file(settings):
    return stream_file(settings.data / "landing", "mastodon", "statuses", DAY, "42")


def test_a_truncated_gzip_names_the_file_is_audited_and_loads_nothing_of_the_night(data_dir, night):
    # GIVEN a night loaded, then landed again as a gzip file cut short (its manifest describing those bytes)
    settings = load_settings()
    land(settings, [record("1"), record("2")])
    load_date(settings, DAY, "run-1")
    land(settings, [record(str(number), text="x" * 200) for number in range(3000)])
    path = statuses_file(settings)
    path.write_bytes(path.read_bytes()[:-2000])
    manifest = manifest_file(settings.data / "landing", "mastodon", DAY, "42")
    stored = json.loads(manifest.read_text())
    stored["streams"]["statuses"]["sha256"] = sha256(path)
    manifest.write_text(json.dumps(stored))
    # WHEN the night is loaded THEN the error names the file and says what is wrong (not a bare EOFError)
    with pytest.raises(CorruptLandingError, match=r"landing/mastodon/statuses/2026-10-30/42\.ndjson\.gz: corrupt gzip"):
        load_date(settings, DAY, "run-2")
    # AND nothing of the night changed: the earlier load's rows and audit are whole
    assert rows(settings, "select payload->>'id', _run_id from raw.mastodon__statuses order by 1") == [
        ("1", "run-1"), ("2", "run-1")]
    # AND the audit records the refusal, with its reason, beside the load it did not replace
    assert rows(settings, "select _run_id, load_status, loaded_rows, starts_with(reason, "
                          "'landing/mastodon/statuses/2026-10-30/42.ndjson.gz: corrupt gzip') "
                          "from raw._loads order by _run_id") == [
        ("run-1", "loaded", 2, None), ("run-2", "failed", 0, True)]
    assert count(settings, "select count(*) from duckdb_schemas() where schema_name = '_landing_stage'") == 0


def test_invalid_utf8_is_quarantined_with_its_original_bytes(data_dir, night):
    # GIVEN a file whose second line holds bytes that are not UTF-8 (Latin-1 "é"), among good lines
    settings = load_settings()
    broken = b'{"parent_id": null, "record": {"id": "2", "content": "caf\xe9"}}'
    land(settings, [record("1"), broken, record("3"), record("4")])
    # WHEN the night is loaded
    summary = load_date(settings, DAY, "run-1")
    # THEN the line is quarantined with its reason and its bytes as they were (base64), never replaced
    assert summary["raw.mastodon__statuses"] == {"loaded": 3, "quarantined": 1}
    [(line_no, line, encoding, reason)] = rows(settings, "select _line_no, line, line_encoding, reason "
                                                          "from raw._quarantine")
    assert (line_no, encoding) == (2, "base64")
    assert base64.b64decode(line) == broken
    assert reason.startswith("invalid UTF-8 at byte")
    # AND no replacement character reached raw, and the good lines keep their numbers
    assert rows(settings, "select _line_no from raw.mastodon__statuses order by 1") == [(1,), (3,), (4,)]
    assert count(settings, "select count(*) from raw.mastodon__statuses where payload::varchar like '%\ufffd%'") == 0


def test_a_line_over_the_size_limit_is_quarantined_without_being_held_in_memory(data_dir, monkeypatch, night):
    # GIVEN a limit of 64 kB and a file with a 64 MB line between good lines
    monkeypatch.setenv("SMW_MAX_LINE_BYTES", str(64 * 1024))
    settings = load_settings()
    huge = b'{"parent_id": null, "record": {"id": "2", "content": "' + b"a" * (64 << 20) + b'"}}'
    land(settings, [record("1"), huge, record("3"), record("4")])
    # WHEN the night is loaded
    tracemalloc.start()
    try:
        summary = load_date(settings, DAY, "run-1")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # THEN the line is quarantined with its size and the limit, its first bytes kept; the others load
    assert summary["raw.mastodon__statuses"] == {"loaded": 3, "quarantined": 1}
    [(line_no, line, encoding, reason)] = rows(settings, "select _line_no, line, line_encoding, reason "
                                                          "from raw._quarantine")
    assert (line_no, encoding) == (2, "base64") and base64.b64decode(line) == huge[:1024]
    assert reason.startswith(f"line of {len(huge)} bytes, over the limit of {64 * 1024} (SMW_MAX_LINE_BYTES)")
    # AND Python never held the line (its peak stays a fraction of the line's size: a few read buffers)
    assert peak < len(huge) // 3, peak


def test_a_stream_mostly_quarantined_keeps_its_earlier_rows_and_flags_the_run(data_dir, night):
    # GIVEN a night loaded whole, then landed again with most of its lines garbage (3 of 4)
    settings = load_settings()
    land(settings, [record("1"), record("2"), record("3")])
    load_date(settings, DAY, "run-1")
    land(settings, [record("9"), b"garbage", b"<html>", b"{}"])
    # WHEN the night is loaded again
    summary = load_date(settings, DAY, "run-2")
    # THEN the stream is held: raw keeps the rows it had, not the one good row of the garbage night
    assert summary["raw.mastodon__statuses"] == {"loaded": 0, "quarantined": 4}
    assert rows(settings, "select payload->>'id', _run_id from raw.mastodon__statuses order by 1") == [
        ("1", "run-1"), ("2", "run-1"), ("3", "run-1")]
    # AND the audit flags the run (status `held`, the reason) and still reconciles, beside the load kept
    audit = rows(settings, "select _run_id, load_status, manifest_rows, loaded_rows, quarantined_rows, reason "
                           "from raw._loads order by _run_id")
    assert [row[:5] for row in audit] == [("run-1", "loaded", 3, 3, 0), ("run-2", "held", 4, 0, 4)]
    assert audit[1][5].startswith("3 of 4 lines quarantined, over the 50% threshold")
    # AND every line of the held night is in the quarantine, the good one with the stream's reason
    assert rows(settings, "select _line_no, line, starts_with(reason, 'stream held') from raw._quarantine "
                          "where _run_id = 'run-2' order by 1") == [
        (1, record("9").decode(), True), (2, "garbage", False), (3, "<html>", False), (4, "{}", False)]


def test_the_quarantine_threshold_is_a_setting(data_dir, monkeypatch):
    # GIVEN the same garbage night, with a threshold of 80 %
    monkeypatch.setenv("SMW_QUARANTINE_THRESHOLD", "0.8")
    settings = load_settings()
    land(settings, [record("9"), b"garbage", b"<html>", b"{}"])
    # WHEN it is loaded THEN its good row loads and its bad ones are quarantined, as any night's
    assert load_date(settings, DAY, "run-1")["raw.mastodon__statuses"] == {"loaded": 1, "quarantined": 3}
    assert rows(settings, "select load_status from raw._loads") == [("loaded",)]
    monkeypatch.setenv("SMW_QUARANTINE_THRESHOLD", "eighty")
    with pytest.raises(ValueError, match="SMW_QUARANTINE_THRESHOLD='eighty'"):
        load_date(settings, DAY, "run-2")


def test_a_landing_area_moved_elsewhere_loads_the_same_rows(data_dir, tmp_path, monkeypatch):
    # GIVEN a landed night, and one more account whose manifest was written before paths were relative
    settings = load_settings()
    land(settings, [record("1"), record("2")])
    landing = settings.data / "landing"
    old_style = stream_file(landing, "mastodon", "statuses", DAY, "43")
    with gzip.open(old_style, "wb") as handle:
        handle.write(record("3") + b"\n")
    manifest_file(landing, "mastodon", DAY, "43").write_text(json.dumps({
        "platform": "mastodon", "account_id": "43", "logical_date": DAY.isoformat(), "streams": {"statuses": {
            "file": str(old_style), "rows": 1, "sha256": sha256(old_style), "status": "complete"}}}))
    # WHEN the data directory is moved (restored from a backup elsewhere) and the night loaded from there
    moved = tmp_path / "restored" / "data"
    shutil.move(str(settings.data), str(moved))
    monkeypatch.setenv("SMW_DATA_DIR", str(moved))
    settings = load_settings()
    summary = load_date(settings, DAY, "run-1")
    # THEN every row loads, named by its file relative to the data directory
    assert summary["raw.mastodon__statuses"] == {"loaded": 3, "quarantined": 0}
    assert rows(settings, "select distinct _source_file from raw.mastodon__statuses order by 1") == [
        ("landing/mastodon/statuses/2026-10-30/42.ndjson.gz",), ("landing/mastodon/statuses/2026-10-30/43.ndjson.gz",)]
    # AND a manifest stores its files relative to the data directory
    stored = json.loads(manifest_file(moved / "landing", "mastodon", DAY, "42").read_text())
    assert stored["streams"]["statuses"]["file"] == "landing/mastodon/statuses/2026-10-30/42.ndjson.gz"


def test_clean_files_are_read_by_duckdb_in_one_statement(data_dir, monkeypatch):
    # GIVEN several accounts' clean files, and the file-by-file reading made unusable
    monkeypatch.setattr("loader.load.READ_SQL", "not sql")
    monkeypatch.setattr("loader.load._read_slowly", None)
    settings = load_settings()
    landing = settings.data / "landing"
    for account, ids in (("41", []), ("42", ["1", "2", "3"]), ("43", ["4"]), ("44", ["5", "6"])):
        path = stream_file(landing, "mastodon", "statuses", DAY, account)
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wb") as handle:
            handle.write(b"".join(record(status) + b"\n" for status in ids))
        write_manifest(manifest_file(landing, "mastodon", DAY, account), {
            "platform": "mastodon", "account_id": account, "logical_date": DAY.isoformat(), "streams": {
                "statuses": {"file": str(path), "rows": len(ids), "sha256": sha256(path), "status": "complete"}}})
    # WHEN the night is loaded THEN every line is numbered within its own file
    load_date(settings, DAY, "run-1")
    assert rows(settings, "select _account_id, _line_no, payload->>'id' from raw.mastodon__statuses order by 3") == [
        ("42", 1, "1"), ("42", 2, "2"), ("42", 3, "3"), ("43", 1, "4"), ("44", 1, "5"), ("44", 2, "6")]


def test_a_stage_a_dead_load_left_is_dropped(data_dir, caplog):
    # GIVEN the stage of a load killed mid-night
    settings = load_settings()
    land(settings, [record("1")])
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema _landing_stage")
    con.execute("create table _landing_stage.lines (line VARCHAR)")
    con.close()
    # WHEN the next load runs THEN it drops it, and says so
    load_date(settings, DAY, "run-1")
    assert count(settings, "select count(*) from duckdb_schemas() where schema_name = '_landing_stage'") == 0
    assert "dropping the schema _landing_stage" in caplog.text


def test_a_night_refused_is_not_the_latest_night_loaded(data_dir):
    # GIVEN night 1 loaded and night 2 refused (a checksum that differs)
    settings = load_settings()
    land(settings, [record("1")])
    load_date(settings, DAY, "run-1")
    next_day = DAY + dt.timedelta(days=1)
    path = stream_file(settings.data / "landing", "mastodon", "statuses", next_day, "42")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(record("2") + b"\n"))
    write_manifest(manifest_file(settings.data / "landing", "mastodon", next_day, "42"), {
        "platform": "mastodon", "account_id": "42", "logical_date": next_day.isoformat(), "streams": {
            "statuses": {"file": str(path), "rows": 1, "sha256": "0" * 64, "status": "complete"}}})
    with pytest.raises(Exception, match="checksum differs"):
        load_date(settings, next_day, "run-2")
    # WHEN the publishing DAG asks for the latest night loaded THEN it is night 1
    assert rows(settings, "select _logical_date, load_status from raw._loads order by 1") == [
        (DAY, "loaded"), (next_day, "failed")]
    assert night_to_publish(None, [], settings) == DAY


def test_duckdb_reads_the_files_under_a_small_memory_limit(data_dir, monkeypatch):
    # GIVEN a 128 MB memory limit, the default 10 MiB line limit, and Python's line reader made unusable
    monkeypatch.setenv("SMW_DUCKDB_MEMORY_LIMIT", "128MB")
    monkeypatch.setattr("loader.load._read_slowly", None)
    settings = load_settings()
    # (80 MB of text: DuckDB's read buffer is as large as the file allows)
    land(settings, [record(str(number), text="é" * 1000) for number in range(40_000)])
    # WHEN the night is loaded THEN DuckDB reads it (its read buffer fits the limit) and every line loads
    assert load_date(settings, DAY, "run-1")["raw.mastodon__statuses"] == {"loaded": 40_000, "quarantined": 0}


def test_a_night_that_fails_while_it_is_swapped_in_leaves_raw_as_it_was(data_dir, monkeypatch, night):
    # GIVEN a night loaded, then loaded again with the audit's write failing (a full disk, say)
    settings = load_settings()
    land(settings, [record("1"), record("2")])
    load_date(settings, DAY, "run-1")
    land(settings, [record("3")])

    def full_disk(*_):
        raise OSError("No space left on device")

    monkeypatch.setattr("loader.load._write_audit", full_disk)
    # WHEN it is loaded THEN the error is the disk's, and raw, its audit and the stage are as before
    with pytest.raises(OSError, match="No space left"):
        load_date(settings, DAY, "run-2")
    assert rows(settings, "select payload->>'id', _run_id from raw.mastodon__statuses order by 1") == [
        ("1", "run-1"), ("2", "run-1")]
    assert rows(settings, "select _run_id, load_status from raw._loads") == [("run-1", "loaded")]
    assert count(settings, "select count(*) from duckdb_schemas() where schema_name = '_landing_stage'") == 0
