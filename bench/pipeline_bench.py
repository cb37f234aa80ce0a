"""Benchmark the warehouse's own stages on the simulated world: bulk landing, loading, and the dbt build.

Two shapes, results in bench/results/ (timings are measured here, never asserted in tests):

- nightly history (default, `make bench`): every night of `--days` is landed and loaded as the nightly DAG
  would, each night re-reading its lookback window; then one dbt build. -> pipeline.json
- `--backfill`: the benchmark sizes. A world of `--brand-copies` copies of the configured brands
  (simulator.fleet) over `--days` of history is landed as each account's first night, which reads its whole
  history once (what onboarding a brand costs), loaded and built; then the following night, an ordinary
  nightly increment on top of that warehouse (what every morning costs at that size).
  -> pipeline_backfill.json

    .venv/bin/python bench/pipeline_bench.py --scale 3 --days 90
    .venv/bin/python bench/pipeline_bench.py --backfill --brand-copies 88 --scale 1.5 --days 365

Bulk landing runs in worker processes (one per CPU by default, `--workers`): its CPU seconds count theirs and
`worker_peak_rss_mb` is the largest worker's peak. dbt runs in its own processes, as a task would run it;
each one's peak memory is its own (its high-water mark, read while it runs). `peak_rss_mb` is this
process's, which loads and scores sentiment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or of its largest finished child process), in MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (bulk landing's worker processes), user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def land(settings, days: list[dt.date], workers: int | None, census: bool = False) -> dict:
    from core.landing import read_manifests
    from simulator.bulk import land_history

    landing = settings.data / "landing"
    before = sum(path.stat().st_size for path in landing.rglob("*.gz")) if landing.exists() else 0
    started, cpu = time.perf_counter(), cpu_seconds()
    landed = land_history(settings, days, workers=workers, census=census)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    landed_bytes = sum(path.stat().st_size for path in landing.rglob("*.gz")) - before
    by_stream: dict[str, int] = {}
    for day in days:
        for manifest in read_manifests(landing, day):
            for stream, info in manifest["streams"].items():
                name = f"{manifest['platform']}.{stream}"
                by_stream[name] = by_stream.get(name, 0) + info["rows"]
    print(f"landed {landed['rows']} rows in {seconds:.1f}s", flush=True)
    world = {"world_as_of_the_night": {name: landed[name] for name in ("posts", "comments")}} if census else {}
    return {**world, "rows": landed["rows"], "rows_by_stream": dict(sorted(by_stream.items())),
            "files": landed["files"], "workers": landed.get("workers", 1),
            "seconds": round(seconds, 1), "rows_per_second": round(landed["rows"] / seconds),
            "cpu_seconds": round(cpu, 1), "rows_per_cpu_second": round(landed["rows"] / max(cpu, 1e-9)),
            "gzip_megabytes": round(landed_bytes / 1e6, 1),
            "worker_peak_rss_mb": round(peak_rss_mb(resource.RUSAGE_CHILDREN))}


def load(settings, days: list[dt.date]) -> dict:
    from core.db import connect
    from loader.load import load_date

    started, cpu = time.perf_counter(), cpu_seconds()
    con = connect(settings)
    loaded = quarantined = 0
    try:
        for day in days:
            for table in load_date(settings, day, "bench", con=con).values():
                loaded += table["loaded"]
                quarantined += table["quarantined"]
    finally:
        con.close()
    seconds = time.perf_counter() - started
    print(f"loaded {loaded} rows in {seconds:.1f}s", flush=True)
    return {"rows": loaded, "quarantined": quarantined, "seconds": round(seconds, 1),
            "rows_per_second": round(loaded / seconds), "cpu_seconds": round(cpu_seconds() - cpu, 1),
            "peak_rss_mb": round(peak_rss_mb())}


def dbt(settings, *args: str) -> dict:
    """One dbt invocation in its own process; its own time and peak memory."""
    env = {**os.environ, "SMW_WAREHOUSE": str(settings.warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    command = [str(Path(sys.executable).parent / "dbt"), "--quiet", *args, "--profiles-dir", "."]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT / "dbt_project", env=env)
    # Its high-water mark, read while it runs: a child's rusage after exec still counts the parent's pages.
    peak = 0
    while process.poll() is None:
        peak = max(peak, _high_water_kb(process.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    print(f"dbt {' '.join(args)}: {seconds:.1f}s", flush=True)
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024)}


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # gone, or not Linux
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def transform(settings, night: dt.date | None = None) -> dict:
    """What the DAG runs after loading: staging and intermediate, sentiment, the marts. With a night, as the
    DAG's nightly run (its logical_date and lookback_days: the incremental models recompute only the window)."""
    from warehouse.pipeline import score_sentiment

    nightly = ["--vars", json.dumps({"logical_date": night.isoformat(),
                                     "lookback_days": settings.extraction.lookback_days})] if night else []
    staging = dbt(settings, "run", "--select", "path:models/staging", "path:models/intermediate", *nightly)
    started = time.perf_counter()
    sentiment = score_sentiment(settings)
    sentiment_seconds = time.perf_counter() - started
    marts = dbt(settings, "run", "--select", "path:models/marts", *nightly)
    return {"dbt_staging_and_intermediate": staging,
            "sentiment": {"texts_seen": sentiment["seen"], "scored": sentiment["scored"],
                          "seconds": round(sentiment_seconds, 1)},
            "dbt_marts": marts}


