"""One run of the nightly job per warehouse at a time: a lock file beside the working warehouse.

Two runs at once (two `python -m warehouse run`, or one beside the scheduler's DAGs) broke each other: Airflow
metadata errors, and races on the landing files. A run of the command line holds the lock exclusively from start to
end; each task of the DAGs that lands, loads, scores or publishes holds it shared while it runs, so the scheduler's
tasks (and one run's parallel extractions) go side by side, while a command-line run and them exclude each other.
The lock is the kernel's (flock): a run killed with -9 leaves no stale lock behind. The file keeps the holder's
start time and run id, for the message of whoever finds it taken.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

# The locks this process holds (a command-line run executes the DAGs' tasks in its own process: dag.test).
_HELD: dict[Path, int] = {}


class RunLocked(RuntimeError):
    """Another run of the nightly job holds the warehouse."""


def lock_file(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".run-lock")


def holder(warehouse: Path) -> dict:
    """Who holds (or last held) the lock: since, run id, pid; empty if nobody ever did."""
    try:
        return json.loads(lock_file(warehouse).read_text() or "{}")
    except (FileNotFoundError, ValueError):
        return {}


@contextlib.contextmanager
def run_lock(warehouse: Path, run_id: str, *, shared: bool = False, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the warehouse's run lock: exclusively (a whole run), or shared (one task of a DAG run). If another run
    holds it, wait up to wait_seconds, then raise RunLocked naming it: "already running since ..., run id ..."."""
    path = lock_file(warehouse)
    if path in _HELD:  # this process's own run (dag.test runs the tasks inside the command-line run)
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    waited = False
    try:
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                other = holder(warehouse)
                if time.monotonic() >= deadline:
                    raise RunLocked(
                        f"{warehouse} is already running since {other.get('since', '?')}, run id "
                        f"{other.get('run_id', '?')} (pid {other.get('pid', '?')}); run again when it has ended "
                        "(`python -m warehouse run --wait` waits for it)") from None
                if not waited:
                    log.warning("waiting for the run since %s, run id %s, to end", other.get("since"),
                                other.get("run_id"))
                    waited = True
                time.sleep(1)
        # (tasks sharing the lock each write themselves: the record names one of the runs holding it)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                  "run_id": run_id, "pid": os.getpid()}).encode(), 0)
        _HELD[path] = 1
        try:
            yield
        finally:
            del _HELD[path]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
