"""The nightly pipeline's steps as plain functions of a logical date; the DAG file only calls these."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import os
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import duckdb

from core import catalog, paths
from core.config import Settings, load_settings
from core.db import connect, sql_literal
from core.pseudonyms import require_private_salt
from core.runlock import run_lock
from core.secrets import require_credentials
from expectations.docs import publish_data_docs
from expectations.gate import validate_marts
from expectations.raw import check_raw
from extractors.run import capture_account, extract_account
from extractors.versions import sunset_notices
from loader import load_date
from loader.retention import apply_retention
from publishing.docs import publish_docs as publish_dbt_docs
from publishing.publish import PublishRefused, publish_marts
from publishing.report import write_report
from sentiment import score_new_texts, scorer_from_env
from simulator.api import simulator_transport
from simulator.api import transport as simulator_at
from simulator.world import World
from warehouse.alerts import deliver_drift_alerts as send_drift_alerts
from warehouse.alerts import deliver_new_alerts
from warehouse.report_email import deliver_weekly_reports

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def under_run_lock(step: Callable[P, R]) -> Callable[P, R]:
    """A DAG task's step holds the warehouse's run lock, shared, while it runs (core.runlock): the tasks of the
    scheduler's runs go side by side, and a command-line run holding it exclusively stops them, with the message
    "already running since ..., run id ..." (or lets them through when they run inside it, dag.test)."""
    @functools.wraps(step)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        run_id = (inspect.signature(step).bind_partial(*args, **kwargs).arguments.get("run_id")
                  or os.environ.get("AIRFLOW_CTX_DAG_RUN_ID") or step.__name__)
        with run_lock(paths.warehouse_path(), str(run_id), shared=True):
            return step(*args, **kwargs)
    return locked


def lookback_days() -> int:
    """For templates rendered when a task runs (the DAG's `smw_lookback_days()` macro)."""
    return load_settings().extraction.lookback_days


def account_keys(settings: Settings | None = None) -> list[str]:
    """The nightly DAG's first task: a real source stops here, before any extraction, without a private salt or
    with accounts whose credential is nowhere (all of them named in one error)."""
    settings = settings or load_settings()
    require_private_salt(settings.extraction.source)
    require_credentials(settings)
    return [account.key for _, account in settings.accounts()]


@under_run_lock
def extract(account_key: str, day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    settings = settings or load_settings()
    # The simulated world plugs in here, as the extractors' transport; a real source reads the network.
    transport = simulator_transport(settings, day) if settings.extraction.source == "simulator" else None
    manifest = extract_account(settings, account_key, day, run_id, transport=transport)
    return {name: {"rows": info["rows"], "status": info["status"]} for name, info in manifest["streams"].items()}


def capture_account_keys(settings: Settings | None = None) -> list[str]:
    """The intra-day DAG's accounts: those on a platform with stories (core.catalog, intraday streams)."""
    settings = settings or load_settings()
    platforms = catalog.capture_platforms()
    return [account.key for _, account in settings.accounts() if account.platform in platforms]


@under_run_lock
def capture(account_key: str, at: dt.datetime, run_id: str, settings: Settings | None = None) -> dict:
    """One intra-day capture of an account's live stories, landed for the nightly load of `at`'s UTC date. On
    the simulated world `at` is the world's clock; a real API answers as of now."""
    settings = settings or load_settings()
    transport = None
    if settings.extraction.source == "simulator":
        transport = simulator_at(World(settings, through=at.date()), at)
    manifest = capture_account(settings, account_key, at, run_id, transport=transport) or {"streams": {}}
    return {name: {"rows": info["rows"], "status": info["status"]} for name, info in manifest["streams"].items()}


@under_run_lock
def load(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    """Load the night, run the raw suites on it (rows breaking a row rule move to raw._rejected, the fields'
    drift is recorded, the night's verdict goes to data/validation/<date>/raw.json for the gate), then delete
    what is past retention (loader.retention)."""
    settings = settings or load_settings()
    summary = load_date(settings, day, run_id)
    con = connect(settings)
    try:
        checks = check_raw(con, settings, day, run_id, paths.validation_dir(settings.data, day))
        # what is past retention goes (landing files, others' words in raw), in the same writer's slot
        apply_retention(con, paths.landing_dir(settings.data), day, settings.retention.days)
    finally:
        con.close()
    return {**summary, "raw_checks": {key: checks[key] for key in ("success", "quarantined", "seconds")}
            | {"blocking": [check["rule"] for check in checks["blocking"]],
               "schema_drift": len(checks["schema_drift"])}}


def night_to_publish(requested: str | None, raw_events: list[dict], settings: Settings | None = None) -> dt.date:
    """The night the publishing DAG transforms and publishes: the one asked for by hand, else the latest night
    the raw Asset's events name (several loads may queue one run), else the latest night loaded. A real source
    stops here, before dbt pseudonymizes anything, without a private salt."""
    settings = settings or load_settings()
    require_private_salt(settings.extraction.source)
    if requested:
        return dt.date.fromisoformat(requested)
    named = [extra["day"] for extra in raw_events if extra and extra.get("day")]
    if named:
        return dt.date.fromisoformat(max(named))
    con = connect(settings)
    try:
        # (a night the loader refused is in the audit as `failed`: not a night loaded)
        loaded = con.execute("select max(_logical_date) from raw._loads "
                             "where coalesce(load_status, 'loaded') <> 'failed'").fetchone()
    except Exception as error:  # no raw._loads yet: nothing was ever loaded
        raise RuntimeError("no night has been loaded yet: run shared_media_nightly first") from error
    finally:
        con.close()
    if not loaded or loaded[0] is None:
        raise RuntimeError("no night has been loaded yet: run shared_media_nightly first")
    return loaded[0]


# The incremental marts that keep sentiment labels of earlier nights: rebuilt in full when a scorer changes.
SENTIMENT_MARTS = ("fct_interactions", "fct_account_daily", "fct_post_performance")


def sentiment_scorers(settings: Settings) -> dict[str, str]:
    """The sentiment scorer of each brand: its own `sentiment_scorer`, else $SMW_SENTIMENT_SCORER, else the
    configuration's `sentiment.scorer`."""
    from_env = scorer_from_env()
    return {brand.brand_id: brand.sentiment_scorer or from_env or settings.sentiment.scorer
            for brand in settings.brands}


def _sql_list(values: list[str]) -> str:
    return ", ".join(sql_literal(value) for value in values)


@under_run_lock
def score_sentiment(settings: Settings | None = None) -> dict:
    """Detect the language and score the sentiment of every comment, reply and mention not yet scored by
    its brand's scorer (cached by text hash, scorer and version: unchanged texts cost nothing). Brands that
    share a scorer and a language are scored together; detection favours the brand's language."""
    settings = settings or load_settings()
    scorers = sentiment_scorers(settings)
    groups: dict[tuple[str, str], list[str]] = {}
    for brand in settings.brands:
        groups.setdefault((scorers[brand.brand_id], brand.language), []).append(brand.brand_id)
    con = connect(settings)
    runs = []
    in_use: list[tuple[str, str, str]] = []
    try:
        for (scorer, language), brand_ids in groups.items():
            keys = [account.key for brand in settings.brands if brand.brand_id in brand_ids
                    for account in brand.accounts]
            run = score_new_texts(con, "select text from intermediate.int_interactions_unioned "
                                       f"where account_key in ({_sql_list(keys)})",
                                  scorer, language_prior=language)
            runs.append({"brands": brand_ids, **run})
            in_use += [(brand_id, run["scorer"], run["scorer_version"]) for brand_id in brand_ids]
        try:
            before = set(con.execute("select brand_id, scorer, scorer_version from sentiment.scorer_in_use")
                         .fetchall())
        except duckdb.Error:  # none yet, or the single-row table of an older version
            before = set()
        if before != set(in_use):
            # The incremental marts would keep the old scorer's labels for the nights they do not rewrite.
            for mart in SENTIMENT_MARTS:
                con.execute(f"drop table if exists marts.{mart}")
        # The marts read each brand's texts with the scores of its scorer in use (stg_sentiment__scores).
        con.execute("create or replace table sentiment.scorer_in_use "
                    "(brand_id varchar not null, scorer varchar not null, scorer_version varchar not null)")
        con.executemany("insert into sentiment.scorer_in_use values (?, ?, ?)", in_use)
    finally:
        con.close()
    result = {
        "seen": sum(run["seen"] for run in runs),
        "cached": sum(run["cached"] for run in runs),
        "scored": sum(run["scored"] for run in runs),
        "unscored": sum(run["unscored"] for run in runs),
        "scorer": ", ".join(sorted({run["scorer"] for run in runs})),
        "runs": runs,
    }
    log.info("sentiment: %s", result)
    return result


@under_run_lock
def validate(day: dt.date, settings: Settings | None = None) -> dict:
    settings = settings or load_settings()
    # Same configuration as dbt-duckdb's connection: in one process (dag.test) DuckDB shares the open
    # instance only between connections of equal configuration; the pool keeps other writers out.
    con = connect(settings)
    try:
        return validate_marts(con, day, settings.extraction.lookback_days, paths.validation_dir(settings.data, day),
                              accounts=mart_account_keys(settings))
    finally:
        con.close()


def mart_account_keys(settings: Settings) -> list[str]:
    """The configured accounts the marts hold a row and days for (dim_accounts, fct_account_daily): every one but
    the web analytics properties (GA4), whose sessions reach rpt_conversions instead."""
    return [account.key for _, account in settings.accounts() if account.platform != "ga4"]


@under_run_lock
def publish(day: dt.date, run_id: str, settings: Settings | None = None, backfill: bool = False) -> dict:
    """Publish the marts and the night's reports; a night older than the one published is not published (the
    published marts and reports stay), unless it is a backfill."""
    settings = settings or load_settings()
    try:
        target = publish_marts(settings.warehouse, paths.published_dir(settings.data), day, run_id,
                               accounts=account_keys(settings), backfill=backfill)
    except PublishRefused as refused:
        log.warning("%s", refused)
        return {"published": False, "reason": str(refused)}
    # Each brand's page and PDF, the date's page (what alerts link) and the index of every report.
    # The sunset of a pinned API version is a real-world date: checked against today, not the logical date.
    notices = [notice.as_dict() for notice in sunset_notices(settings)]
    # the night's Data Docs beside its reports (before them: the pages link them)
    docs = publish_data_docs(paths.validation_dir(settings.data, day), paths.report_day_dir(
        paths.reports_dir(settings.data), day) / "data-docs")
    report = write_report(target, paths.reports_dir(settings.data), day,
                          validation=paths.validation_dir(settings.data, day) / "validation.json", notices=notices,
                          workers=settings.reports.worker_count())
    log.info("published warehouse: %s", target)
    log.info("report: %s", report)
    log.info("data docs: %s", docs)
    return {"published": True, "warehouse": str(target), "report": str(report), "data_docs": str(docs)}


@under_run_lock
def publish_docs(settings: Settings | None = None) -> dict:
    """dbt's documentation of the warehouse (models, columns and types from its catalog, lineage, metrics) as one
    page that works offline, at data/published/docs/index.html. Reads the warehouse: the writers' pool."""
    settings = settings or load_settings()
    page = publish_dbt_docs(paths.PROJECT_ROOT / "dbt_project", settings.warehouse, paths.docs_dir(settings.data))
    log.info("dbt docs: %s", page)
    return {"docs": str(page)}


@under_run_lock
def deliver_alerts(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    """Send the crisis and reach-drop alerts first seen in the lookback window to the configured channels."""
    return deliver_new_alerts(settings or load_settings(), day, run_id)


@under_run_lock
def deliver_drift_alerts(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    """Send the schema drift alerts the load's raw suites found, before (and whether or not) the night publishes."""
    return send_drift_alerts(settings or load_settings(), day, run_id)


def deliver_reports(day: dt.date, run_id: str, settings: Settings | None = None) -> dict:
    """Email each brand's report (PDF) once a week, on the configured weekday (`reports.weekly_email_weekday`)."""
    return deliver_weekly_reports(settings or load_settings(), day, run_id)
