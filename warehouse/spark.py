"""`python -m warehouse.spark`: the nights' landing files into raw on Apache Spark, then the dbt project with
`--target spark`, in one Spark session (README "Scaling up").

One session, because the pseudonymization salt is a variable of the session (loader.spark.session): a dbt run
that opened a session of its own would stop at the first pseudonym, never hash without the salt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from dbt.artifacts.schemas.run import RunExecutionResult
from dbt.cli.main import dbtRunner
from pyspark.sql import SparkSession

from core.config import Settings, load_settings
from core.db import connect
from core.paths import PROJECT_ROOT
from loader import spark as spark_loader
from warehouse.pipeline import SENTIMENT_MARTS

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
# The sentiment step (warehouse.pipeline.score_sentiment) writes its cache to the DuckDB warehouse only.
SENTIMENT_TABLES = ["sentiment.text_scores", "sentiment.scorer_in_use"]
# Models only (the unit tests' fixtures are DuckDB SQL). A backfill, or a dbt-only run, rebuilds every model.
FULL_BUILD = ["run", "--full-refresh"]


def default_dbt_args(settings: Settings, days: list[dt.date]) -> list[str]:
    """The nightly run when the nights fit in one lookback window, as the DAG runs dbt on DuckDB: the by-night
    models overwrite only the reprocessed nights' partitions (insert_overwrite), the models rewritten by key are
    rebuilt (tables on Spark: macros/incremental_items.sql). Otherwise, or with no night, a full build."""
    lookback = settings.extraction.lookback_days
    if not days or (max(days) - min(days)).days > lookback:
        return FULL_BUILD
    return ["run", "--vars", json.dumps({"logical_date": max(days).isoformat(), "lookback_days": lookback})]


def build(settings: Settings, days: list[dt.date], dbt_args: list[str] | None = None,
          master: str | None = None) -> tuple[SparkSession, dict]:
    """Load the nights into Spark's raw, copy the sentiment cache from the DuckDB warehouse, and run dbt on
    Spark. Returns the session (still open) and the seconds each step took."""
    seconds: dict[str, float] = {}
    started = time.monotonic()
    spark = spark_loader.session(settings.data, master=master)
    seconds["session"] = time.monotonic() - started
    started = time.monotonic()
    if days:
        spark_loader.load_dates(spark, settings, days, f"spark-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}")
    seconds["load"] = time.monotonic() - started
    started = time.monotonic()
    if settings.warehouse.exists():
        copy_sentiment(spark, settings)
    seconds["sentiment_copy"] = time.monotonic() - started
    started = time.monotonic()
    if dbt_args is None:
        dbt_args = default_dbt_args(settings, days) if partitioned_by_night(spark) else FULL_BUILD
    result = dbtRunner().invoke([*dbt_args, "--target", "spark",
                                 "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)])
    seconds["dbt"] = time.monotonic() - started
    if not result.success:
        nodes = result.result.results if isinstance(result.result, RunExecutionResult) else []
        failed = [f"{node.node.name}: {node.message}" for node in nodes if str(node.status) not in ("success", "pass")]
        raise RuntimeError(f"dbt on Spark failed: {failed or result.exception}")
    return spark, seconds


def copy_sentiment(spark: SparkSession, settings: Settings) -> list[str]:
    """Copy the sentiment cache from the DuckDB warehouse. When a brand's scorer changed since the last copy,
    drop the incremental marts on Spark, as score_sentiment does on DuckDB: they would keep the old scorer's
    labels for the nights a nightly run does not rewrite; the run then builds them in full. Returns those."""
    before = _scorers_in_use(spark)
    con = connect(settings, read_only=True)
    try:
        spark_loader.copy_tables(spark, con, SENTIMENT_TABLES, settings.data)
    finally:
        con.close()
    if before is None or before == _scorers_in_use(spark):
        return []
    for mart in SENTIMENT_MARTS:
        spark.sql(f"drop table if exists marts.{mart}")
    return list(SENTIMENT_MARTS)


def _scorers_in_use(spark: SparkSession) -> set[tuple] | None:
    """Spark's copy of sentiment.scorer_in_use (brand, scorer, version), None before the first copy."""
    if not spark.catalog.tableExists("sentiment.scorer_in_use"):
        return None
    return {tuple(row) for row in spark.table("sentiment.scorer_in_use").collect()}


def partitioned_by_night(spark: SparkSession) -> bool:
    """False when Spark holds the by-night tables unpartitioned, as builds before they became incremental made
    them: an insert_overwrite by partition would be refused there, so that run is a full build. (They are all
    made by the same builds: one tells for all.)"""
    table = "intermediate.int_post_snapshots_unioned"
    if not spark.catalog.tableExists(table):
        return True  # a first build creates it partitioned
    return any(column.isPartition for column in spark.catalog.listColumns(table))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.spark", description=__doc__.splitlines()[0])
    parser.add_argument("--date", action="append", type=dt.date.fromisoformat, default=[],
                        help="a logical date to load (repeat it); none: dbt only")
    parser.add_argument("--master", help="Spark's master URL (default: SMW_SPARK_MASTER, else local[*])")
    parser.add_argument("dbt", nargs=argparse.REMAINDER,
                        help="dbt's arguments after --; default: the nights' incremental run when they fit in one "
                             "lookback window, else run --full-refresh")
    args = parser.parse_args(argv)
    dbt_args = [word for word in args.dbt if word != "--"] or None
    _spark, seconds = build(load_settings(), sorted(args.date), dbt_args, args.master)
    print(" ".join(f"{step} {value:.1f} s" for step, value in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
