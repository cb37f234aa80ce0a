"""What Airflow + Cosmos cost over plain dbt: one of the publishing DAG's dbt stages (`--stage`: the marts, or
staging and intermediate), built for one night on a copy of a built warehouse, in each way from the same copy:

- `plain`: one `dbt build` of the stage, e.g. `-s path:models/marts` (unit tests excluded, no JSON artifacts, as
  the DAG runs it), a process of its own;
- `one_cosmos_task`: the same selection as one Cosmos `dbt build` task (warehouse.dbt.build_task), as the
  publishing DAG's `transform_marts` and `transform_staging` build them, run with Airflow's `dag.test()` after a
  `night` task; its log lists every model and test with its status;
- `cosmos_task_group`: one Cosmos task per model and its tests (warehouse.dbt.task_group), as the publishing DAG
  built the marts until December 2026.

Cosmos's watcher mode (one producer `dbt build`, a sensor per model) cannot be measured this way: dag.test() runs
one task at a time, and the first model's sensor waits for a producer that has not started.

Each is timed whole: the dbt process, or the DAG run of dag.test() (its `night` task included, parsing the DAG file
not). Results in bench/results/cosmos.json (the marts) and cosmos_staging.json (staging and intermediate).

    .venv/bin/python bench/cosmos_bench.py --warehouse data/warehouse.duckdb --day 2026-12-06 --lookback 10
    .venv/bin/python bench/cosmos_bench.py --warehouse data/warehouse.duckdb --day 2026-12-06 --stage staging \
        --ways plain one_cosmos_task
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline_bench import _write  # bench/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The publishing DAG's two dbt tasks: `--stage marts` (transform_marts) or `--stage staging` (transform_staging)
STAGES = {"marts": ["path:models/marts"], "staging": ["path:models/staging", "path:models/intermediate"]}
WAYS = ("plain", "cosmos_task_group", "one_cosmos_task")


def plain(warehouse: Path, day: str, lookback: int, select: list[str]) -> dict:
    env = {**os.environ, "SMW_WAREHOUSE": str(warehouse)}
    # A target folder of its own: dbt parses the project in full, as each Cosmos way does here (the night's vars
    # differ from those of the project's last parse, and each way's warehouse copy changes the profile)
    target = warehouse.parent / "plain-target"
    command = [str(Path(sys.executable).parent / "dbt"), "build", "--select", *select, "--exclude", "test_type:unit",
               "--vars", json.dumps({"logical_date": day, "lookback_days": lookback}), "--profiles-dir", ".",
               "--target-path", str(target), "--no-write-json", "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT / "dbt_project", env=env, check=True)
    return {"seconds": round(time.perf_counter() - started, 1), "airflow_tasks": 0}


def bench_dag():
    """The bench's DAG (parsed from the DAG file main() writes, as dag.test() needs): `night`, then the marts the way
    SMW_BENCH_WAY names, against SMW_WAREHOUSE."""
    # Airflow reads its configuration when first imported: only once main() has set AIRFLOW_HOME.
    import pendulum
    from airflow.sdk import dag, task

    from warehouse import dbt as smw_dbt

    name, day = os.environ["SMW_BENCH_WAY"], os.environ["SMW_BENCH_DAY"]
    stage = os.environ["SMW_BENCH_STAGE"]
    select = STAGES[stage]
    lookback = int(os.environ["SMW_BENCH_LOOKBACK"])

    @dag(dag_id="cosmos_bench", schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
         catchup=False, user_defined_macros={"smw_lookback_days": lambda: lookback})
    def cosmos_bench():
        @task(task_id=smw_dbt.NIGHT_TASK)
        def night() -> str:
            return day

        built = (smw_dbt.task_group(f"transform_{stage}", select) if name == "cosmos_task_group"
                 else smw_dbt.build_task(f"transform_{stage}", select))
        night() >> built

    return cosmos_bench()


def in_airflow(name: str, warehouse: Path, day: str, lookback: int, stage: str) -> dict:
    """The stage as the publishing DAG builds it (or as a task group), in a DAG of its own, run with dag.test()."""
    import pendulum
    from airflow.dag_processing.dagbag import DagBag

    os.environ.update({"SMW_WAREHOUSE": str(warehouse), "SMW_BENCH_WAY": name, "SMW_BENCH_DAY": day,
                       "SMW_BENCH_STAGE": stage,
                       "SMW_BENCH_LOOKBACK": str(lookback)})
    built = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"]).dags["cosmos_bench"]
    tasks = len([t for t in built.tasks if t.task_id != "night"])
    started = time.perf_counter()
    run = built.test(logical_date=pendulum.parse(day))
    seconds = time.perf_counter() - started
    if str(run.state) != "success":
        raise RuntimeError(f"{name}: the DAG run ended {run.state}")
    return {"seconds": round(seconds, 1), "airflow_tasks": tasks}


def main() -> int:
    sys.path.insert(0, str(ROOT))  # this checkout's packages, and its dbt project, whatever is installed
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, help="a built warehouse (copied for each way, never written)")
    parser.add_argument("--day", required=True, help="the night to build (its logical date), YYYY-MM-DD")
    parser.add_argument("--lookback", type=int, default=10, help="extraction.lookback_days of that warehouse")
    parser.add_argument("--stage", choices=sorted(STAGES), default="marts",
                        help="the DAG's dbt task to time: the marts (default) or staging and intermediate")
    parser.add_argument("--out", help="default bench/results/cosmos.json (marts), cosmos_staging.json (staging)")
    parser.add_argument("--ways", nargs="+", default=list(WAYS), choices=WAYS)
    args = parser.parse_args()
    out = Path(args.out or RESULTS / ("cosmos.json" if args.stage == "marts" else f"cosmos_{args.stage}.json"))

    work = Path(tempfile.mkdtemp(prefix="smw-cosmos-bench-"))
    os.environ["AIRFLOW_HOME"] = str(work / "airflow")
    dags = work / "dags"
    dags.mkdir()
    (dags / "cosmos_bench_dag.py").write_text(
        f"import sys\nsys.path[:0] = [{str(ROOT / 'bench')!r}, {str(ROOT)!r}]\n"
        "from cosmos_bench import bench_dag\n\ndag = bench_dag()  # airflow DAG\n")
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags)
    for name, value in {"AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
                        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DO_NOT_TRACK": "1"}.items():
        os.environ.setdefault(name, value)
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True)
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--profiles-dir", ".", "--quiet"],
                   cwd=ROOT / "dbt_project", check=True)  # the manifest Cosmos renders the task group from
    result: dict = {"measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                    "stage": args.stage, "select": STAGES[args.stage], "night": args.day,
                    "lookback_days": args.lookback, "ways": {}}
    load_at_start = [round(value, 2) for value in os.getloadavg()]
    for name in args.ways:
        copy = work / name / "warehouse.duckdb"
        copy.parent.mkdir(parents=True)
        shutil.copyfile(args.warehouse, copy)
        print(f"{name} ...", flush=True)
        way = (plain(copy, args.day, args.lookback, STAGES[args.stage]) if name == "plain"
               else in_airflow(name, copy, args.day, args.lookback, args.stage))
        result["ways"][name] = way
        print(f"{name}: {way}", flush=True)
        copy.unlink()
        _write(out, result)  # what is measured so far, should a later way fail
    if "plain" in result["ways"]:
        base = result["ways"]["plain"]["seconds"]
        result["ratios_to_plain"] = {name: round(way["seconds"] / base, 2) for name, way in result["ways"].items()}
    result["machine"]["load_average_at_start"] = load_at_start
    result["machine"]["load_average_at_end"] = [round(value, 2) for value in os.getloadavg()]
    _write(out, result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
