"""Compare the marts of two DuckDB warehouses: per mart, its rows and the md5 of its rows sorted as text; a mart
whose checksums differ is then compared row for row with doubles rounded to 9 significant digits (DuckDB's
parallel float sums are not bit-stable between runs), and the rows each side has that the other has not are
counted. Used to check that a change leaves the demo's marts as they were (docs/benchmarks.md).

    .venv/bin/python bench/mart_compare.py before.duckdb after.duckdb
"""

from __future__ import annotations

import sys

import duckdb


def checksums(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, tuple[int, str]]:
    tables = [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts' "
        "and table_name not like '\\_%' escape '\\' order by 1", [catalog]).fetchall()]
    return {table: con.execute(
        f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) "
        f"from (select t::varchar as r from {catalog}.marts.{table} as t)").fetchone() for table in tables}


def columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute("select column_name, data_type from duckdb_columns() where database_name = ? and "
                       "schema_name = 'marts' and table_name = ? order by column_index", [catalog, table]).fetchall()


def main(before: str, after: str) -> int:
    con = duckdb.connect()
    con.execute(f"attach '{before}' as a (read_only)")
    con.execute(f"attach '{after}' as b (read_only)")
    sums_a, sums_b = checksums(con, "a"), checksums(con, "b")
    same = True
    for table in sorted(set(sums_a) | set(sums_b)):
        if sums_a.get(table) == sums_b.get(table):
            print(f"{table:32s} identical, {sums_a[table][0]} rows")
            continue
        if table not in sums_a or table not in sums_b or columns(con, "a", table) != columns(con, "b", table):
            print(f"{table:32s} MISSING OR COLUMNS DIFFER")
            same = False
            continue
        rounded = ", ".join(
            f"round({name}, 9 - cast(ceil(log10(abs(nullif({name}, 0)) + 1e-300)) as int))"
            if kind in ("DOUBLE", "FLOAT") else name for name, kind in columns(con, "a", table))
        only = [con.execute(f"select count(*) from (select {rounded} from {x}.marts.{table} except all "
                            f"select {rounded} from {y}.marts.{table})").fetchone()[0]
                for x, y in (("a", "b"), ("b", "a"))]
        equal = only == [0, 0]
        same = same and equal
        print(f"{table:32s} {'same up to float rounding' if equal else 'DIFFERENT'}: rows {sums_a[table][0]} vs "
              f"{sums_b[table][0]}, only before {only[0]}, only after {only[1]}")
    print("ALL MARTS MATCH" if same else "MISMATCH")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
