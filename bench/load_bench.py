"""Benchmark the loader against DuckDB's own reader on the same landing files -> bench/results/load.json.

The loader (every night of a landing, `loader.load.load_date`, into a fresh warehouse) is timed beside the
engine's limit: one `read_ndjson_objects` over the same files into a table, keeping the whole payload as JSON
with its file name; and the same night by night, one statement and commit a night, as any nightly load must
commit (DuckDB then checkpoints, rewriting the tables' last row groups). Each runs in a process of its own,
so its peak memory is its own. The target (issue 16): the loader at 70 % of the reference's rate or better.

    .venv/bin/python bench/load_bench.py                      # the demo's landing (make demo): data/landing
    .venv/bin/python bench/load_bench.py --data /path/to/data  # another data directory's landing

The data directory is only read: both write their warehouse in a temporary directory.
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
sys.path.insert(0, str(ROOT))


def nights(landing: Path) -> list[dt.date]:
    return sorted({dt.date.fromisoformat(path.name) for path in landing.glob("*/_manifests/*")})


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_loader(data: Path, warehouse: Path) -> dict:
    """Every night of the landing, as the nightly DAG's load task loads it (pipeline_bench's load: one
    connection, load_date night after night)."""
    from pipeline_bench import load

    from core.config import load_settings

    os.environ["SMW_DATA_DIR"], os.environ["SMW_WAREHOUSE"] = str(data), str(warehouse)
    days = nights(data / "landing")
    started, cpu = time.perf_counter(), cpu_seconds()
    loaded = load(load_settings(), days)
    return {"nights": len(days), "rows": loaded["rows"] + loaded["quarantined"], "loaded": loaded["rows"],
            "quarantined": loaded["quarantined"], "seconds": time.perf_counter() - started,
            "cpu_seconds": cpu_seconds() - cpu}


def run_reference(data: Path, warehouse: Path, nightly: bool = False) -> dict:
    """DuckDB's read_ndjson_objects over the same files (those the nights' manifests and their captures' name):
    in one statement, or (`nightly`) one statement and commit per night, as the loader must (a night is its unit
    of work)."""
    from core.config import load_settings
    from core.db import connect
    from core.landing import read_captures, read_manifests

    os.environ["SMW_DATA_DIR"], os.environ["SMW_WAREHOUSE"] = str(data), str(warehouse)
    settings = load_settings()
    # the night's manifests and its intra-day captures' (stories), as the loader reads them
    by_night = [[info["file"] for manifest in [*read_manifests(data / "landing", day),
                                               *read_captures(data / "landing", day)]
                 for info in manifest["streams"].values()] for day in nights(data / "landing")]
    started, cpu = time.perf_counter(), cpu_seconds()
    con = connect(settings)
    read = "select json as payload, filename from read_ndjson_objects(?, filename = true)"
    try:
        if nightly:
            con.execute("create table lines (payload JSON, filename VARCHAR)")
            for files in by_night:
                con.execute(f"insert into lines {read}", [files])
        else:
            con.execute(f"create table lines as {read}", [[file for files in by_night for file in files]])
        (rows,) = con.execute("select count(*) from lines").fetchall()[0]
    finally:
        con.close()
    return {"files": sum(map(len, by_night)), "rows": rows, "seconds": time.perf_counter() - started,
            "cpu_seconds": cpu_seconds() - cpu}


def measured(which: str, data: Path) -> dict:
    """One measurement in a process of its own: its figures and its own peak memory."""
    with tempfile.TemporaryDirectory(prefix="smw-load-bench-") as scratch:
        output = subprocess.run([sys.executable, __file__, "--data", str(data), "--child", which,
                                 "--warehouse", str(Path(scratch) / "warehouse.duckdb")],
                                check=True, capture_output=True, text=True).stdout
    figures = json.loads(output.splitlines()[-1])
    figures["rows_per_second"] = round(figures["rows"] / figures["seconds"])
    figures["seconds"], figures["cpu_seconds"] = round(figures["seconds"], 2), round(figures["cpu_seconds"], 2)
    print(f"{which}: {figures['rows']} rows in {figures['seconds']} s ({figures['rows_per_second']} rows/s), "
          f"peak {figures['peak_rss_mb']} MB", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("SMW_DATA_DIR") or ROOT / "data"),
                        help="the data directory whose landing/ is loaded (default: SMW_DATA_DIR or ./data)")
    parser.add_argument("--out", type=Path, default=RESULTS / "load.json")
    parser.add_argument("--child", choices=("loader", "reference", "reference_nightly"), help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data.resolve()
    if args.child:
        if args.child == "loader":
            figures = run_loader(data, args.warehouse)
        else:
            figures = run_reference(data, args.warehouse, nightly=args.child == "reference_nightly")
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(json.dumps(figures))
        return 0
    if not nights(data / "landing"):
        parser.error(f"no landing under {data}: run `make demo` first, or name a data directory with --data")
    import duckdb

    from core.config import duckdb_memory_limit

    reference = measured("reference", data)
    nightly = measured("reference_nightly", data)
    loader = measured("loader", data)
    results = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__, "memory_limit": duckdb_memory_limit()},
        "landing": {"data": str(data), "nights": loader["nights"], "files": reference["files"],
                    "gzip_megabytes": round(sum(path.stat().st_size for path in
                                                (data / "landing").rglob("*.ndjson.gz")) / 1e6, 1)},
        "loader": loader,
        "read_ndjson_objects": reference,
        "read_ndjson_objects_night_by_night": nightly,
        "loader_share_of_reference_rate": round(loader["rows_per_second"] / reference["rows_per_second"], 3),
        "loader_share_of_nightly_reference_rate": round(loader["rows_per_second"] / nightly["rows_per_second"], 3),
        "target_share": 0.7,
    }
    if loader["rows"] != reference["rows"]:
        print(f"the loader took {loader['rows']} lines, read_ndjson_objects {reference['rows']}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"loader at {results['loader_share_of_reference_rate']:.0%} of read_ndjson_objects' rate "
          f"(target 70 %); {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
