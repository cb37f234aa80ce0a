"""One run of the nightly job per warehouse: a second one stops at once naming the first, or waits for it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from core.runlock import RunLocked, holder, lock_file, run_lock
from warehouse.pipeline import under_run_lock

ROOT = Path(__file__).resolve().parent.parent
TWO_PLATFORMS = ROOT / "tests" / "e2e" / "two_platforms.yml"


def hold_lock(warehouse: Path, run_id: str, seconds: float, shared: bool = False) -> subprocess.Popen:
    """Another process holding the warehouse's run lock for a while (as a DAG task, shared, or a whole run)."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from core.runlock import run_lock
        with run_lock(Path({str(warehouse)!r}), {run_id!r}, shared={shared}):
            print("held", flush=True)
            time.sleep({seconds})
    """)
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def wait_for_holder(warehouse: Path, pid: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if holder(warehouse).get("pid") == pid:
            return holder(warehouse)
        time.sleep(0.2)
    raise AssertionError(f"process {pid} never took the run lock")


def test_a_second_nightly_run_stops_at_once_naming_the_first(airflow_db, data_dir, monkeypatch):
    # GIVEN the nightly job running from the command line on a warehouse (its own process)
    monkeypatch.setenv("SMW_CONFIG", str(TWO_PLATFORMS))
    command = [sys.executable, "-m", "warehouse", "run", "--date", "2026-10-02"]
    first = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        warehouse = data_dir / "warehouse.duckdb"
        record = wait_for_holder(warehouse, first.pid)
        # WHEN a second run of it starts on the same warehouse
        started = time.monotonic()
        second = subprocess.run(command, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True,
                                timeout=120)
        seconds = time.monotonic() - started
        # THEN it stops at once, before touching anything, and says which run holds the warehouse since when
        assert first.poll() is None, "the first run ended before the second started"
        assert second.returncode == 2
        assert f"already running since {record['since']}, run id {record['run_id']}" in second.stderr
        assert re.fullmatch(r"cli-run-\d{8}T\d{6}-\d+", record["run_id"])
        print(f"second run refused in {seconds:.1f} s")
    finally:
        first.terminate()
        first.wait(timeout=120)


def test_a_terminated_run_stops_within_seconds_and_leaves_no_process_behind(airflow_db, data_dir, monkeypatch):
    # Airflow's in-process task runner (dag.test) swallowed a SIGTERM: the run went on and published (see
    # warehouse.terminate). GIVEN the command-line run inside its publishing DAG (dbt, sentiment: child processes)
    monkeypatch.setenv("SMW_CONFIG", str(TWO_PLATFORMS))
    run = subprocess.Popen([sys.executable, "-m", "warehouse", "run", "--date", "2026-10-02"], cwd=ROOT,
                           env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None
        for line in run.stdout:
            if "shared_media_publish for 2026-10-02 (Airflow dag.test)" in line:
                break
        else:
            raise AssertionError(f"the run ended before its publishing DAG: {run.wait()}, {run.stderr.read()}")
        time.sleep(15)  # inside the publishing DAG's tasks
        process = psutil.Process(run.pid)
        children = process.children(recursive=True)
        # WHEN it is told to stop
        run.terminate()
        returncode = run.wait(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    # THEN it exits as terminated, says what to do on the terminal, and none of its child processes outlives it
    assert returncode == 128 + signal.SIGTERM, returncode
    assert "stopped by SIGTERM before the night's DAGs ended: run the same command again" in run.stdout.read()
    assert [child.pid for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE] == []
    assert holder(data_dir / "warehouse.duckdb")["pid"] == run.pid  # the record stays; the kernel's lock is free
    with run_lock(data_dir / "warehouse.duckdb", "after"):
        pass


def test_a_dag_task_is_stopped_by_a_command_line_run_and_a_waiting_run_starts_when_it_ends(tmp_path, monkeypatch):
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SMW_WAREHOUSE", str(warehouse))
    calls = []

    @under_run_lock
    def step(day: str, run_id: str | None = None) -> str:
        calls.append(day)
        return day

    # GIVEN a command-line run holding the warehouse (another process)
    cli = hold_lock(warehouse, "cli-run-1", seconds=3)
    try:
        # WHEN a DAG task's step starts THEN it stops at once, naming the run
        with pytest.raises(RunLocked, match=r"already running since .*, run id cli-run-1"):
            step("2026-10-02", run_id="scheduled__2026-10-02")
        assert calls == []
        # AND a run told to wait starts as soon as the first has ended
        started = time.monotonic()
        with run_lock(warehouse, "cli-run-2", wait_seconds=60):
            # the holder released the lock on leaving its block; its interpreter may still be shutting down
            assert cli.wait(timeout=30) == 0
            assert json.loads(lock_file(warehouse).read_text())["run_id"] == "cli-run-2"
        assert time.monotonic() - started < 60
    finally:
        cli.wait(timeout=30)


def test_the_dag_tasks_of_one_run_share_the_lock(tmp_path, monkeypatch):
    # GIVEN a DAG task holding the lock shared (another process: an extraction of the night)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SMW_WAREHOUSE", str(warehouse))
    task = hold_lock(warehouse, "scheduled__2026-10-02", seconds=3, shared=True)
    try:
        # WHEN another task runs beside it THEN it goes ahead; a command-line run does not
        assert under_run_lock(lambda run_id=None: "ran")(run_id="scheduled__2026-10-02") == "ran"
        with pytest.raises(RunLocked, match="run id scheduled__2026-10-02"), run_lock(warehouse, "cli-run-3"):
            pass
    finally:
        task.wait(timeout=30)
