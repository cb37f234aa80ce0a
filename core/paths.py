"""Every path under the data directory, in one place: where each stage reads and writes.

    <data>/                       SMW_DATA_DIR, default ./data
      landing/<platform>/<stream>/<date>/<account id>.ndjson.gz     payloads as received (extractors)
      landing/<platform>/_manifests/<date>/<account id>.json        rows, sha256, status per stream
      state/<platform>/<account id>.json                            each account's extraction cursor
      warehouse.duckdb                                               the working warehouse (SMW_WAREHOUSE)
      validation/<date>/validation.json                              the quality gate's results
      published/warehouse.duckdb                                     the marts, read-only, for BI tools
      published/reports/<date>/index.html                            the report
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where landing files, the working and the published warehouse live: SMW_DATA_DIR or ./data."""
    return Path(os.environ.get("SMW_DATA_DIR") or PROJECT_ROOT / "data").resolve()


def warehouse_path() -> Path:
    """The working DuckDB file: SMW_WAREHOUSE or <data dir>/warehouse.duckdb. Paths come from the
    environment, not the config file, so the DAG can hand them to dbt without reading files at parse time."""
    return Path(os.environ.get("SMW_WAREHOUSE") or data_dir() / "warehouse.duckdb").resolve()


def landing_dir(data: Path) -> Path:
    return data / "landing"


def stream_file(landing: Path, platform: str, stream: str, day: dt.date, account_id: str) -> Path:
    return landing / platform / stream / day.isoformat() / f"{account_id}.ndjson.gz"


def manifest_file(landing: Path, platform: str, day: dt.date, account_id: str) -> Path:
    return landing / platform / "_manifests" / day.isoformat() / f"{account_id}.json"


def manifest_glob(day: dt.date) -> str:
    """Every platform's manifests of a logical date, relative to the landing directory."""
    return f"*/_manifests/{day.isoformat()}/*.json"


def state_file(data: Path, platform: str, account_id: str) -> Path:
    return data / "state" / platform / f"{account_id}.json"


def alerts_ledger(data: Path) -> Path:
    """The alerts already sent, per channel (warehouse.alerts), so that none is sent twice."""
    return data / "state" / "alerts_sent.json"


def logs_dir(data: Path) -> Path:
    """The command line's full logs (`python -m warehouse demo | run`), one file per command."""
    return data / "logs"


def validation_dir(data: Path, day: dt.date) -> Path:
    return data / "validation" / day.isoformat()


def published_dir(data: Path) -> Path:
    return data / "published"


def published_warehouse(data: Path) -> Path:
    return published_dir(data) / "warehouse.duckdb"


def reports_dir(data: Path) -> Path:
    return published_dir(data) / "reports"


def report_file(data: Path, day: dt.date) -> Path:
    return reports_dir(data) / day.isoformat() / "index.html"
