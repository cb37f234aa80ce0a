"""Property-based: malformed payloads thrown at the landing writer, the loader and staging (issue 18). Whatever
a night holds, nothing crashes, every line is loaded or quarantined with a reason, every good record arrives
whole, and staging reads every raw row."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_load import land

from core.config import load_settings
from core.landing import landed_bytes
from loader.load import load_date

ROOT = Path(__file__).resolve().parents[1]
FIRST_NIGHT = dt.date(2026, 10, 1)

# What an API may send in place of what the warehouse reads: wrong types, numbers as strings, huge and
# empty texts, zero-width characters, lone surrogates, timestamps without zones or far out of range,
# negative and overflowing counters.
texts = st.one_of(
    st.text(max_size=30), st.just(""), st.just("\u200b\u200c\u200d\ufeff"), st.just("é😀 \u202e"),
    st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=3),  # lone surrogates
    st.integers(50_000, 200_000).map(lambda size: "x" * size),
)
counters = st.one_of(
    st.integers(-(2 ** 80), 2 ** 80), st.integers(-5, 10 ** 6).map(str), st.floats(allow_nan=False,
                                                                                allow_infinity=False),
    st.none(), st.booleans(), st.lists(st.integers(0, 9), max_size=2), st.just({"count": 3}),
)
timestamps = st.one_of(
    st.datetimes(timezones=st.just(dt.UTC)).map(lambda moment: moment.isoformat().replace("+00:00", "Z")),
    st.datetimes().map(dt.datetime.isoformat),  # no zone
    st.sampled_from(["99999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "yesterday",
                     "2026-13-45T25:61:61Z", ""]),
    counters,
)
ids = st.one_of(st.sampled_from(["1", "2", "3", "10"]), st.integers(0, 2 ** 70), st.text(max_size=5))
fields = {"created_at": timestamps, "favourites_count": counters, "replies_count": counters,
          "reblogs_count": counters, "content": texts, "content_text": texts, "language": texts, "url": texts,
          "media_attachments": st.one_of(st.just([{"type": "video"}]), st.lists(counters, max_size=2), texts),
          "card": st.one_of(st.none(), st.just({"url": "https://example.com"}), texts)}
good_records = st.fixed_dictionaries({"id": ids}, optional=fields).flatmap(
    lambda record: st.dictionaries(st.text(max_size=8), counters, max_size=2).map(lambda extra: {**extra, **record}))
keyless = st.fixed_dictionaries({}, optional={"id": st.none(), **fields})
garbage = st.one_of(
    st.sampled_from([b"", b"not json", b"[1, 2]", b'{"record": "text"}', b'{"parent_id": null, "record": [1]}',
                     b'{"parent_id": null, "record": {"id": "1"', b"\xff\xfe{}", b"{\"record\": {\"id\": NaN}}",
                     b'{"parent_id": null, "record": {"id": "1", "text": "a\x00b"}}']),
    st.binary(max_size=40).filter(lambda raw: b"record" not in raw and b"\n" not in raw),
)
# A night: pages of items (records, records without their key, raw garbage lines); ids repeat across pages.
items = st.one_of(good_records.map(lambda record: ("record", record)),
                  keyless.map(lambda record: ("record", record)), garbage.map(lambda line: ("line", line)))
nights = st.lists(st.lists(items, max_size=6), min_size=1, max_size=4)


def _surrogates(value) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, dict):
        return any(_surrogates(key) or _surrogates(item) for key, item in value.items())
    if isinstance(value, list):
        return any(map(_surrogates, value))
    return False


def good(line: bytes) -> dict | None:
    """The record a line should load, by an oracle independent of DuckDB: a UTF-8 JSON object whose `record`
    is an object with a non-null `id` (the stream's key), with no lone surrogate (DuckDB holds UTF-8 only).
    NaN and Infinity are taken, as Python's json writes and reads them and DuckDB reads them."""
    try:
        value = json.loads(line.decode("utf-8"))
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("record"), dict) or _surrogates(value):
        return None
    return value["record"] if value["record"].get("id") is not None else None


def canonical(record: dict) -> str:
    """A record's JSON with sorted keys: equal records give equal texts (NaN included, unlike ==)."""
    return json.dumps(record, sort_keys=True)


def test_malformed_payloads_are_loaded_or_quarantined_and_staged(data_dir, monkeypatch):
    # (every good record must arrive: no stream is held for its share of garbage here; README "Bad input")
    monkeypatch.setenv("SMW_QUARANTINE_THRESHOLD", "1")
    warehouse = load_settings()
    expected: dict[dt.date, int] = {}

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(night=nights)
    def one_night(night):
        # GIVEN a night of malformed pages, landed as the extractors land (records through the landing writer)
        day = FIRST_NIGHT + dt.timedelta(days=len(expected))
        lines = [landed_bytes((value, None)) if kind == "record" else value
                 for page in night for kind, value in page]
        land(warehouse, lines, day=day)
        # WHEN it is loaded (nothing may raise)
        summary = load_date(warehouse, day, f"run-{day}")
        # THEN each line is in raw or in the quarantine with a reason, once
        wanted = {number: record for number, line in enumerate(lines, 1) if (record := good(line)) is not None}
        con = duckdb.connect(str(warehouse.warehouse), read_only=True)
        try:
            loaded = dict(con.execute("select _line_no, payload from raw.mastodon__statuses "
                                      "where _logical_date = ?", [day]).fetchall())
            quarantined = con.execute("select _line_no, reason from raw._quarantine where _logical_date = ?",
                                      [day]).fetchall()
        finally:
            con.close()
        assert summary["raw.mastodon__statuses"] == {"loaded": len(wanted), "quarantined": len(lines) - len(wanted)}
        assert sorted(loaded) == sorted(wanted)
        assert sorted(number for number, _ in quarantined) == sorted(set(range(1, len(lines) + 1)) - set(wanted))
        assert all(reason for _, reason in quarantined)
        # AND every good record arrives whole, as received
        assert {number: canonical(json.loads(payload)) for number, payload in loaded.items()} == {
            number: canonical(record) for number, record in wanted.items()}
        expected[day] = len(wanted)

    one_night()
    # AND staging (built once over every fuzzed night) reads every raw row, whatever its fields hold
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "run", "--select", "stg_mastodon__statuses",
                    "--profiles-dir", ".", "--quiet"], cwd=ROOT / "dbt_project", check=True,
                   env={**os.environ, "SMW_WAREHOUSE": str(warehouse.warehouse)})
    con = duckdb.connect(str(warehouse.warehouse), read_only=True)
    try:
        staged = dict(con.execute("select snapshot_date, count(*) from staging.stg_mastodon__statuses "
                                  "group by 1").fetchall())
        # (every column computed: a cast that fails on a bad value would stop the query here)
        con.execute("select * from staging.stg_mastodon__statuses").fetchall()
    finally:
        con.close()
    assert staged == {day: rows for day, rows in expected.items() if rows}
