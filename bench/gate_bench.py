"""Benchmark the raw suites and the schema drift monitor on a warehouse's last nights -> bench/results/gate.json.

The nightly cost of issue 17's checks: `expectations.raw.check_raw` (the raw row rules, volume and freshness,
their Data Docs, and the drift profile and comparison) on each of the last NIGHTS nights of a copy of the
warehouse (the demo's, `data/warehouse.duckdb`, after `make demo`), in order. The first night also profiles the
14 nights before it (a warehouse loaded before the monitor existed), which later nights do not.

    .venv/bin/python bench/gate_bench.py                           # the demo's warehouse
    .venv/bin/python bench/gate_bench.py --warehouse path/to/warehouse.duckdb --nights 5

The warehouse is only read: the checks run on a copy in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import duckdb  # noqa: E402  (after the path and GX's analytics switch)

from core.config import load_settings  # noqa: E402
from expectations.raw import check_raw  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--nights", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory(prefix="gate-bench-") as work:
        copy = Path(work) / "warehouse.duckdb"
        shutil.copyfile(args.warehouse, copy)
        con = duckdb.connect(str(copy))
        try:
            days = [row[0] for row in con.execute(
                "select distinct _logical_date from raw._loads order by 1 desc limit ?", [args.nights]).fetchall()]
            runs = []
            for day in sorted(days):
                started = time.perf_counter()
                summary = check_raw(con, settings, day, "bench", Path(work) / "validation" / day.isoformat())
                runs.append({"night": day.isoformat(), "seconds": round(time.perf_counter() - started, 2),
                             "drift_seconds": summary["drift_seconds"],
                             "rows_checked": sum(summary["rows_checked"].values()),
                             "rows_rejected": sum(summary["quarantined"].values()),
                             "blocking": [check["rule"] for check in summary["blocking"]],
                             "schema_drift": len(summary["schema_drift"])})
                print(json.dumps(runs[-1]), flush=True)
        finally:
            con.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": "raw suites and schema drift per night", "warehouse": str(args.warehouse),
              "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version()},
              "nights": runs}
    (RESULTS / "gate.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"-> {RESULTS / 'gate.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
