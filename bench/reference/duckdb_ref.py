"""The seven KPIs as a hand-written DuckDB SQL script (kpis.sql), outside dbt: the engine's limit
(bench/reference/__init__.py lists the inputs and outputs)."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCRIPT = Path(__file__).with_name("kpis.sql")
OUTPUTS = (
    "counter_deltas",
    "d7_rates",
    "best_time",
    "content_type_lift",
    "underperformance",
    "response_times",
    "negative_spikes",
)


def compute(inputs: Path, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, duckdb.DuckDBPyRelation]:
    """Run the script on `con` (a new in-memory database if none) and return its seven output tables. The script
    creates them as tables, so the work is done here, not when a relation is read. On a given connection it also
    leaves its temporary views and tables (snapshots, followers, accounts, interactions, posts, rated)."""
    con = con if con is not None else duckdb.connect()
    # a plain replace, not str.format: the SQL has braces of its own (struct literals)
    directory = str(Path(inputs).resolve()).replace("'", "''")
    con.execute(SCRIPT.read_text().replace("{inputs}", directory))
    return {name: con.table(name) for name in OUTPUTS}