def spark(settings, days: list[dt.date]) -> dict:
    """The same nights on Spark (local mode, every core): session start, raw from the landing files (judged by
    the DuckDB loader, written as partitions), the sentiment cache copied, `dbt run --full-refresh`. Then the
    night after them on both engines as a nightly run (`python -m warehouse.spark --date <night>`: incremental
    by partition on Spark), to set each engine's nightly cost beside its full build."""
    from warehouse.spark import FULL_BUILD, build

    session, seconds = build(settings, days, FULL_BUILD)  # the whole build, as DuckDB's beside it
    rows = {mart: session.table(f"marts.{mart}").count()
            for mart in ("fct_interactions", "fct_post_performance", "fct_account_daily")}
    night = max(days) + dt.timedelta(days=1)
    landed = land(settings, [night], None)
    duckdb_night = {"load": load(settings, [night]), **transform(settings, night)}
    session, nightly = build(settings, [night])
    session.stop()
    spark_total = sum(value for step, value in seconds.items() if step != "session")
    spark_nightly = sum(value for step, value in nightly.items() if step != "session")
    duckdb_nightly = duckdb_night["load"]["seconds"] + sum(
        duckdb_night[step]["seconds"] for step in ("dbt_staging_and_intermediate", "sentiment", "dbt_marts"))
    print(f"spark: full {spark_total:.1f}s, nightly {spark_nightly:.1f}s; duckdb nightly {duckdb_nightly:.1f}s",
          flush=True)
    return {**{f"{step}_seconds": round(value, 1) for step, value in seconds.items()}, "mart_rows": rows,
            "nightly": {"night": night.isoformat(), "rows_landed": landed["rows"],
                        "spark": {f"{step}_seconds": round(value, 1) for step, value in nightly.items()},
                        "spark_seconds_without_session": round(spark_nightly, 1),
                        "spark_nightly_over_full_build": round(spark_nightly / spark_total, 3),
                        "duckdb": duckdb_night, "duckdb_seconds": round(duckdb_nightly, 1)}}


