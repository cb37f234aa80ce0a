"""The drift monitor's field profile, read from the payloads' shapes (json_structure) and the numeric fields' values:
the same figures as walking every node (json_tree, its first version), and the findings it feeds: a metric turned
all-zero, a field turned all-null, a counter sent as a string."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd

from core import catalog
from expectations import drift

STATUSES = next(stream for stream in catalog.STREAMS if (stream.platform, stream.name) == ("mastodon", "statuses"))
NIGHTS = [dt.date(2026, 10, 1) + dt.timedelta(days=offset) for offset in range(5)]
# values_seen and nulls count rows now, where json_tree counted an array's elements
COLUMNS = "platform, stream, _account_id, field, json_type, stream_rows, rows_present, zeros, nonzeros"


def status(number: int, night: dt.date) -> dict:
    last = night == NIGHTS[-1]
    return {"id": str(number), "favourites_count": 0 if last else number % 4 + 1, "reblogs_count": 0,
            "replies_count": "2" if last else 2, "language": None if last else "en",
            "tags": [{"name": "brand", "url": None}] * (number % 3),  # some empty, some of one or two tags
            "media_attachments": [{"id": number, "meta": {"width": 0 if number % 2 else 640}}],
            "account": {"id": "acct-1", "followers_count": 10}, "card": {} if number % 2 else None}


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute(f"create table raw.{STATUSES.raw_table} (_account_id varchar, _logical_date date, _parent_id varchar, "
                "payload json)")
    con.execute("create table raw._loads (_logical_date date)")
    for night in NIGHTS:
        con.executemany(f"insert into raw.{STATUSES.raw_table} values (?, ?, null, ?)",
                        [[account, night, json.dumps(status(number, night))]
                         for account in ("acct-1", "acct-2") for number in range(6)])
        con.execute("insert into raw._loads values (?)", [night])
    return con


def test_the_profile_from_shapes_equals_the_profile_from_every_node():
    # GIVEN a night of statuses with empty and repeated arrays, nulls, zeros, empty objects and a numeric string
    con = warehouse()
    con.execute(drift.PROFILE_DDL)
    con.execute("create temp table every_node as select * from raw._field_profile limit 0")
    con.execute(f"insert into every_node {drift._profile_sql(STATUSES)}", [NIGHTS[-1]] * 3 + ["run"])
    # WHEN the night is profiled
    drift.profile_night(con, NIGHTS[-1], "run")
    # THEN every field, type, presence, zero and non-zero count is the same
    differences = con.execute(f"(select {COLUMNS} from every_node except all select {COLUMNS} from raw._field_profile)"
                              f" union all (select {COLUMNS} from raw._field_profile except all "
                              f"select {COLUMNS} from every_node)").fetchall()
    assert differences == []
    width = con.execute("select zeros, nonzeros, rows_present from raw._field_profile where _account_id = 'acct-1' "
                        "and field = '$.media_attachments[*].meta.width'").fetchall()
    assert width == [(3, 3, 6)]
    # an empty object is no field (as it was no leaf): the card is a null field in the three rows without one
    assert con.execute("select field, json_type, rows_present from raw._field_profile where _account_id = 'acct-1' "
                       "and field like '$.card%'").fetchall() == [("$.card", "NULL", 3)]


def test_a_metric_turned_zero_a_field_turned_null_and_a_counter_sent_as_text_are_found():
    # GIVEN four ordinary nights, then one where favourites are all 0, the language null, replies a string
    con = warehouse()
    for night in NIGHTS[:-1]:
        assert drift.detect_drift(con, night, "run", own_streams=[("mastodon", "statuses")]).empty
    # WHEN the last night is profiled and compared with them
    findings = drift.detect_drift(con, NIGHTS[-1], "run", own_streams=[("mastodon", "statuses")])
    # THEN each change is found, for both accounts, since that night; the arrays that were empty are not
    found = {(row.field, row.change): (row.accounts, pd.Timestamp(row.since).date()) for row in findings.itertuples()}
    assert found == {("$.favourites_count", "all_zero"): ("acct-1, acct-2", NIGHTS[-1]),
                     ("$.language", "all_null"): ("acct-1, acct-2", NIGHTS[-1]),
                     ("$.replies_count", "type_changed"): ("acct-1, acct-2", NIGHTS[-1])}
