"""The schema drift monitor: the fields each platform's streams send, night by night, and what changed.

Every night, for each platform, stream and account, `raw._field_profile` records each payload field (a JSON path,
array positions as `[*]`; a Graph insights row's value as `metric <name>`, counted per media or account, not per
metric row), its JSON type, in how many rows it is present, and how often it is null, zero or non-zero. The night
is compared with the TRAILING_NIGHTS before it; the findings go to `raw._schema_drift`, one row per platform,
stream, field and change, with the accounts and the night the change started (`since`), and from there to the alert
channels as `schema_drift` alerts:

- `disappeared`: a field present in every row of every trailing night is in no row tonight (a metric retired);
- `new_field`: a field in every row tonight was in none of the trailing nights (a field added or renamed);
- `all_null` / `all_zero`: a field that held values (mostly non-zero numbers) holds only nulls (zeros) tonight,
  across an account's own rows (its posts, insights, profile: at least MIN_ROWS of them);
- `type_changed`: a JSON type never seen for the field in the trailing nights (numbers count as one type).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.expectations.metadata_types import FailureSeverity

from core import catalog
from core.db import sql_literal

E = gx.expectations
WARNING = FailureSeverity.WARNING  # published and flagged; the default, CRITICAL, blocks the publish

TRAILING_NIGHTS = 14
MIN_TRAILING_NIGHTS = 3  # fewer nights of history: too early to call anything new or gone
MIN_ROWS = 3  # an account's night of fewer rows says nothing about all-null or all-zero
MOSTLY_NONZERO = 0.5  # a field whose values were non-zero at least this often before, turning all-zero, is drift
# Graph insights streams: one row per metric (`name`, `values`); a metric's value is a field of its own.
METRIC_ROWS = {("instagram", "media_insights"), ("instagram", "user_insights"), ("facebook", "post_insights")}
CHANGES_THAT_BLOCK = ("disappeared", "all_null", "all_zero", "type_changed")

PROFILE_DDL = """
create table if not exists raw._field_profile (
    platform VARCHAR, stream VARCHAR, _account_id VARCHAR, _logical_date DATE, field VARCHAR, json_type VARCHAR,
    stream_rows BIGINT, rows_present BIGINT, values_seen BIGINT, nulls BIGINT, zeros BIGINT, nonzeros BIGINT,
    run_id VARCHAR
)"""
DRIFT_DDL = """
create table if not exists raw._schema_drift (
    platform VARCHAR, stream VARCHAR, field VARCHAR, change VARCHAR, detail VARCHAR, accounts VARCHAR,
    since DATE, _logical_date DATE, run_id VARCHAR
)"""


NUMBER_TYPES = "('UBIGINT', 'BIGINT', 'DOUBLE', 'HUGEINT', 'UHUGEINT')"
FIELD = r"regexp_replace(node.fullkey, '\[[0-9]+\]', '[*]', 'g')"


def _profile_sql(stream: catalog.Stream) -> str:
    """The exact profile, every node of every payload (json_tree): for the metric-per-row streams, whose fields are
    named by the row's metric and counted per media; the others go by their shapes (SHAPES_SQL)."""
    field = FIELD
    unit = "t.rowid"
    if (stream.platform, stream.name) in METRIC_ROWS:
        field = (f"case when node.fullkey like '$.values%' then 'metric ' || "
                 f"coalesce(json_extract_string(t.payload, '$.name'), '?') || ' ' || {field} else {field} end")
        unit = "coalesce(t._parent_id, t._account_id)"
    return f"""
        with nodes as (
            select t._account_id, {unit} as row_id, {field} as field,
                   case when node.type in {NUMBER_TYPES} then 'number' else node.type end
                       as json_type,
                   case when node.type in {NUMBER_TYPES} then try_cast(node.atom::varchar as double)
                   end as number
            from raw.{stream.raw_table} as t, json_tree(t.payload) as node
            where t._logical_date = ? and node.type not in ('OBJECT', 'ARRAY')
        ),
        stream_rows as (
            select t._account_id, count(distinct {unit}) as stream_rows from raw.{stream.raw_table} as t
            where t._logical_date = ?
            group by 1
        )
        select '{stream.platform}', '{stream.name}', nodes._account_id, ?::date, field, json_type,
               any_value(stream_rows.stream_rows), count(distinct row_id), count(*),
               count(*) filter (where json_type = 'NULL'), count(*) filter (where number = 0),
               count(*) filter (where number <> 0), ?
        from nodes join stream_rows using (_account_id)
        group by nodes._account_id, field, json_type"""