def sizes(settings) -> dict:
    from core.db import connect

    con = connect(settings, read_only=True)
    try:
        marts = {name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
                 for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'"
                                            " order by 1").fetchall()}
        world = {
            "posts": marts["dim_posts"],
            "interactions_by_type": dict(con.execute(
                "select interaction_type, count(*) from marts.fct_interactions group by 1 order by 1").fetchall()),
        }
    finally:
        con.close()
    return {"world_in_marts": world, "mart_rows": marts,
            "warehouse_megabytes": round(settings.warehouse.stat().st_size / 1e6, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="simulator.scale (audience and posts per day)")
    parser.add_argument("--days", type=int, default=30, help="nights of history")
    parser.add_argument("--brand-copies", type=int, default=1,
                        help="each configured brand this many times, with ids of its own (simulator.fleet)")
    parser.add_argument("--backfill", action="store_true",
                        help="land the history as each account's first night, then one nightly increment")
    parser.add_argument("--workers", type=int, default=None,
                        help="bulk landing processes (default: SMW_BULK_WORKERS, else one per CPU)")
    parser.add_argument("--skip-dbt", action="store_true", help="land and load only")
    parser.add_argument("--skip-load", action="store_true", help="land only (the simulator's own benchmark)")
    parser.add_argument("--landed", metavar="DATA_DIR", default=None,
                        help="load and build what an earlier --skip-load run landed in DATA_DIR (its data folder, "
                             "printed at the start), with the same world arguments")
    parser.add_argument("--spark", action="store_true",
                        help="then the same nights on Apache Spark in local mode: raw loaded from the same landing "
                             "files and the dbt build (python -m warehouse.spark), timed beside DuckDB's")
    parser.add_argument("--out", default=None, help="results file (default: bench/results/pipeline[_backfill].json)")
    args = parser.parse_args()

    if args.landed:
        # the same arguments as the run that landed it, so that the configuration is the same
        os.environ["SMW_DATA_DIR"] = str(Path(args.landed).resolve())
    else:
        os.environ["SMW_DATA_DIR"] = str(Path(tempfile.mkdtemp(prefix="smw-bench-")) / "data")
    os.environ.pop("SMW_WAREHOUSE", None)
    print(f"data folder: {os.environ['SMW_DATA_DIR']}", flush=True)
    from core.config import load_settings
    from simulator.fleet import replicate

    settings = replicate(load_settings(), args.brand_copies)
    settings = settings.model_copy(update={"simulator": settings.simulator.model_copy(
        update={"scale": args.scale,
                "history_days": args.days if args.backfill else max(args.days, settings.simulator.history_days)})})
    if args.backfill and args.days < 2:
        parser.error("--backfill needs --days 2 or more (the history, then its last night)")
    start = settings.extraction.start_date
    result: dict = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "world": {"brands": len(settings.brands), "accounts": len(settings.accounts()),
                  "history_days": settings.simulator.history_days, "scale": args.scale,
                  "lookback_days": settings.extraction.lookback_days},
    }
    out = Path(args.out) if args.out else RESULTS / ("pipeline_backfill.json" if args.backfill else "pipeline.json")
    if args.backfill:
        # The first night reads everything from the start date up to the night before the history's last day;
        # the last day is then an ordinary night with its lookback window.
        first, then = start + dt.timedelta(days=args.days - 2), start + dt.timedelta(days=args.days - 1)
        stages = {"backfill": [first], "next_night": [then]}
    else:
        stages = {"history": [start + dt.timedelta(days=n) for n in range(args.days)]}
    for name, days in stages.items():
        # A first night's backfill holds every comment in memory when it ends: the world is counted then.
        stage: dict = {"nights": len(days)}
        if not args.landed:
            stage["bulk_landing"] = land(settings, days, args.workers, census=name == "backfill")
        if not args.skip_load:
            stage["load"] = load(settings, days)
        if not (args.skip_load or args.skip_dbt):
            stage.update(transform(settings))
        result[name] = stage
        _write(out, result)  # what is measured so far, should a later stage fail
    if not (args.skip_load or args.skip_dbt):
        result.update(sizes(settings))
    if args.spark and not (args.skip_load or args.skip_dbt):
        result["spark"] = spark(settings, [day for days in stages.values() for day in days])
        _write(out, result)
    result["peak_rss_mb"] = round(peak_rss_mb())
    result["machine"]["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    _write(out, result)
    print(json.dumps(result, indent=2))
    return 0


def _write(out: Path, result: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
