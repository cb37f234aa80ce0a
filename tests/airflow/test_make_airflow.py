"""`make airflow` for real, as the README has a user type it: Airflow standalone comes up, the nightly DAG is
triggered through the REST API and run by the scheduler, and the night it loads starts the publishing DAG
through the raw Asset. Slow (minutes): `make test-airflow`, not `make test`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import httpx
import psutil
import pytest
import yaml

pytestmark = pytest.mark.airflow

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "tests" / "e2e" / "two_platforms.yml"
NIGHTLY, PUBLISH = "shared_media_nightly", "shared_media_publish"
UP_DEADLINE = 240  # s: make's setup (a fresh metadata database) and the four components
NIGHTLY_DEADLINE = 600  # s: the nightly run (about 1 min on 2 busy CPUs)
# s: the publishing run, 6 to 13 min on 2 busy CPUs when its marts were ~30 Cosmos tasks, each paying dbt's
# start-up and parse (10-40 s); now two dbt build tasks, through the one-slot duckdb_writer pool
PUBLISH_DEADLINE = 1800
STOP_GRACE = 20  # s between SIGTERM and SIGKILL
TERMINAL = {"success", "failed"}
# The only task that may be skipped: it runs only when an extraction failed, and then fails the run.
MAY_SKIP = {NIGHTLY: {"extraction_failed"}, PUBLISH: set()}


def night_inside_the_world() -> dt.date:
    """A night early in the small world's calendar (start_date .. start_date + history_days - 1): its second."""
    world = yaml.safe_load(CONFIG.read_text())
    start, days = world["extraction"]["start_date"], world["simulator"]["history_days"]
    night = start + dt.timedelta(days=1)
    assert start <= night < start + dt.timedelta(days=days)
    return night


NIGHT = night_inside_the_world()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def user_environment(**settings: str) -> dict[str, str]:
    """A shell's environment, as a user's: without this session's Airflow and warehouse settings, the venv's bin
    off PATH (the bug this test guards against: standalone starts `airflow` from PATH), and not inside a make."""
    venv_bins = {str(Path(sys.executable).parent), str(ROOT / ".venv" / "bin")}
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AIRFLOW", "SMW_")) and name not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    env["PATH"] = os.pathsep.join(entry for entry in env.get("PATH", "").split(os.pathsep)
                                  if entry.rstrip("/") not in venv_bins)
    return {**env, **settings}


