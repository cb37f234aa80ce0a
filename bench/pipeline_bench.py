"""Benchmark the warehouse's own stages on the simulated world: bulk landing, loading, and the dbt build.

Writes bench/results/pipeline.json. Run with `make bench` (or `.venv/bin/python bench/pipeline_bench.py
--scale 2 --days 30`). Timings are measured here, never asserted in tests. Bulk landing runs in worker
processes (one per CPU by default, `--workers`): its CPU seconds count theirs, `worker_peak_rss_mb` is the
largest worker's peak, `peak_rss_mb` this process's (which loads, and runs sentiment scoring).
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
RESULTS = ROOT / "bench" / "results" / "pipeline.json"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or of its largest finished child process), in MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (bulk landing's worker processes), user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="simulator.scale (audience and posts per day)")
    parser.add_argument("--days", type=int, default=30, help="nights of history")
    parser.add_argument("--workers", type=int, default=None,
                        help="bulk landing processes (default: SMW_BULK_WORKERS, else one per CPU)")
    parser.add_argument("--skip-dbt", action="store_true", help="land and load only")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="smw-bench-"))
    os.environ["SMW_DATA_DIR"] = str(work / "data")
    os.environ.pop("SMW_WAREHOUSE", None)
    from simulator.bulk import land_history
    from warehouse.config import load_settings
    from warehouse.db import connect
    from warehouse.load import load_date

    settings = load_settings()
    settings = settings.model_copy(update={"simulator": settings.simulator.model_copy(
        update={"scale": args.scale, "history_days": max(args.days, settings.simulator.history_days)})})
    days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(args.days)]
    accounts = len(settings.accounts())

    started, cpu = time.perf_counter(), cpu_seconds()
    landed = land_history(settings, days, workers=args.workers)
    landing_seconds = time.perf_counter() - started
    landing_cpu = cpu_seconds() - cpu
    landing_bytes = sum(path.stat().st_size for path in (work / "data" / "landing").rglob("*.gz"))
    memory_after_landing = peak_rss_mb()
    worker_memory = peak_rss_mb(resource.RUSAGE_CHILDREN)  # before dbt's processes count as children too
    print(f"landed {landed['rows']} rows in {landing_seconds:.1f}s", flush=True)

    started, cpu = time.perf_counter(), cpu_seconds()
    con = connect(settings)
    loaded = 0
    for day in days:
        loaded += sum(table["loaded"] for table in load_date(settings, day, "bench", con=con).values())
    con.close()
    load_seconds = time.perf_counter() - started
    load_cpu = cpu_seconds() - cpu
    memory_after_load = peak_rss_mb()
    print(f"loaded {loaded} rows in {load_seconds:.1f}s", flush=True)
    result = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_at_end": [round(value, 2) for value in os.getloadavg()]},
        "world": {"accounts": accounts, "nights": len(days), "scale": args.scale,
                  "lookback_days": settings.extraction.lookback_days},
        "bulk_landing": {"rows": landed["rows"], "files": landed["files"], "workers": landed.get("workers", 1),
                         "seconds": round(landing_seconds, 1),
                         "rows_per_second": round(landed["rows"] / landing_seconds),
                         "cpu_seconds": round(landing_cpu, 1),
                         "rows_per_cpu_second": round(landed["rows"] / landing_cpu),
                         "gzip_megabytes": round(landing_bytes / 1e6, 1),
                         "peak_rss_mb": round(memory_after_landing),
                         "worker_peak_rss_mb": round(worker_memory)},
        "load": {"rows": loaded, "seconds": round(load_seconds, 1), "rows_per_second": round(loaded / load_seconds),
                 "cpu_seconds": round(load_cpu, 1), "peak_rss_mb": round(memory_after_load)},
    }
    if args.skip_dbt:
        result.update(peak_rss_mb=round(peak_rss_mb()),
                      warehouse_megabytes=round(settings.warehouse.stat().st_size / 1e6, 1))
        return _write(result)

    # dbt in its own process, as a task would run it (sentiment first: the marts read its cache)
    from warehouse.pipeline import score_sentiment

    started = time.perf_counter()
    env = {**os.environ, "SMW_WAREHOUSE": str(settings.warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = [str(Path(sys.executable).parent / "dbt"), "--quiet"]
    subprocess.run([*dbt, "run", "--select", "path:models/staging", "path:models/intermediate",
                    "--profiles-dir", "."], cwd=ROOT / "dbt_project", env=env, check=True)
    staging_seconds = time.perf_counter() - started
    started = time.perf_counter()
    sentiment = score_sentiment(settings)
    sentiment_seconds = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([*dbt, "run", "--select", "path:models/marts", "--profiles-dir", "."],
                   cwd=ROOT / "dbt_project", env=env, check=True)
    marts_seconds = time.perf_counter() - started
    con = connect(settings, read_only=True)
    mart_rows = {name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
                 for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'"
                                            " order by 1").fetchall()}
    con.close()

    result.update({
        "dbt_staging_and_intermediate_seconds": round(staging_seconds, 1),
        "sentiment": {"texts_seen": sentiment["seen"], "scored": sentiment["scored"],
                      "seconds": round(sentiment_seconds, 1)},
        "dbt_marts_seconds": round(marts_seconds, 1),
        "mart_rows": mart_rows,
        "peak_rss_mb": round(peak_rss_mb()),
        "warehouse_megabytes": round(settings.warehouse.stat().st_size / 1e6, 1),
    })
    return _write(result)


def _write(result: dict) -> int:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
