"""Run every suite on the rows a logical date changed; a failure stops publishing."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import duckdb
import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig

from core.window import window_days
from expectations.suites import SUITES

log = logging.getLogger(__name__)


class GateFailed(RuntimeError):
    """At least one expectation failed or could not be evaluated: the marts are not published."""


def _context():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def validate_marts(con: duckdb.DuckDBPyConnection, day: dt.date, lookback_days: int, report_dir: Path) -> dict:
    """Validate each mart's slice for `day`; write the results as JSON; raise GateFailed on any failure."""
    context = _context()
    datasource = context.data_sources.add_pandas("marts")
    window = list(window_days(day, lookback_days))
    summary: dict[str, dict] = {}
    failures: list[str] = []
    for spec in SUITES:
        frame = con.execute(spec.slice_sql, window if "?" in spec.slice_sql else []).df()
        batch = datasource.add_dataframe_asset(name=spec.mart).add_batch_definition_whole_dataframe("nightly")
        result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(context.suites.add(spec.build()))
        checks = []
        for item in result.results:
            # GX reports some engine errors as a result that is neither raised nor failed: check both.
            raised = bool((item.exception_info or {}).get("raised_exception"))
            ok = bool(item.success) and not raised
            config = item.expectation_config
            checks.append({"expectation": config.type, "kwargs": {k: v for k, v in config.kwargs.items()
                                                                  if k != "batch_id"},
                           "success": ok, "unexpected_count": (item.result or {}).get("unexpected_count"),
                           "partial_unexpected_list": (item.result or {}).get("partial_unexpected_list", [])[:5],
                           "exception": (item.exception_info or {}).get("exception_message") if raised else None})
            if not ok:
                failures.append(f"{spec.mart}: {config.type} {checks[-1]['kwargs']} "
                                f"unexpected={checks[-1]['unexpected_count']} {checks[-1]['exception'] or ''}")
        summary[spec.mart] = {"rows": len(frame), "checks": checks,
                              "passed": sum(check["success"] for check in checks), "failed":
                              sum(not check["success"] for check in checks)}
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "validation.json").write_text(json.dumps(
        {"logical_date": day.isoformat(), "success": not failures, "marts": summary}, indent=2, default=str))
    if failures:
        raise GateFailed("quality gate failed, nothing published:\n" + "\n".join(failures))
    log.info("quality gate passed: %s", {mart: info["passed"] for mart, info in summary.items()})
    return {mart: {"rows": info["rows"], "passed": info["passed"]} for mart, info in summary.items()}
