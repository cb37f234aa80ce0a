"""Run every suite on the rows a logical date changed; a failure stops publishing.

The gate fails closed: a critical expectation that fails, any expectation that raised (whatever its severity), a
critical raw rule of the night (`raw.json`, written by the raw suites after the load) or raw suites that never ran
for the night all stop the publish. Warning expectations are published and flagged in the results.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import duckdb

from core.window import window_days
from expectations.docs import DocsSite
from expectations.raw import judged
from expectations.suites import SUITES, reconciliation_suites

log = logging.getLogger(__name__)


class GateFailed(RuntimeError):
    """At least one expectation failed or could not be evaluated: the marts are not published."""


def read_raw_checks(report_dir: Path) -> dict | None:
    path = report_dir / "raw.json"
    return json.loads(path.read_text()) if path.exists() else None


def validate_marts(con: duckdb.DuckDBPyConnection, day: dt.date, lookback_days: int, report_dir: Path,
                   accounts: list[str] | None = None, suites=None, reconcile: bool = True) -> dict:
    """Validate each mart's slice for `day` and the cross-mart reconciliation; write the results as JSON and as
    Data Docs (`data_docs/marts/`); raise GateFailed on any blocking failure, the night's raw ones included."""
    window = list(window_days(day, lookback_days))
    site = DocsSite(report_dir / "data_docs" / "marts", run_name=f"{day.isoformat()} marts")
    summary: dict[str, dict] = {}
    failures: list[str] = []
    warnings: list[str] = []
    planned = [(spec.mart, con.execute(spec.slice_sql, window if "?" in spec.slice_sql else []).df(),
                list(spec.expectations())) for spec in (suites if suites is not None else SUITES)]
    if reconcile:
        planned += reconciliation_suites(con, window, accounts)
    for name, frame, expectations in planned:
        checks = judged(name, site.validate(name, frame, expectations))
        for check in checks:
            line = (f"{name}: {check.expectation} ({check.rule}) unexpected={check.unexpected_count} "
                    f"{check.exception or ''}".rstrip())
            if not check.success:
                (failures if check.severity == "critical" else warnings).append(line)
        summary[name] = {"rows": len(frame), "checks": [check.as_dict() for check in checks],
                         "passed": sum(check.success for check in checks),
                         "failed": sum(not check.success for check in checks)}
    site.finish()
    raw = read_raw_checks(report_dir)
    if raw is None:
        failures.append(f"raw suites: no results for {day} ({report_dir / 'raw.json'}): load the night again")
    else:
        failures += [f"raw {check['suite']}: {check['rule']} unexpected={check['unexpected_count']} "
                     f"{check['examples']}" for check in raw["blocking"]]
        warnings += [f"raw {check['suite']}: {check['rule']} unexpected={check['unexpected_count']}"
                     for check in raw["warnings"]]
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "validation.json").write_text(json.dumps(
        {"logical_date": day.isoformat(), "success": not failures, "marts": summary, "warnings": warnings,
         "blocking": failures, "raw": {key: raw.get(key) for key in ("quarantined", "schema_drift", "data_docs")}
         if raw else None, "data_docs": {"marts": str(site.index), "raw": str(report_dir / "data_docs" / "raw" /
                                                                                "index.html")}},
        indent=2, default=str))
    if failures:
        raise GateFailed("quality gate failed, nothing published:\n" + "\n".join(failures))
    for line in warnings:
        log.warning("quality gate warning (published): %s", line)
    log.info("quality gate passed: %s", {name: info["passed"] for name, info in summary.items()})
    return {name: {"rows": info["rows"], "passed": info["passed"]} for name, info in summary.items()}
