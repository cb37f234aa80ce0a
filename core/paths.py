"""Every path under the data directory, in one place: where each stage reads and writes.

    <data>/                       SMW_DATA_DIR, default ./data
      landing/<platform>/<stream>/<date>/<account id>.ndjson.gz     payloads as received (extractors)
      landing/<platform>/_manifests/<date>/<account id>.json        rows, sha256, status per stream
      landing/<platform>/<stream>/<date>/capture=<HHMMSS>/<account id>.ndjson.gz   an intra-day capture (stories)
      landing/<platform>/_captures/<date>/<account id>@<HHMMSS>.json  its manifest; the night of <date> loads it
      state/<platform>/<account id>.json                            each account's extraction cursor
      warehouse.duckdb                                               the working warehouse (SMW_WAREHOUSE)
      validation/<date>/validation.json                              the quality gate's results
      published/warehouse.duckdb                                     the marts, read-only, for BI tools
      published/parquet/<mart>/<mart>.parquet                        each mart as Parquet (a link, swapped atomically)
      published/docs/index.html                                      dbt's docs: catalog, lineage, metrics (offline)
      published/reports/index.html                                   every report, by date and brand
      published/reports/<date>/index.html                            the date's reports, one link per brand
      published/reports/<date>/<brand id>/index.html, report.pdf     a brand's report (HTML, and PDF)
      published/reports/<date>/validation.json                       the quality gate's results, beside them
      state/reports_sent.json                                        the weekly report emails sent
      spark/warehouse/, spark/metastore_db/                          `--target spark`: its tables and catalog
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


def spark_dir(data: Path) -> Path:
    """The Spark target's local warehouse and metastore (loader.spark, profiles.yml output spark)."""
    return data / "spark"


def stream_file(landing: Path, platform: str, stream: str, day: dt.date, account_id: str) -> Path:
    return landing / platform / stream / day.isoformat() / f"{account_id}.ndjson.gz"


def manifest_file(landing: Path, platform: str, day: dt.date, account_id: str) -> Path:
    return landing / platform / "_manifests" / day.isoformat() / f"{account_id}.json"


def capture_file(landing: Path, platform: str, stream: str, at: dt.datetime, account_id: str) -> Path:
    """An intra-day capture's file: under the UTC date of the capture, which the nightly load of that date
    reads, in a folder of its own per capture time (several captures a day never overwrite each other)."""
    return (landing / platform / stream / at.date().isoformat() / f"capture={at.strftime('%H%M%S')}"
            / f"{account_id}.ndjson.gz")


def capture_manifest_file(landing: Path, platform: str, at: dt.datetime, account_id: str) -> Path:
    return landing / platform / "_captures" / at.date().isoformat() / f"{account_id}@{at.strftime('%H%M%S')}.json"


def capture_manifest_glob(day: dt.date) -> str:
    """Every intra-day capture's manifest of a UTC date, relative to the landing directory."""
    return f"*/_captures/{day.isoformat()}/*.json"


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


def published_parquet(data: Path) -> Path:
    """<mart>/<mart>.parquet for every mart: a link to the latest publication's folder (publishing.publish)."""
    return published_dir(data) / "parquet"


def docs_dir(data: Path) -> Path:
    """dbt's documentation (catalog, lineage, metrics), one self-contained page: <docs_dir>/index.html."""
    return published_dir(data) / "docs"


def reports_dir(data: Path) -> Path:
    return published_dir(data) / "reports"


def reports_index(reports: Path) -> Path:
    """The page listing every report on disk, by date and brand."""
    return reports / "index.html"


def report_day_dir(reports: Path, day: dt.date) -> Path:
    return reports / day.isoformat()


def report_file(data: Path, day: dt.date) -> Path:
    """The page of a logical date's reports (one link per brand): what alerts and the demo's summary name."""
    return report_day_dir(reports_dir(data), day) / "index.html"


def brand_report_file(reports: Path, day: dt.date, brand_id: str) -> Path:
    return report_day_dir(reports, day) / brand_id / "index.html"


def brand_report_pdf(reports: Path, day: dt.date, brand_id: str) -> Path:
    return report_day_dir(reports, day) / brand_id / "report.pdf"


def reports_ledger(data: Path) -> Path:
    """The weekly report emails already sent (warehouse.report_email), so that none is sent twice."""
    return data / "state" / "reports_sent.json"
