"""Command line: `python -m warehouse demo | run --date D | sandbox | check-credentials`; the Makefile's targets
call these."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from wsgiref.simple_server import make_server

import pendulum
from airflow.dag_processing.dagbag import DagBag

from core.config import load_settings
from core.db import connect
from core.paths import PROJECT_ROOT, validation_dir, warehouse_path
from core.runlock import RunLocked, run_lock
from expectations.raw import check_raw
from loader import load_date
from simulator.api import SimulatorApp
from simulator.bulk import land_history
from simulator.world import World, demo_end
from warehouse.credentials import check_all, report
from warehouse.progress import Progress, quiet, summary
from warehouse.progress import log_path as progress_log
from warehouse.terminate import stop_on_sigterm

DAGS_FOLDER = PROJECT_ROOT / "dags"
NIGHTLY = "shared_media_nightly"
PUBLISH = "shared_media_publish"
STORIES = "shared_media_stories"


def _parsed(dag_id: str):
    """A DAG as Airflow's DAG processor sees it: parsed from the DAGs folder."""
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if dag_id not in bag.dags:
        raise RuntimeError(f"{dag_id} did not parse from {DAGS_FOLDER}: {bag.import_errors}")
    return bag.dags[dag_id]


def nightly_dag():
    """Extract and load (scheduled every night)."""
    return _parsed(NIGHTLY)


def publish_dag():
    """Transform, validate, publish and alert (scheduled on the raw Asset the nightly DAG updates)."""
    return _parsed(PUBLISH)


def stories_dag():
    """The intra-day story capture (every 3 hours, UTC)."""
    return _parsed(STORIES)


def run_dates(days: list[dt.date], progress: Progress | None = None, backfill: bool = False) -> int:
    """Run the night with Airflow's `dag.test()` for each logical date, in order: the nightly DAG, then the
    publishing DAG the scheduler would start from its Asset event (dag.test starts no other DAG). A backfill
    publishes each night even if a later one was published."""
    progress = progress or Progress()
    dags = [nightly_dag(), publish_dag()]
    with stop_on_sigterm(progress.out):  # Airflow's in-process task runner would swallow a kill (warehouse.terminate)
        for day in days:
            for dag in dags:
                started = time.monotonic()
                progress.text(f"{dag.dag_id} for {day} (Airflow dag.test) ...")
                run = dag.test(logical_date=pendulum.datetime(day.year, day.month, day.day, tz="UTC"),
                               run_conf=({"day": day.isoformat(), "backfill": backfill}
                                         if dag.dag_id == PUBLISH else None))
                progress.dag_run(run)
                progress.text(f"{dag.dag_id} for {day}: {run.state} in {time.monotonic() - started:.1f} s")
                if str(run.state) != "success":
                    return 1
    return 0


def simulated_history(days: list[dt.date], progress: Progress | None = None) -> dict:
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
    (progress or Progress()).line("simulated history", f"{len(days)} nights ({days[0]} to {days[-1]}) landed and "
                                  f"loaded, {landed['rows']:,} rows", summary["seconds"])
    return summary


def load_landed(days: list[dt.date], run_id: str) -> int:
    """Load nights whose landing files are already there (restored from a backup, or kept after a failed load)
    into raw, in order, without extracting again; then shared_media_publish rebuilds and publishes (README,
    Operations)."""
    settings = load_settings()
    con = connect(settings)
    try:
        for day in sorted(days):
            loaded = load_date(settings, day, run_id, con=con)
            rows = sum(table["loaded"] for table in loaded.values())
            # the raw suites, as the nightly load runs them: the gate publishes no night they did not check
            checks = check_raw(con, settings, day, run_id, validation_dir(settings.data, day))
            print(f"{day}: {rows:,} rows into {len(loaded)} raw tables; raw suites: "
                  f"{sum(checks['quarantined'].values()):,} rows rejected"
                  + (f", blocking: {', '.join(check['rule'] for check in checks['blocking'])}"
                     if checks["blocking"] else ""), flush=True)
    finally:
        con.close()
    return 0


