"""A command-line run that is told to stop (SIGTERM: `kill`, a supervisor, CI's timeout) stops.

`python -m warehouse run` executes the DAGs' tasks in its own process (`dag.test()`). Airflow's task runner sets a
SIGTERM handler for each task that only calls the running operator's `on_kill()` and never puts the previous one
back: on a worker, the task's supervisor then kills the process; in dag.test nothing does, so a `kill` of the
command-line run was swallowed and the run went on to publish (found by the run-lock test, which waited minutes for
a terminated run). While the DAGs run, every SIGTERM handler anyone sets is wrapped: it runs (the operator's
on_kill, e.g. Cosmos stopping dbt), then the run's child processes are stopped and the process exits with 143,
the shell's code for a SIGTERM. Ending this way is a kill -9 for the data, which the loader's all-or-nothing
nights, DuckDB's write-ahead log and the atomic publish already withstand; the run lock is the kernel's and goes
with the process.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import psutil

GRACE_SECONDS = 10


def _stop(signum: int, frame: Any, handler: Callable | None, out: TextIO) -> None:
    if callable(handler):
        with contextlib.suppress(Exception):  # the operator's on_kill: best effort, the exit below is not
            handler(signum, frame)
    print(f"\nstopped by {signal.Signals(signum).name} before the night's DAGs ended: run the same command again "
          "(each load is all or nothing, and a rerun of a night replaces it)", file=out, flush=True)
    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=GRACE_SECONDS)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()
    os._exit(128 + signum)


@contextlib.contextmanager
def stop_on_sigterm(out: TextIO | None = None) -> Iterator[None]:
    """While the block runs, a SIGTERM ends the process (after the handler in place has run), whoever set it;
    what to do next is said on `out` (the terminal, when the logs go to a file), by default stderr."""
    original = signal.signal
    out = out or sys.stderr

    def install(signum, handler):
        if signum == signal.SIGTERM and handler not in (signal.SIG_DFL, signal.SIG_IGN, None):
            if not (isinstance(handler, functools.partial) and handler.func is _stop):
                handler = functools.partial(_stop, handler=handler, out=out)
        return original(signum, handler)

    previous = original(signal.SIGTERM, functools.partial(_stop, handler=None, out=out))
    signal.signal = install  # Airflow's task runner calls signal.signal per task
    try:
        yield
    finally:
        signal.signal = original
        # (None: the handler in place had not been set from Python; the default stands in for it)
        original(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