# Walking every node of every payload (json_tree) cost 62 s and 5.8 GB for a year's first night of three brands,
# the load's peak at size. A night's rows have few shapes (json_structure: the keys and types of a payload;
# three for 139k X mentions), so the fields, their types, presence and nulls are read from the distinct shapes,
# weighted by their rows; only the zeros of numeric fields need the values, extracted by path. Within an array,
# json_structure merges the elements: a field counts once per row (values_seen = rows_present), an array's
# mixed types (shape "JSON") and an empty array's element (shape "NULL" at `[*]`) are not fields, as an empty
# array and object were not nodes.
SHAPES_SQL = f"""
    with shapes as (
        select _account_id, json_structure(payload) as shape, count(*) as shape_rows
        from raw.{{table}} where _logical_date = ? group by all
    ),
    leaves as (
        select shapes._account_id, {FIELD} as field, node.atom ->> '$' as shape_type, shapes.shape_rows
        from shapes, json_tree(shapes.shape) as node
        where node.type not in ('OBJECT', 'ARRAY')
    )
    select _account_id, field,
           case when shape_type in {NUMBER_TYPES} then 'number' else shape_type end as json_type,
           sum(shape_rows) as rows_present,
           any_value(stream_rows) as stream_rows
    from leaves
    join (select _account_id, sum(shape_rows) as stream_rows from shapes group by 1) using (_account_id)
    where shape_type <> 'JSON' and not (shape_type = 'NULL' and field like '%[*]')
    group by all"""


def _zeros_sql(table: str, paths: list[str]) -> str:
    """Per account and numeric field: how many of its values are zero, how many not (every array element)."""
    quoted = [sql_literal(path) for path in paths]
    plain = [path for path in quoted if "[*]" not in path]
    starred = [path for path in quoted if "[*]" in path]
    columns = ([f"json_extract(payload, [{', '.join(plain)}]) as plain_values"] if plain else []) + [
        f"json_extract(payload, {path}) as starred_{index}" for index, path in enumerate(starred)]
    long = ([f"select _account_id, unnest([{', '.join(plain)}]) as field, unnest(plain_values) as value from v"]
            if plain else []) + [f"select _account_id, {path} as field, unnest(starred_{index}) as value from v"
                                 for index, path in enumerate(starred)]
    number = f"case when json_type(value) in {NUMBER_TYPES} then try_cast(value as double) end"
    return f"""
        with v as materialized (
            select _account_id, {', '.join(columns)} from raw.{table} where _logical_date = ?
        ),
        values_ as ({' union all '.join(long)})
        select _account_id, field, count(*) filter (where {number} = 0) as zeros,
               count(*) filter (where {number} <> 0) as nonzeros
        from values_ group by all"""


def _profile_stream(con: duckdb.DuckDBPyConnection, stream: catalog.Stream, day: dt.date, run_id: str) -> None:
    if (stream.platform, stream.name) in METRIC_ROWS:
        con.execute(f"insert into raw._field_profile {_profile_sql(stream)}", [day, day, day, run_id])
        return
    con.execute(f"create or replace temp table _shape_profile as {SHAPES_SQL.format(table=stream.raw_table)}",
                [day])
    numeric = sorted(field for (field,) in con.execute(
        "select distinct field from _shape_profile where json_type = 'number'").fetchall())
    # a stream with no numeric field has no zeros to count: an empty relation of the same columns
    zeros = (_zeros_sql(stream.raw_table, numeric) if numeric
             else "select null as _account_id, null as field, 0 as zeros, 0 as nonzeros where false")
    con.execute(f"""
        insert into raw._field_profile
        select '{stream.platform}', '{stream.name}', p._account_id, ?::date, p.field, p.json_type, p.stream_rows,
               p.rows_present, p.rows_present, case when p.json_type = 'NULL' then p.rows_present else 0 end,
               coalesce(z.zeros, 0), coalesce(z.nonzeros, 0), ?
        from _shape_profile as p
        left join ({zeros}) as z
            on p.json_type = 'number' and z._account_id = p._account_id and z.field = p.field""",
                [day, run_id, *([day] if numeric else [])])
    con.execute("drop table _shape_profile")


