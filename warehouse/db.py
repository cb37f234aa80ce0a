"""DuckDB connections to the working warehouse: one writer at a time, by design of DuckDB and of the DAG."""

from __future__ import annotations

import duckdb

from warehouse.config import Settings


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = settings.warehouse
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)