def demo() -> int:
    """The simulated world's history landed and loaded in bulk up to the day before yesterday, then the nightly
    DAGs for yesterday: the demo lives in today's calendar, and the scheduler's next run is the real next night."""
    settings = load_settings()
    world_end = demo_end(settings)
    history = [settings.extraction.start_date + dt.timedelta(days=offset)
               for offset in range((world_end - settings.extraction.start_date).days)]
    log_file = progress_log(settings, "demo")
    print(f"The demo: the simulated world from {settings.extraction.start_date} to {world_end} (yesterday); "
          f"full logs in {log_file}", flush=True)
    with quiet(log_file) as terminal:
        progress = Progress(terminal)
        if history:
            simulated_history(history, progress)
        status = run_dates([world_end], progress)
        summary(progress, settings, world_end, log_file, status == 0)
    return status


def run(days: list[dt.date], verbose: bool, backfill: bool = False) -> int:
    if verbose:
        return run_dates(days, backfill=backfill)
    settings = load_settings()
    log_file = progress_log(settings, "run")
    print(f"full logs in {log_file}", flush=True)
    with quiet(log_file) as terminal:
        progress = Progress(terminal)
        status = run_dates(days, progress, backfill=backfill)
        summary(progress, settings, days[-1], log_file, status == 0)
    return status


def sandbox(host: str, port: int, day: dt.date | None) -> int:
    settings = load_settings()
    day = day or demo_end(settings)
    world = World(settings, through=day)
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


def check_credentials(day: dt.date | None) -> int:
    """Every account's credential checked as a run would use it; non-zero when any is missing or refused."""
    rows = check_all(load_settings(), day)
    print(report(rows), flush=True)
    return 0 if all(row["ok"] for row in rows) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="the simulated world's history in bulk, then the DAG for its last day")
    history = commands.add_parser("simulated-history", help="land and load simulated nights without the DAG")
    history.add_argument("--date", action="append", type=dt.date.fromisoformat, required=True)
    reload = commands.add_parser("load", help="load nights already landed (a restored landing area) into raw")
    reload.add_argument("--date", action="append", type=dt.date.fromisoformat, required=True)
    nights = commands.add_parser("run", help="run the nightly DAGs for logical dates (dag.test)")
    nights.add_argument("--date", action="append", type=dt.date.fromisoformat, required=True)
    nights.add_argument("-v", "--verbose", action="store_true", help="print every log line, not the stages")
    nights.add_argument("--backfill", action="store_true",
                        help="publish each night even if a later one is published (otherwise not published)")
    check = commands.add_parser("check-credentials",
                                help="obtain a token with every account's credential; exit 1 if any fails")
    check.add_argument("--date", type=dt.date.fromisoformat, default=None,
                       help="the simulated source's night (default yesterday)")
    serve = commands.add_parser("sandbox", help="serve the simulated APIs on a local port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--date", type=dt.date.fromisoformat, default=None)
    for command in (commands.choices["demo"], history, reload, nights):
        command.add_argument("--wait", action="store_true",
                             help="if another run holds the warehouse, wait for it instead of stopping at once")
    args = parser.parse_args(argv)
    if args.command == "sandbox":
        return sandbox(args.host, args.port, args.date)
    if args.command == "check-credentials":
        return check_credentials(args.date)  # reads no warehouse: no run lock
    # One run per warehouse at a time (core.runlock): held from before the DAGs are parsed to the end.
    run_id = f"cli-{args.command}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
    try:
        with run_lock(warehouse_path(), run_id, wait_seconds=24 * 3600 if args.wait else 0):
            if args.command == "demo":
                return demo()
            if args.command == "run":
                return run(args.date, args.verbose, args.backfill)
            if args.command == "load":
                return load_landed(args.date, run_id)
            simulated_history(args.date)
            return 0
    except RunLocked as error:
        print(f"not started: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