def profile_night(con: duckdb.DuckDBPyConnection, day: dt.date, run_id: str) -> int:
    """Record the night's field profile (replacing any earlier one of that night); returns its rows."""
    con.execute(PROFILE_DDL)
    tables = {name for (name,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'raw'"
    ).fetchall()}
    con.execute("begin transaction")
    try:
        con.execute("delete from raw._field_profile where _logical_date = ?", [day])
        for stream in catalog.STREAMS:
            if stream.raw_table in tables:
                _profile_stream(con, stream, day, run_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    counted = con.execute("select count(*) from raw._field_profile where _logical_date = ?", [day]).fetchone()
    return counted[0] if counted else 0


def _profiled_nights(con, first: dt.date, last: dt.date) -> set[dt.date]:
    return {day for (day,) in con.execute(
        "select distinct _logical_date from raw._field_profile where _logical_date between ? and ?",
        [first, last]).fetchall()}


def _loaded_nights(con, first: dt.date, last: dt.date) -> set[dt.date]:
    return {day for (day,) in con.execute(
        "select distinct _logical_date from raw._loads where _logical_date between ? and ?", [first, last]).fetchall()}


FINDINGS_SQL = f"""
with profile as (
    select * from raw._field_profile where _logical_date between ? - interval {TRAILING_NIGHTS} day and ?
),
-- the nights each account's stream had rows (tonight apart)
stream_nights as (
    select distinct platform, stream, _account_id, _logical_date, stream_rows from profile
),
trailing_nights as (
    select platform, stream, _account_id, count(*) as nights, max(_logical_date) as last_night
    from stream_nights where _logical_date < ? group by all
),
tonight_rows as (
    select platform, stream, _account_id, stream_rows from stream_nights where _logical_date = ?
),
fields_before as (
    select platform, stream, _account_id, field,
           count(distinct _logical_date) as nights_present,
           bool_and(rows_present = stream_rows) as in_every_row,
           max(_logical_date) as last_seen,
           sum(values_seen - nulls) as non_null_values,
           sum(nonzeros) as nonzeros, sum(zeros) as zeros,
           list(distinct json_type) filter (where json_type <> 'NULL') as types
    from profile where _logical_date < ? group by all
),
fields_tonight as (
    select platform, stream, _account_id, field, max(rows_present) as rows_present, sum(values_seen) as values_seen,
           sum(nulls) as nulls, sum(zeros) as zeros, sum(nonzeros) as nonzeros,
           list(distinct json_type) filter (where json_type <> 'NULL') as types
    from profile where _logical_date = ? group by all
),
judged as (
    select coalesce(before.platform, tonight.platform) as platform,
           coalesce(before.stream, tonight.stream) as stream,
           coalesce(before._account_id, tonight._account_id) as account,
           coalesce(before.field, tonight.field) as field,
           case
               when tonight.field is null and before.in_every_row and before.nights_present = history.nights
                   and history.nights >= {MIN_TRAILING_NIGHTS} and rows.stream_rows > 0
                   then 'disappeared'
               when before.field is null and tonight.rows_present = rows.stream_rows
                   and history.nights >= {MIN_TRAILING_NIGHTS}
                   then 'new_field'
               when tonight.values_seen = tonight.nulls and rows.stream_rows >= {MIN_ROWS} and own
                   and before.non_null_values > 0 then 'all_null'
               when tonight.zeros > 0 and tonight.nonzeros = 0 and rows.stream_rows >= {MIN_ROWS} and own
                   and before.nonzeros >= {MOSTLY_NONZERO} * (before.nonzeros + before.zeros) then 'all_zero'
               when len(list_filter(tonight.types, lambda seen: not list_contains(before.types, seen))) > 0
                   and len(before.types) > 0 then 'type_changed'
           end as change,
           case
               when tonight.field is null then 'in every row until ' || before.last_seen::varchar
                   || ', in none of tonight''s ' || rows.stream_rows::varchar
               when before.field is null then 'in ' || tonight.rows_present::varchar || ' of '
                   || rows.stream_rows::varchar || ' rows, in none of the ' || history.nights::varchar
                   || ' nights before'
               when tonight.values_seen = tonight.nulls then tonight.nulls::varchar || ' nulls, no value'
               when tonight.nonzeros = 0 then tonight.zeros::varchar || ' zeros, no other value (before: '
                   || before.nonzeros::varchar || ' non-zero of ' || (before.nonzeros + before.zeros)::varchar || ')'
               else 'type ' || array_to_string(tonight.types, '/') || ', before '
                   || array_to_string(before.types, '/')
           end as detail,
           case when tonight.field is null then before.last_seen + interval 1 day else ?::date end as since
    from (select *, list_contains(?::varchar[], platform || '/' || stream) as own from fields_before) as before
    full join fields_tonight as tonight
        on before.platform = tonight.platform and before.stream = tonight.stream
        and before._account_id = tonight._account_id and before.field = tonight.field
    join tonight_rows as rows
        on rows.platform = coalesce(before.platform, tonight.platform)
        and rows.stream = coalesce(before.stream, tonight.stream)
        and rows._account_id = coalesce(before._account_id, tonight._account_id)
    join trailing_nights as history
        on history.platform = rows.platform and history.stream = rows.stream
        and history._account_id = rows._account_id
)
select platform, stream, field, change, string_agg(account || ': ' || detail, '; ' order by account) as detail,
       string_agg(account, ', ' order by account) as accounts, min(since)::date as since
from judged where change is not null
group by all order by all
"""


def detect_drift(con: duckdb.DuckDBPyConnection, day: dt.date, run_id: str,
                 own_streams: Iterable[tuple[str, str]] = ()) -> pd.DataFrame:
    """Profile the night (and any trailing night not profiled yet: nights loaded before the monitor existed),
    compare it with the trailing nights, and record the findings in raw._schema_drift; returns them. A finding
    that was already there the night before keeps its `since`. All-null and all-zero are judged on the
    accounts' own streams (`own_streams`: their posts, insights, profiles) only: others' posts and comments
    are too often all zero on a quiet night."""
    con.execute("create schema if not exists raw")
    con.execute(PROFILE_DDL)
    con.execute(DRIFT_DDL)
    first = day - dt.timedelta(days=TRAILING_NIGHTS)
    for night in sorted(_loaded_nights(con, first, day - dt.timedelta(days=1))
                        - _profiled_nights(con, first, day - dt.timedelta(days=1))):
        profile_night(con, night, run_id)
    profile_night(con, day, run_id)
    own = [f"{platform}/{stream}" for platform, stream in own_streams]
    findings = con.execute(FINDINGS_SQL, [day, day, day, day, day, day, day, own]).df()
    if not findings.empty:
        earlier = con.execute("select platform, stream, field, change, since from raw._schema_drift "
                              "where _logical_date = ?", [day - dt.timedelta(days=1)]).df()
        if not earlier.empty:
            findings = findings.merge(earlier, on=["platform", "stream", "field", "change"], how="left",
                                      suffixes=("", "_before"))
            findings["since"] = findings["since_before"].where(findings["since_before"].notna(), findings["since"])
            findings = findings.drop(columns=["since_before"])
    con.execute("begin transaction")
    try:
        con.execute("delete from raw._schema_drift where _logical_date = ?", [day])
        if not findings.empty:
            con.register("drift_findings", findings)
            try:
                con.execute("insert into raw._schema_drift select platform, stream, field, change, detail, accounts, "
                            "since::date, ?, ? from drift_findings", [day, run_id])
            finally:
                con.unregister("drift_findings")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return findings


def drift_suite(findings: pd.DataFrame) -> tuple[str, pd.DataFrame, list]:
    """The night's findings as a GX suite for the raw gate: a field gone, emptied or retyped blocks the night it
    shows (a person decides whether the warehouse still reads the platform right); a new field is flagged."""
    frame = findings.assign(finding=findings["platform"] + "/" + findings["stream"] + " " + findings["field"]
                            + ": " + findings["change"]) if not findings.empty else pd.DataFrame(
        {"finding": pd.Series(dtype="object"), "change": pd.Series(dtype="object")})
    return ("raw_schema_drift", frame, [
        E.ExpectColumnValuesToNotBeInSet(column="change", value_set=list(CHANGES_THAT_BLOCK),
                                         meta={"rule": "schema_drift"}),
        E.ExpectColumnValuesToNotBeInSet(column="change", value_set=["new_field"], severity=WARNING,
                                         meta={"rule": "schema_drift_new_field"}),
    ])