def wait_for(what: str, check: Callable[[], Any], deadline: float, process: subprocess.Popen, every: float = 2.0):
    """check()'s first truthy value; fails when `make airflow` exits or the deadline passes."""
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make airflow` exited with {process.returncode} while waiting for {what}")
        try:
            if result := check():
                return result
        except (httpx.HTTPError, OSError, ValueError) as error:  # not listening yet, or restarting
            last_error = error
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}" + (f" (last error: {last_error!r})" if last_error else ""))


@dataclass
class Airflow:
    process: subprocess.Popen
    home: Path
    data: Path
    output: Path
    url: str
    api: httpx.Client | None = None

    def session_processes(self) -> list[psutil.Process]:
        """Everything `make airflow` started: its session (start_new_session) holds standalone, its components
        and the LocalExecutor's task processes, which have process groups of their own."""
        found = []
        for process in psutil.process_iter():
            try:
                if os.getsid(process.pid) == self.process.pid and process.status() != psutil.STATUS_ZOMBIE:
                    found.append(process)
            except (psutil.Error, OSError):
                pass
        return found

    def stop(self) -> None:
        for process in self.session_processes():
            try:
                process.send_signal(signal.SIGTERM)
            except psutil.Error:
                pass
        deadline = time.monotonic() + STOP_GRACE
        while self.session_processes() and time.monotonic() < deadline:
            time.sleep(0.5)
        for process in self.session_processes():
            try:
                process.kill()
            except psutil.Error:
                pass
        self.process.wait(timeout=STOP_GRACE)

    def diagnostics(self, lines: int = 150) -> str:
        """The tail of standalone's output and the errors of every task log that has any."""
        text = self.output.read_text(errors="replace").splitlines() if self.output.exists() else []
        parts = [f"--- last {lines} lines of `make airflow` ({self.output}) ---", *text[-lines:]]
        for log in sorted((self.home / "logs").glob("dag_id=*/**/*.log")):
            errors = [describe(entry) for entry in log_entries(log) if entry.get("level") in {"error", "critical"}]
            if errors:
                parts += [f"--- errors in task log {log.relative_to(self.home)} ---", *errors]
        return "\n".join(parts)

    # The REST API (Airflow 3: /api/v2, a JWT from the auth manager's /auth/token)
    def get(self, path: str, **params) -> Any:
        assert self.api is not None
        response = self.api.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def send(self, method: str, path: str, body: dict) -> Any:
        assert self.api is not None
        response = self.api.request(method, path, json=body)
        assert response.is_success, f"{method} {path} {body}: {response.status_code} {response.text}"
        return response.json()


def log_entries(log: Path) -> Iterator[dict]:
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            yield entry


def describe(entry: dict, limit: int = 3000) -> str:
    text = str(entry.get("event", ""))
    for error in entry.get("error_detail") or []:
        text += f"\n  {error.get('exc_type')}: {error.get('exc_value')}"
    return re.sub(r"\x1b\[[0-9;]*m", "", text)[:limit]


@pytest.fixture
def airflow(tmp_path) -> Iterator[Airflow]:
    """`make airflow` in a session of its own, on a free port, with an Airflow home and a data directory in
    tmp_path; stopped (SIGTERM, then SIGKILL) whatever happens."""
    port = free_port()
    home, data, output = tmp_path / "airflow", tmp_path / "data", tmp_path / "make-airflow.log"
    env = user_environment(
        AIRFLOW_HOME=str(home),  # the Makefile's `?=`: its setup migrates this database and creates the pool
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        # Tasks reach the Execution API at base_url + /execution/ (without it: localhost:8080, someone else's).
        AIRFLOW__API__BASE_URL=f"http://127.0.0.1:{port}",
        # The log servers of the scheduler and triggerer, off their fixed ports (8793, 8794).
        AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()),
        AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT=str(free_port()),
        SMW_CONFIG=str(CONFIG),
        SMW_DATA_DIR=str(data),
        SMW_WAREHOUSE=str(data / "warehouse.duckdb"),
        NO_COLOR="1",
    )
    with output.open("wb") as sink:
        process = subprocess.Popen(["make", "airflow"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    started = Airflow(process, home, data, output, f"http://127.0.0.1:{port}")
    try:
        yield started
    finally:
        if started.api is not None:
            started.api.close()
        started.stop()


def login(airflow: Airflow, deadline: float) -> None:
    """Log in as the README says, with the admin password standalone generates (and prints) in AIRFLOW_HOME."""
    passwords = airflow.home / "simple_auth_manager_passwords.json.generated"
    wait_for("the generated admin password", passwords.exists, deadline, airflow.process, every=1)
    password = json.loads(passwords.read_text())["admin"]
    response = httpx.post(f"{airflow.url}/auth/token", json={"username": "admin", "password": password}, timeout=10)
    assert response.status_code == 201, response.text
    airflow.api = httpx.Client(base_url=f"{airflow.url}/api/v2", timeout=30,
                               headers={"Authorization": f"Bearer {response.json()['access_token']}"})


def healthy(airflow: Airflow) -> bool:
    health = httpx.get(f"{airflow.url}/api/v2/monitor/health", timeout=5).json()
    return all(health.get(component, {}).get("status") == "healthy"
               for component in ("metadatabase", "scheduler", "dag_processor"))


def parsed(airflow: Airflow, dag_id: str) -> dict | None:
    assert airflow.api is not None
    response = airflow.api.get(f"/dags/{dag_id}")
    return response.json() if response.status_code == 200 else None


def finished_run(airflow: Airflow, dag_id: str, run_id: str) -> dict | None:
    run = airflow.get(f"/dags/{dag_id}/dagRuns/{run_id}")
    return run if run["state"] in TERMINAL else None


def task_states(airflow: Airflow, dag_id: str, run_id: str) -> dict[str, str | None]:
    found = airflow.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", limit=1000)
    assert found["total_entries"] == len(found["task_instances"])
    return {task["task_id"] + (f"[{task['map_index']}]" if task["map_index"] >= 0 else ""): task["state"]
            for task in found["task_instances"]}


def assert_every_task_succeeded(airflow: Airflow, dag_id: str, run_id: str) -> dict[str, str | None]:
    states = task_states(airflow, dag_id, run_id)
    wrong = {task: state for task, state in states.items()
             if state != "success" and not (state == "skipped" and task in MAY_SKIP[dag_id])}
    assert states and not wrong, (dag_id, run_id, wrong)
    return states


def test_make_airflow_runs_the_night_under_the_scheduler_and_publishes_it(airflow):
    try:
        deadline = time.monotonic() + UP_DEADLINE
        # GIVEN `make airflow` (setup, then airflow standalone), up: database, scheduler and DAG processor
        wait_for("the components to be healthy", lambda: healthy(airflow), deadline, airflow.process)
        login(airflow, deadline)
        # AND both DAGs parsed, with no import error
        nightly = wait_for(f"{NIGHTLY} to be parsed", lambda: parsed(airflow, NIGHTLY), deadline, airflow.process)
        wait_for(f"{PUBLISH} to be parsed", lambda: parsed(airflow, PUBLISH), deadline, airflow.process)
        errors = airflow.get("/importErrors")
        assert errors["total_entries"] == 0, errors
        assert nightly["is_paused"], "new DAGs start paused: nothing runs before the test says so"

        # Unpausing the nightly DAG makes the scheduler start the latest interval's run at once (catchup=False:
        # yesterday, a night outside the small world), which would run before or after ours (max_active_runs=1)
        # and publish another night. The scheduler never creates a run for a logical date that already has one,
        # so while the DAG is still paused that date gets a placeholder run, failed at once: it never starts,
        # and the scheduler skips that night. (A test that crosses midnight UTC would see the next night's run.)
        if nightly["next_dagrun_logical_date"]:
            placeholder = airflow.send("POST", f"/dags/{NIGHTLY}/dagRuns", {
                "dag_run_id": "placeholder_for_the_scheduled_night",
                "logical_date": nightly["next_dagrun_logical_date"],
                "data_interval_start": nightly["next_dagrun_data_interval_start"],
                "data_interval_end": nightly["next_dagrun_data_interval_end"],
                "note": "test_make_airflow: holds the scheduled night's date so the scheduler does not run it"})
            airflow.send("PATCH", f"/dags/{NIGHTLY}/dagRuns/{placeholder['dag_run_id']}", {"state": "failed"})
        # The load's Asset event queues a run of the publishing DAG only if that DAG is unpaused by then.
        airflow.send("PATCH", f"/dags/{PUBLISH}", {"is_paused": False})

        # WHEN a night inside the small world is triggered through the REST API and the DAG unpaused
        run = airflow.send("POST", f"/dags/{NIGHTLY}/dagRuns",
                           {"logical_date": f"{NIGHT.isoformat()}T00:00:00Z", "note": "test_make_airflow"})
        airflow.send("PATCH", f"/dags/{NIGHTLY}", {"is_paused": False})

        # THEN the scheduler runs it to success, every extraction and the load
        finished = wait_for(f"{NIGHTLY} run {run['dag_run_id']}",
                            lambda: finished_run(airflow, NIGHTLY, run["dag_run_id"]),
                            time.monotonic() + NIGHTLY_DEADLINE, airflow.process, every=5)
        assert finished["state"] == "success", finished
        states = assert_every_task_succeeded(airflow, NIGHTLY, run["dag_run_id"])
        assert sum(task.startswith("extract[") for task in states) == 4, states  # 2 brands x 2 platforms
        assert states["extraction_failed"] == "skipped"
        # AND it was the only run the scheduler started (the placeholder held the scheduled night)
        runs = airflow.get(f"/dags/{NIGHTLY}/dagRuns")["dag_runs"]
        assert [r["dag_run_id"] for r in runs if r["state"] != "failed"] == [run["dag_run_id"]], runs

        # AND the raw Asset started the publishing DAG, once, for that night, which succeeds
        def publish_run() -> dict | None:
            runs = airflow.get(f"/dags/{PUBLISH}/dagRuns")["dag_runs"]
            assert len(runs) <= 1, runs
            return runs[0] if runs and runs[0]["state"] in TERMINAL else None

        published_run = wait_for(f"the {PUBLISH} run", publish_run, time.monotonic() + PUBLISH_DEADLINE,
                                 airflow.process, every=5)
        assert published_run["run_type"] == "asset_triggered" and published_run["state"] == "success", published_run
        assert_every_task_succeeded(airflow, PUBLISH, published_run["dag_run_id"])
        night = airflow.get(f"/dags/{PUBLISH}/dagRuns/{published_run['dag_run_id']}/taskInstances/night"
                            "/xcomEntries/return_value")
        assert night["value"] in (NIGHT.isoformat(), json.dumps(NIGHT.isoformat())), night

        # AND the published warehouse, in SMW_DATA_DIR, has the night's post performance
        published = airflow.data / "published" / "warehouse.duckdb"
        assert published.exists()
        con = duckdb.connect(str(published), read_only=True)
        try:
            rows, last_day = con.execute("select count(*), max(date_day) from marts.fct_post_performance").fetchone()
        finally:
            con.close()
        assert rows > 0 and last_day == NIGHT, (rows, last_day)
    except BaseException:
        print(airflow.diagnostics())
        raise
