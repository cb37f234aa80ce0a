"""What `make demo` and `python -m warehouse run` print: one line per stage, with its duration and row counts,
and a summary at the end; everything else (Airflow's task logs, dbt's output) goes to a log file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import duckdb
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session

from core import paths
from core.config import Settings


@contextlib.contextmanager
def quiet(log_file: Path) -> Iterator[TextIO]:
    """Send the process's stdout and stderr (Airflow's and dbt's logs, at the file-descriptor level, so
    subprocesses and loggers bound earlier are caught too) to `log_file`; yield a stream on the terminal."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    terminal = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    saved_err = os.dup(sys.stderr.fileno())
    with open(log_file, "ab", buffering=0) as log:
        os.dup2(log.fileno(), sys.stdout.fileno())
        os.dup2(log.fileno(), sys.stderr.fileno())
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(terminal.fileno(), sys.stdout.fileno())
            os.dup2(saved_err, sys.stderr.fileno())
            os.close(saved_err)
            terminal.close()


def log_path(settings: Settings, command: str) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return paths.logs_dir(settings.data) / f"{command}-{stamp}.log"


class Progress:
    """Lines on the terminal: `stage  what happened  duration`."""

    def __init__(self, out: TextIO | None = None):
        self.out = out or sys.stdout
        self.started = time.monotonic()

    def line(self, stage: str, what: str, seconds: float | None = None) -> None:
        took = f"{seconds:7.1f} s" if seconds is not None else ""
        self.out.write(f"  {stage:<22} {what:<66} {took}\n")
        self.out.flush()

    def text(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def dag_run(self, run) -> None:
        """One line per stage of a finished DAG run, from its task instances and their return values."""
        with create_session() as session:
            instances = run.get_task_instances(session=session)
            values = {(x.task_id, x.map_index): XComModel.deserialize_value(x) for x in session.query(XComModel)
                      .filter_by(dag_id=run.dag_id, run_id=run.run_id, key="return_value")}
            stages: dict[str, list] = {}
            for ti in sorted(instances, key=lambda ti: (ti.start_date or dt.datetime.max.replace(tzinfo=dt.UTC))):
                stages.setdefault(ti.task_id.split(".")[0], []).append(ti)
            for stage, tis in stages.items():
                states = sorted({str(ti.state) for ti in tis})
                if states == ["skipped"]:
                    continue
                returned = [values.get((ti.task_id, ti.map_index)) for ti in tis]
                self.line(stage, describe(stage, tis, returned), _span(tis))


def _span(tis) -> float | None:
    starts = [ti.start_date for ti in tis if ti.start_date]
    ends = [ti.end_date for ti in tis if ti.end_date]
    return (max(ends) - min(starts)).total_seconds() if starts and ends else None


def _n(value: int) -> str:
    return f"{value:,}"


def describe(stage: str, tis, returned: list[Any]) -> str:
    failed = [ti for ti in tis if str(ti.state) not in ("success", "skipped")]
    if stage == "extract":
        rows = sum(stream["rows"] for value in returned if value for stream in value.values())
        names = ", ".join(str(ti.rendered_map_index or ti.map_index) for ti in failed)
        return f"{len(tis)} accounts, {_n(rows)} rows landed" + (f"; FAILED: {names}" if failed else "")
    if failed:
        return "FAILED: " + ", ".join(f"{ti.task_id} ({ti.state})" for ti in failed) + " (see the log file)"
    value = returned[0] if len(returned) == 1 else None
    if stage == "load" and value:
        tables = {name: table for name, table in value.items() if name.startswith("raw.")}
        loaded = sum(table["loaded"] for table in tables.values())
        quarantined = sum(table["quarantined"] for table in tables.values())
        line = f"{_n(loaded)} rows into {len(tables)} raw tables, {_n(quarantined)} quarantined"
        checks = value.get("raw_checks")
        if checks:  # the raw suites (expectations.raw) after the load
            line += (f"; raw suites in {checks['seconds']:.1f} s: {_n(sum(checks['quarantined'].values()))} rows "
                     f"rejected, {checks['schema_drift']} schema drift finding(s)"
                     + (f", BLOCKING: {', '.join(checks['blocking'])}" if checks["blocking"] else ""))
        return line
    if stage == "deliver_drift_alerts" and value:
        sent = sum(value.get("sent", {}).values())
        return f"{value['considered']} schema drift episode(s) in the window, {sent} sent"
    if stage == "accounts" and value is not None:
        return f"{len(value)} accounts configured"
    if stage == "night" and value:
        return f"publishing the night of {value}"
    if stage == "score_sentiment" and value:
        return f"{_n(value['scored'])} new texts scored, {_n(value['cached'])} from the cache ({value['scorer']})"
    if stage == "transform_staging":
        return "staging views and intermediate tables built and tested (dbt build)"
    if stage == "transform_marts":
        return "marts built and tested (dbt build)"
    if stage == "validate" and value:
        checks = sum(suite["passed"] for suite in value.values() if isinstance(suite, dict) and "passed" in suite)
        return f"{len(value)} Great Expectations suites passed ({_n(checks)} expectations)"
    if stage == "publish" and value:
        if value.get("published") is False:  # an older night than the one published (publishing.publish)
            return value["reason"]
        return "read-only warehouse and the brands' reports (HTML, PDF) published"
    if stage == "deliver_reports" and value:
        if value.get("skipped"):
            return f"weekly report email: {value['skipped']}"
        if not value.get("due"):
            return f"weekly report email: not due (sent on {value.get('weekday')}s)"
        return f"weekly report email: {value['sent']} sent, {value['failed']} failed"
    if stage == "deliver_alerts" and value:
        sent = sum(value.get("sent", {}).values())
        channels = ", ".join(value.get("sent", {})) or "no channel configured"
        return f"{value['considered']} alert episode(s) in the window, {sent} sent ({channels})"
    return ", ".join(sorted({str(ti.state) for ti in tis}))


def summary(progress: Progress, settings: Settings, day: dt.date, log_file: Path, ok: bool) -> None:
    """What was published, where, the gate's result and the day's alerts."""
    published = paths.published_dir(settings.data) / "warehouse.duckdb"
    validation = paths.validation_dir(settings.data, day) / "validation.json"
    progress.text()
    if not ok:
        progress.text(f"The night of {day} did NOT complete; nothing new was published.")
        if validation.exists():
            progress.text(f"Quality gate results: {validation}")
        if (validation.parent / "data_docs").exists():
            progress.text(f"Data Docs (what failed, offline pages): {validation.parent / 'data_docs'}")
        progress.text(f"Full logs: {log_file}")
        return
    con = duckdb.connect(str(published), read_only=True)
    try:
        counted = con.execute("select count(*) from information_schema.tables where table_schema = 'marts' "
                              "and table_name not like '\\_%' escape '\\'").fetchone()
        marts = counted[0] if counted else 0
        alerts = con.execute("""select a.alert_type, coalesce(d.handle, a.account_key), a.platform, a.severity
                                from marts.rpt_alerts as a left join marts.dim_accounts as d using (account_key)
                                where a.date_day = ? order by a.severity desc""", [day]).fetchall()
    finally:
        con.close()
    progress.text(f"Published the night of {day}: {marts} marts, quality gate passed.")
    progress.text(f"  Warehouse (read-only, for BI tools and SQL): {published}")
    progress.text(f"  Report:                                      {paths.report_file(settings.data, day)}")
    progress.text(f"  Validation results:                          {validation}")
    data_docs = paths.report_day_dir(paths.reports_dir(settings.data), day) / "data-docs" / "index.html"
    if data_docs.exists():
        progress.text(f"  Data Docs (raw and mart suites):             {data_docs}")
    if alerts:
        progress.text(f"  Alerts of the day ({len(alerts)}):")
        for alert_type, handle, platform, severity in alerts:
            progress.text(f"    {alert_type:<15} @{handle} on {platform} (severity {severity:.2f})")
    else:
        progress.text("  Alerts of the day: none")
    progress.text(f"Full logs: {log_file}")
