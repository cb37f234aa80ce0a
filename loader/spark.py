"""Raw tables on Apache Spark, from the same landing files, with the loader's guarantees (README "Scaling up").

The nights are judged by the DuckDB loader itself (loader.load.load_date), into a scratch DuckDB of their own:
the same reading, quarantine reasons, threshold and reconciliation with the manifests, so the two engines can
not disagree on what a night holds. A night the loader refuses (a file that does not reconcile, a corrupt
gzip) stops there: nothing of it reaches Spark, and its `failed` audit row is written to raw._loads. Only then
are the loaded nights written to Spark, as Parquet tables partitioned by (_logical_date, _account_id): an
`insert overwrite` of exactly the partitions a night's files cover (dynamic partition overwrite), so loading a
night again replaces it, never appends it twice. A held stream (over the quarantine threshold) keeps its
earlier partition, as raw keeps its earlier rows on DuckDB.

Plain Parquet has no transaction across tables: a process killed between two tables' overwrites leaves the
night partly replaced until it is loaded again (which the next run does, idempotently). A table format with
transactions (Delta Lake, Iceberg) would close that window; it needs jars this project does not ship.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
from pyspark.sql import DataFrame, SparkSession

from core.config import Settings
from core.db import limit_memory
from core.paths import spark_dir
from core.pseudonyms import DUCKDB_VARIABLE, pseudonym_salt
from loader.load import load_date

log = logging.getLogger(__name__)

RAW_DDL = """(
    payload STRING, _parent_id STRING, _run_id STRING, _loaded_at TIMESTAMP, _source_file STRING, _line_no BIGINT,
    _logical_date DATE, _account_id STRING
) USING parquet PARTITIONED BY (_logical_date, _account_id)"""
RAW_SELECT = ("cast(payload as varchar) as payload, _parent_id, _run_id, _loaded_at, _source_file, _line_no, "
              "_logical_date, _account_id")
AUDIT_TABLES = ("_loads", "_quarantine")  # rewritten per night, partitioned by _logical_date
# old (an audit or quarantine row) and files (the nights' files) of the same landing file
_SAME_FILE = " and ".join(f"old.{key} = files.{key}" for key in ("platform", "stream", "_logical_date", "_account_id"))


def session(data: Path, master: str | None = None) -> SparkSession:
    """The Spark session dbt-spark's `session` method runs in (profiles.yml, output spark): the warehouse and
    its embedded metastore under <data>/spark, UTC, DuckDB's reading of string literals, and the
    pseudonymization salt as the session variable the spark__pseudonymize macro reads (bound, never in SQL).
    SMW_SPARK_MASTER names a cluster; the default is this machine's cores."""
    root = spark_dir(data)
    root.mkdir(parents=True, exist_ok=True)
    spark = (SparkSession.builder
             .master(master or os.environ.get("SMW_SPARK_MASTER") or "local[*]")
             .appName("shared_media_warehouse")
             .config("spark.sql.warehouse.dir", str(root / "warehouse"))
             .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                     f"jdbc:derby:;databaseName={root / 'metastore_db'};create=true")
             .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={root}")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.parser.escapedStringLiterals", "true")
             .config("spark.sql.sources.partitionOverwriteMode", "dynamic")
             # Derby's metastore cannot filter date partitions itself: Spark then prunes them on its side
             .config("spark.sql.hive.metastorePartitionPruningFallbackOnException", "true")
             .config("spark.ui.enabled", os.environ.get("SMW_SPARK_UI", "false"))
             .config("spark.sql.shuffle.partitions", os.environ.get("SMW_SPARK_SHUFFLE_PARTITIONS", "8"))
             .enableHiveSupport()
             .getOrCreate())
    spark.sql(f"declare or replace variable {DUCKDB_VARIABLE} string")
    spark.sql(f"set var {DUCKDB_VARIABLE} = :salt", args={"salt": pseudonym_salt()})
    return spark


def load_dates(spark: SparkSession, settings: Settings, days: list[dt.date], run_id: str) -> dict:
    """Load the nights into Spark's raw schema, in order. A night the loader refuses raises its error after
    the nights before it are written and its failure is audited; nothing of it is in raw."""
    staging = Path(tempfile.mkdtemp(prefix="landing-", dir=spark_dir(settings.data)))
    scratch = limit_memory(duckdb.connect(str(staging / "scratch.duckdb")))
    summary: dict = {"nights": 0, "loaded": 0, "quarantined": 0}
    failure: BaseException | None = None
    try:
        for day in days:
            try:
                night = load_date(settings, day, run_id, con=scratch)
            except Exception as error:  # the loader's refusal: written below, then raised
                failure = error
                break
            summary["nights"] += 1
            for counts in night.values():
                summary["loaded"] += counts["loaded"]
                summary["quarantined"] += counts["quarantined"]
        _write(spark, scratch, staging)
    finally:
        scratch.close()
        shutil.rmtree(staging, ignore_errors=True)
    if failure is not None:
        raise failure
    log.info("loaded into Spark: %s", summary)
    return summary


