"""DuckDB connections to the working warehouse: one writer at a time, by design of DuckDB and of the DAG."""

from __future__ import annotations

import duckdb

from core.config import Settings, duckdb_memory_limit


def sql_literal(text: str) -> str:
    """A string as a SQL literal, for the names and JSON paths that are part of a query's text (values go as
    bound parameters)."""
    return "'" + text.replace("'", "''") + "'"


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = settings.warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    return limit_memory(duckdb.connect(str(path), read_only=read_only))


def limit_memory(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Bound DuckDB's memory (duckdb_memory_limit): past the limit it spills to disk instead of growing. Set
    after connecting, not as connect()'s config: a second connection to the file in this process (a test's,
    dbt's) would be refused for a configuration that differs from the first one's."""
    limit = duckdb_memory_limit()
    try:
        con.execute(f"set memory_limit = '{limit.replace(chr(39), '')}'")
    except duckdb.Error as error:
        con.close()
        raise ValueError(f"SMW_DUCKDB_MEMORY_LIMIT={limit!r} is not a memory limit (8GB, 40%): {error}") from None
    return con
