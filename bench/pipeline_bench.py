"""Benchmark the warehouse's own stages on the simulated world: bulk landing, loading, and the dbt build.

Writes bench/results/pipeline.json. Run with `make bench` (or `.venv/bin/python bench/pipeline_bench.py
--scale 2 --days 30`). Timings are measured here, never asserted in tests.
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="simulator.scale (audience and posts per day)")
    parser.add_argument("--days", type=int, default=30, help="nights of history")
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

    started = time.perf_counter()
    landed = land_history(settings, days)
    landing_seconds = time.perf_counter() - started
    landing_bytes = sum(path.stat().st_size for path in (work / "data" / "landing").rglob("*.gz"))
    memory_after_landing = peak_rss_mb()

    started = time.perf_counter()
    con = connect(settings)
    loaded = 0
    for day in days:
        loaded += sum(table["loaded"] for table in load_date(settings, day, "bench", con=con).values())
    con.close()
    load_seconds = time.perf_counter() - started

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

    result = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "world": {"accounts": accounts, "nights": len(days), "scale": args.scale,
                  "lookback_days": settings.extraction.lookback_days},
        "bulk_landing": {"rows": landed["rows"], "files": landed["files"], "seconds": round(landing_seconds, 1),
                         "rows_per_second": round(landed["rows"] / landing_seconds),
                         "gzip_megabytes": round(landing_bytes / 1e6, 1),
                         "peak_rss_mb": round(memory_after_landing)},
        "load": {"rows": loaded, "seconds": round(load_seconds, 1), "rows_per_second": round(loaded / load_seconds)},
        "dbt_staging_and_intermediate_seconds": round(staging_seconds, 1),
        "sentiment": {"texts_seen": sentiment["seen"], "scored": sentiment["scored"],
                      "seconds": round(sentiment_seconds, 1)},
        "dbt_marts_seconds": round(marts_seconds, 1),
        "mart_rows": mart_rows,
        "peak_rss_mb": round(peak_rss_mb()),
        "warehouse_megabytes": round(settings.warehouse.stat().st_size / 1e6, 1),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
