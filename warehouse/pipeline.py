"""The nightly pipeline's steps as plain functions of a logical date; the DAG file only calls these."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from warehouse.config import Settings, load_settings

log = logging.getLogger(__name__)


def published_dir(settings: Settings) -> Path:
    return settings.data / "published"


def lookback_days() -> int:
    """For templates rendered when a task runs (the DAG's `smw_lookback_days()` macro)."""
    return load_settings().extraction.lookback_days


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


def score_sentiment(settings: Settings | None = None) -> dict:
    """Detect the language and score the sentiment of every comment, reply and mention not yet scored by
    the scorer in use (cached by text hash and scorer version: unchanged texts cost nothing)."""
    from warehouse.db import connect
    from warehouse.sentiment import score_new_texts

    settings = settings or load_settings()
    con = connect(settings)
    try:
        result = score_new_texts(con, "select text from intermediate.int_interactions_unioned")
        # The marts join the cache on the scorer in use; changing it makes every text rescored first.
        con.execute("create or replace table sentiment.scorer_in_use as select ? as scorer, ? as scorer_version",
                    [result["scorer"], result["scorer_version"]])
    finally:
        con.close()
    log.info("sentiment: %s", result)
    return result


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
