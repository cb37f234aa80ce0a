"""The nightly pipeline's steps as plain functions of a logical date; the DAG file only calls these."""

from __future__ import annotations

import datetime as dt
import logging

from core import paths
from core.config import Settings, load_settings
from core.db import connect
from expectations.gate import validate_marts
from extractors.run import extract_account
from loader import load_date
from publishing.publish import publish_marts
from publishing.report import write_report
from sentiment import score_new_texts
from simulator.api import simulator_transport
from warehouse.alerts import deliver_new_alerts

log = logging.getLogger(__name__)


def lookback_days() -> int:
    """For templates rendered when a task runs (the DAG's `smw_lookback_days()` macro)."""
    return load_settings().extraction.lookback_days


def account_keys(settings: Settings | None = None) -> list[str]:
    settings = settings or load_settings()
    return [account.key for _, account in settings.accounts()]


def extract(account_key: str, day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    settings = settings or load_settings()
    # The simulated world plugs in here, as the extractors' transport; a real source reads the network.
    transport = simulator_transport(settings, day) if settings.extraction.source == "simulator" else None
    manifest = extract_account(settings, account_key, day, run_id, transport=transport)
    return {name: {"rows": info["rows"], "status": info["status"]} for name, info in manifest["streams"].items()}


def load(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    return load_date(settings or load_settings(), day, run_id)


def night_to_publish(requested: str | None, raw_events: list[dict], settings: Settings | None = None) -> dt.date:
    """The night the publishing DAG transforms and publishes: the one asked for by hand, else the latest night
    the raw Asset's events name (several loads may queue one run), else the latest night loaded."""
    if requested:
        return dt.date.fromisoformat(requested)
    named = [extra["day"] for extra in raw_events if extra and extra.get("day")]
    if named:
        return dt.date.fromisoformat(max(named))
    con = connect(settings or load_settings())
    try:
        loaded = con.execute("select max(_logical_date) from raw._loads").fetchone()
    except Exception as error:  # no raw._loads yet: nothing was ever loaded
        raise RuntimeError("no night has been loaded yet: run shared_media_nightly first") from error
    finally:
        con.close()
    if not loaded or loaded[0] is None:
        raise RuntimeError("no night has been loaded yet: run shared_media_nightly first")
    return loaded[0]


def score_sentiment(settings: Settings | None = None) -> dict:
    """Detect the language and score the sentiment of every comment, reply and mention not yet scored by
    the scorer in use (cached by text hash and scorer version: unchanged texts cost nothing)."""
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
    settings = settings or load_settings()
    # Same configuration as dbt-duckdb's connection: in one process (dag.test) DuckDB shares the open
    # instance only between connections of equal configuration; the pool keeps other writers out.
    con = connect(settings)
    try:
        return validate_marts(con, day, settings.extraction.lookback_days, paths.validation_dir(settings.data, day))
    finally:
        con.close()


def publish(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    settings = settings or load_settings()
    target = publish_marts(settings.warehouse, paths.published_dir(settings.data), day, run_id)
    report = write_report(target, paths.reports_dir(settings.data), day)
    log.info("published warehouse: %s", target)
    log.info("report: %s", report)
    return {"warehouse": str(target), "report": str(report)}


def deliver_alerts(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    """Send the crisis and reach-drop alerts first seen in the lookback window to the configured channels."""
    return deliver_new_alerts(settings or load_settings(), day, run_id)
