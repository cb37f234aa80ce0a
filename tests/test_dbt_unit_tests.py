"""dbt's unit tests in the fast suite: the project built empty on a temporary DuckDB file (`dbt run --empty`: every
model's columns and types, no rows), then `dbt test --select test_type:unit`, so a formula that breaks the metric
contract fails in seconds, not only inside the end-to-end DAG runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from core.catalog import STREAMS
from core.config import load_settings
from loader.load import RAW_COLUMNS, write_accounts, write_campaigns_and_roster
from sentiment.cache import ensure_cache_table

ROOT = Path(__file__).resolve().parent.parent
DBT = Path(sys.executable).parent / "dbt"


def empty_warehouse(path: Path) -> None:
    """What the DAG's steps before dbt leave: the raw tables (as the loader creates them), the configuration's
    tables, and the sentiment cache the marts read."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema raw")
        for stream in STREAMS:
            con.execute(f"create table raw.{stream.raw_table} ({RAW_COLUMNS})")
        settings = load_settings(ROOT / "warehouse.yml")
        write_accounts(con, settings)
        write_campaigns_and_roster(con, settings)
        ensure_cache_table(con)
        con.execute("create table sentiment.scorer_in_use (brand_id varchar, scorer varchar, scorer_version varchar)")
    finally:
        con.close()


def dbt(*args: str, warehouse: Path, work: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SMW_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        [str(DBT), *args, "--profiles-dir", ".", "--target-path", str(work / "target"), "--log-path",
         str(work / "logs")], cwd=ROOT / "dbt_project", env=env, capture_output=True, text=True, check=False)


def test_the_unit_tests_pass_on_an_empty_build(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    empty_warehouse(warehouse)
    built = dbt("run", "--empty", warehouse=warehouse, work=tmp_path)
    assert built.returncode == 0, built.stdout[-4000:]
    tested = dbt("test", "--select", "test_type:unit", warehouse=warehouse, work=tmp_path)
    assert tested.returncode == 0, tested.stdout[-8000:]
    # every unit test of the project ran and passed: the marts' formulas and the posts' intermediate models
    unit_tests = json.loads((tmp_path / "target" / "manifest.json").read_text())["unit_tests"]
    passed = int(tested.stdout.split("PASS=")[-1].split()[0])
    assert passed == len(unit_tests) >= 36
