"""Command line: `python -m warehouse demo | run --date D | sandbox`; the Makefile's targets call these."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from wsgiref.simple_server import make_server

import pendulum
from airflow.dag_processing.dagbag import DagBag

from core.config import load_settings
from core.db import connect
from core.paths import PROJECT_ROOT
from loader import load_date
from simulator.api import SimulatorApp
from simulator.bulk import land_history
from simulator.world import World

DAGS_FOLDER = PROJECT_ROOT / "dags"
NIGHTLY = "shared_media_nightly"


def nightly_dag():
    """The nightly DAG as Airflow's DAG processor sees it: parsed from the DAGs folder."""
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if NIGHTLY not in bag.dags:
        raise RuntimeError(f"{NIGHTLY} did not parse from {DAGS_FOLDER}: {bag.import_errors}")
    return bag.dags[NIGHTLY]


def run_dates(days: list[dt.date]) -> int:
    """Run the nightly DAG with Airflow's `dag.test()` for each logical date, in order."""
    dag = nightly_dag()
    for day in days:
        started = time.monotonic()
        run = dag.test(logical_date=pendulum.datetime(day.year, day.month, day.day, tz="UTC"))
        print(f"shared_media_nightly {day}: {run.state} in {time.monotonic() - started:.1f}s", flush=True)
        if str(run.state) != "success":
            return 1
    return 0


def simulated_history(days: list[dt.date]) -> dict:
    """Land the simulated world's nights in bulk (the same files the extractors write, without HTTP) and
    load them, as if the nightly DAG had run on each: the history a new install does not have yet."""
    settings = load_settings()
    started = time.monotonic()
    landed = land_history(settings, days)
    con = connect(settings)
    try:
        for day in days:
            load_date(settings, day, "simulated-history", con=con)
    finally:
        con.close()
    summary = {"nights": len(days), "rows": landed["rows"], "seconds": round(time.monotonic() - started, 1)}
    print(f"simulated history: {summary}", flush=True)
    return summary


def demo() -> int:
    """The simulated world's history landed and loaded in bulk, then the nightly DAG for its last day."""
    settings = load_settings()
    world_end = settings.extraction.start_date + dt.timedelta(days=settings.simulator.history_days - 1)
    history = [settings.extraction.start_date + dt.timedelta(days=offset)
               for offset in range(settings.simulator.history_days - 1)]
    simulated_history(history)
    status = run_dates([world_end])
    if status == 0:
        published = settings.data / "published"
        print("\nPublished warehouse (read-only, for BI tools and analysts):", published / "warehouse.duckdb")
        print("Report:", published / "reports" / world_end.isoformat() / "index.html")
        print("Validation results:", settings.data / "validation" / world_end.isoformat() / "validation.json")
    return status


def sandbox(host: str, port: int, day: dt.date | None) -> int:
    settings = load_settings()
    world = World(settings)
    day = day or world.end
    app = SimulatorApp(world, world.now(day))
    print(f"Simulated APIs as of the end of {day} on http://{host}:{port}/<platform>/... (Ctrl-C stops)")
    for brand, account in settings.accounts():
        print(f"  {brand.name:<24} http://{host}:{port}/{account.platform}  account {account.account_id}")
    with make_server(host, port, app) as server:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="the simulated world's history in bulk, then the DAG for its last day")
    history = commands.add_parser("simulated-history", help="land and load simulated nights without the DAG")
    history.add_argument("--date", action="append", type=dt.date.fromisoformat, required=True)
    run = commands.add_parser("run", help="run the nightly DAG for logical dates (dag.test)")
    run.add_argument("--date", action="append", type=dt.date.fromisoformat, required=True)
    serve = commands.add_parser("sandbox", help="serve the simulated APIs on a local port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--date", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    if args.command == "run":
        return run_dates(args.date)
    if args.command == "simulated-history":
        simulated_history(args.date)
        return 0
    return sandbox(args.host, args.port, args.date)


if __name__ == "__main__":
    sys.exit(main())
