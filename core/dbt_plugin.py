"""The dbt-duckdb plugin that hands the pseudonymization salt to dbt's DuckDB connections (core.pseudonyms)."""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from core.pseudonyms import DUCKDB_VARIABLE, pseudonym_salt


class Plugin(BasePlugin):
    """dbt-duckdb plugin (profiles.yml `plugins: [{module: core.dbt_plugin}]`)."""

    def configure_connection(self, conn: Any) -> None:
        _set_salt(conn)

    def configure_cursor(self, cursor: Any) -> None:
        # A DuckDB variable belongs to one connection, and dbt-duckdb runs every statement on a cursor of its own.
        _set_salt(cursor)


def _set_salt(conn: Any) -> None:
    # Read from the environment each time (dbt-duckdb keeps its connection across invocations in one process);
    # a prepared parameter, so the value is never part of a statement's text (DuckDB's query log, profiling).
    conn.execute(f"set variable {DUCKDB_VARIABLE} = ?", [pseudonym_salt()])