def _write(spark: SparkSession, scratch: duckdb.DuckDBPyConnection, staging: Path) -> None:
    """The scratch warehouse's nights into Spark: raw partitions, the audit and quarantine, the configuration."""
    spark.sql("create database if not exists raw")
    tables = [name for (name,) in scratch.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name").fetchall()]
    if "_loads" not in tables:
        return  # nothing was read (no manifest)
    # The nights' files: (platform, stream, _logical_date, _account_id) and whether the stream was held.
    files = _frame(spark, scratch, staging, "files", """
        select platform, stream, _logical_date, _account_id, bool_or(load_status = 'held') as held,
               bool_or(load_status = 'failed') as failed
        from raw._loads group by all""").localCheckpoint()
    for table in tables:
        if table.startswith("_"):
            continue
        if table.startswith("config__"):
            _frame(spark, scratch, staging, table, f"select * from raw.{table}").write.mode("overwrite") \
                .format("parquet").saveAsTable(f"raw.{table}")
            continue
        _write_raw(spark, scratch, staging, table, files)
    _write_audit(spark, scratch, staging, files)


def _write_raw(spark: SparkSession, scratch: duckdb.DuckDBPyConnection, staging: Path, table: str,
               files: DataFrame) -> None:
    platform, stream = table.split("__", 1)
    spark.sql(f"create table if not exists raw.{table} {RAW_DDL}")
    rows = _frame(spark, scratch, staging, table, f"select {RAW_SELECT} from raw.{table}")
    rows.createOrReplaceTempView("night_rows")
    # Dynamic overwrite replaces the partitions the rows fall in; a file that loaded no row (an account with
    # nothing that night) has no partition to overwrite, so its earlier one is dropped.
    spark.sql(f"insert overwrite table raw.{table} partition (_logical_date, _account_id) "
              "select payload, _parent_id, _run_id, _loaded_at, _source_file, _line_no, _logical_date, _account_id "
              "from night_rows")
    empty = files.where(f"platform = '{platform}' and stream = '{stream}' and not held and not failed") \
        .join(rows.select("_logical_date", "_account_id").distinct(), ["_logical_date", "_account_id"], "left_anti") \
        .collect()
    for row in empty:
        spark.sql(f"alter table raw.{table} drop if exists partition "
                  f"(_logical_date = date'{row._logical_date}', _account_id = '{_quoted(row._account_id)}')")


def _write_audit(spark: SparkSession, scratch: duckdb.DuckDBPyConnection, staging: Path, files: DataFrame) -> None:
    """raw._loads and raw._quarantine of the nights: their new rows, and the earlier rows the DuckDB loader
    keeps too (other files of the night; a refused file's; for a held stream, the load whose rows raw keeps)."""
    files.createOrReplaceTempView("night_files")
    for table in AUDIT_TABLES:
        new = _frame(spark, scratch, staging, table, f"select * from raw.{table}")
        columns = [name for name in new.columns if name != "_logical_date"] + ["_logical_date"]
        new = new.select(*columns)
        spark.sql(f"create table if not exists raw.{table} ({_ddl(new)}) using parquet "
                  "partitioned by (_logical_date)")
        new.createOrReplaceTempView(f"new{table}")
    kept_loads = spark.sql(f"""
        select old.* from raw._loads as old
        left join night_files as files on {_SAME_FILE}
        where old._logical_date in (select _logical_date from night_files)
          and (files.platform is null or files.failed
               or (files.held and coalesce(old.load_status, 'loaded') = 'loaded'))""")
    kept_loads = kept_loads.localCheckpoint()
    kept_loads.createOrReplaceTempView("kept_loads")
    kept_quarantine = spark.sql(f"""
        select old.* from raw._quarantine as old
        left join night_files as files on {_SAME_FILE}
        where old._logical_date in (select _logical_date from night_files)
          and (files.platform is null or files.failed or (files.held and old._run_id in (
              select kept._run_id from kept_loads as kept where kept.platform = old.platform
              and kept.stream = old.stream and kept._logical_date = old._logical_date
              and kept._account_id = old._account_id)))""").localCheckpoint()
    for table, kept in (("_loads", kept_loads), ("_quarantine", kept_quarantine)):
        whole = kept.unionByName(spark.table(f"new{table}")).select(*spark.table(f"raw.{table}").columns)
        whole.localCheckpoint().write.insertInto(f"raw.{table}", overwrite=True)  # (by position)


def _frame(spark: SparkSession, scratch: duckdb.DuckDBPyConnection, staging: Path, name: str, query: str) -> DataFrame:
    """A query of the scratch warehouse as a Spark DataFrame, through a Parquet file (the rows never pass
    through Python)."""
    path = staging / f"table-{name}.parquet"  # (Spark skips files whose name starts with _ or .)
    scratch.execute(f"copy ({query}) to '{path}' (format parquet)")
    frame = spark.read.parquet(str(path))
    # DuckDB's TIMESTAMP is Parquet's local time, which Spark reads as timestamp_ntz: raw keeps timestamp (UTC)
    for field in frame.schema.fields:
        if field.dataType.typeName() == "timestamp_ntz":
            frame = frame.withColumn(field.name, frame[field.name].cast("timestamp"))
    return frame


def _ddl(frame: DataFrame) -> str:
    return ", ".join(f"`{field.name}` {field.dataType.simpleString()}" for field in frame.schema.fields)


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def copy_tables(spark: SparkSession, con: duckdb.DuckDBPyConnection, tables: list[str], data: Path) -> None:
    """Replace Spark tables with DuckDB's of the same name (schema.table): the sentiment cache the DAG's
    score_sentiment step writes to the DuckDB warehouse."""
    staging = Path(tempfile.mkdtemp(prefix="copy-", dir=spark_dir(data)))
    try:
        for table in tables:
            schema = table.split(".", 1)[0]
            spark.sql(f"create database if not exists {schema}")
            _frame(spark, con, staging, table.replace(".", "__"), f"select * from {table}") \
                .write.mode("overwrite").format("parquet").saveAsTable(table)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
