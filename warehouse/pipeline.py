"""The nightly pipeline's steps as plain functions of a logical date; the DAG file only calls these."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from warehouse.config import Settings, load_settings

log = logging.getLogger(__name__)


def published_dir(settings: Settings) -> Path:
    return settings.data / "published"


def account_keys(settings: Settings | None = None) -> list[str]:
    settings = settings or load_settings()
    return [account.key for _, account in settings.accounts()]


def extract(account_key: str, day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    from extractors.run import extract_account

    manifest = extract_account(settings or load_settings(), account_key, day, run_id)
    return {name: {"rows": info["rows"], "status": info["status"]} for name, info in manifest["streams"].items()}


def load(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    from warehouse.load import load_date

    return load_date(settings or load_settings(), day, run_id)


def validate(day: dt.date, settings: Settings | None = None) -> dict:
    from expectations.gate import validate_marts
    from warehouse.db import connect

    settings = settings or load_settings()
    # Same configuration as dbt-duckdb's connection: in one process (dag.test) DuckDB shares the open
    # instance only between connections of equal configuration; the pool keeps other writers out.
    con = connect(settings)
    try:
        return validate_marts(con, day, settings.extraction.lookback_days,
                              settings.data / "validation" / day.isoformat())
    finally:
        con.close()


def publish(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    from warehouse.publish import publish_marts
    from warehouse.report import write_report

    settings = settings or load_settings()
    target = publish_marts(settings.warehouse, published_dir(settings), day, run_id)
    report = write_report(target, published_dir(settings) / "reports", day)
    log.info("published warehouse: %s", target)
    log.info("report: %s", report)
    return {"warehouse": str(target), "report": str(report)}
