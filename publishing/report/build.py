"""One report per brand and logical date, from the published marts: the page, its PDF, and the indexes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from core import paths
from publishing.report import charts, figures, pages
from publishing.report.figures import Brand, Window

log = logging.getLogger(__name__)


def write_report(published: Path, reports: Path, day: dt.date, validation: Path | None = None,
                 pdf: bool = True, notices: list[dict[str, Any]] | None = None, workers: int = 1) -> Path:
    """Write every brand's report of the day (HTML, and PDF unless `pdf=False`) from the published read-only
    warehouse, copy the quality gate's results beside them, and regenerate the date's page and the index of
    every report on disk. `notices`: the pinned API versions near or past their sunset
    (`extractors.versions.SunsetNotice.as_dict`, passed in by the pipeline), shown on every page. `workers`:
    processes drawing the brands side by side (1: one after the other in this process). Returns the date's page
    (`core.paths.report_file`)."""
    notices = notices or []
    gate = _gate(validation)
    if gate is not None:  # the night's Data Docs, published beside the reports (expectations.docs)
        gate["data_docs"] = (paths.report_day_dir(reports, day) / "data-docs" / "index.html").exists()
    has_validation = validation is not None and validation.exists()
    if validation is not None and has_validation:
        target = paths.report_day_dir(reports, day) / "validation.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(validation, target)
    con = duckdb.connect(str(published), read_only=True)
    try:
        brands = figures.brands(con)
    finally:
        con.close()
    job = _Job(str(published), str(reports), day.isoformat(), gate, has_validation, pdf, notices)
    brand_ids = [brand.brand_id for brand in brands]
    workers = min(workers, len(brands))
    drawn = _draw_in_processes(job, brand_ids, workers) if workers > 1 else job.draw(brand_ids)
    for brand_id, page_seconds, pdf_seconds in drawn:
        log.info("report of %s for %s: page in %.1f s, PDF in %.1f s", brand_id, day, page_seconds, pdf_seconds)
    log.info("%d brands' reports drawn by %d process(es)", len(brands), max(workers, 1))
    return pages.write_indexes(reports, day, gate, has_validation, notices)


@dataclass(frozen=True)
class _Job:
    """What every brand's report of one night shares: plain values, handed to a worker process as JSON."""
    published: str
    reports: str
    day: str
    gate: dict[str, Any] | None
    has_validation: bool
    pdf: bool
    notices: list[dict[str, Any]]

    def draw(self, brand_ids: list[str], threads: int | None = None) -> list[tuple[str, float, float]]:
        """These brands' pages, PDFs and listings; returns the seconds each page and PDF took. `threads`:
        DuckDB's, in a worker process (1: the report's queries are small, the parallelism is the processes');
        None in the calling process, whose other connections to the file (dag.test) must have the same
        configuration."""
        day, reports = dt.date.fromisoformat(self.day), Path(self.reports)
        con = duckdb.connect(self.published, read_only=True, config={} if threads is None else {"threads": threads})
        drawn = []
        try:
            for brand in (brand for brand in figures.brands(con) if brand.brand_id in brand_ids):
                started = time.monotonic()
                page = pages.render("brand.html.j2", **brand_context(con, brand, day, self.gate, self.has_validation),
                                     notices=self.notices)
                pages.write_text(paths.brand_report_file(reports, day, brand.brand_id), page)
                paged = time.monotonic()
                if self.pdf:
                    pages.write_pdf(page, paths.brand_report_pdf(reports, day, brand.brand_id))
                pages.write_meta(reports, day, brand.brand_id, brand.name, self.pdf)
                drawn.append((brand.brand_id, paged - started, time.monotonic() - paged))
        finally:
            con.close()
        return drawn


def _draw_in_processes(job: _Job, brand_ids: list[str], workers: int) -> list[tuple[str, float, float]]:
    """The brands dealt round-robin to `workers` processes, each `python -m publishing.report.worker` with the job
    as JSON: a fresh interpreter, not multiprocessing's spawn, which re-runs the parent's main script in each
    child (under Airflow's task runner, the `airflow` command, which then fails to start outside its
    supervisor), nor its fork, which would copy the parent's DuckDB and Airflow threads half-way through
    whatever they were doing. A worker that fails fails the report, with its error."""
    with tempfile.TemporaryDirectory(prefix="smw-reports-") as scratch, contextlib.ExitStack() as files:
        started = []
        for number in range(workers):
            request = Path(scratch) / f"job-{number}.json"
            request.write_text(json.dumps({"job": asdict(job), "brands": brand_ids[number::workers]}),
                               encoding="utf-8")
            out = files.enter_context(open(Path(scratch) / f"{number}.out", "w+", encoding="utf-8"))
            err = files.enter_context(open(Path(scratch) / f"{number}.err", "w+", encoding="utf-8"))
            process = subprocess.Popen([sys.executable, "-m", "publishing.report.worker", str(request)],
                                       stdout=out, stderr=err)
            started.append((process, out, err))
        drawn, failures = [], []
        for process, out, err in started:
            code = process.wait()
            out.seek(0)
            err.seek(0)
            if code != 0:
                failures.append(f"exit {code}: {err.read()[-2000:]}")
                continue
            # the last line is the worker's answer (a library may have printed before it)
            lines = out.read().strip().splitlines()
            drawn += [(brand_id, page, pdf) for brand_id, page, pdf in json.loads(lines[-1] if lines else "[]")]
    if failures:
        raise RuntimeError("a report worker failed: " + " | ".join(failures))
    return drawn


def work(request: Path) -> None:
    """A worker process (publishing.report.worker): draw the brands the request names, print what each took as JSON."""
    asked = json.loads(request.read_text(encoding="utf-8"))
    print(json.dumps(_Job(**asked["job"]).draw(asked["brands"], threads=1)))


def _gate(validation: Path | None) -> dict[str, Any] | None:
    """The quality gate's summary (expectations/gate.py writes validation.json), for the page."""
    if validation is None or not validation.exists():
        return None
    results = json.loads(validation.read_text(encoding="utf-8"))
    marts = [{"mart": mart, "rows": info.get("rows"), "passed": info.get("passed"), "failed": info.get("failed")}
             for mart, info in (results.get("marts") or {}).items() if isinstance(info, dict)]
    return {"success": bool(results.get("success")), "logical_date": results.get("logical_date"), "marts": marts,
            "passed": sum(mart["passed"] or 0 for mart in marts), "failed": sum(mart["failed"] or 0 for mart in marts),
            # warning expectations that failed: published, flagged here (the raw suites' included)
            "warnings": len(results.get("warnings") or [])}


def brand_context(con: duckdb.DuckDBPyConnection, brand: Brand, day: dt.date, gate: dict[str, Any] | None,
                  has_validation: bool) -> dict[str, Any]:
    """Every section's figures and charts for the brand's page."""
    trend = figures.trends(con, brand, day)
    cells, best = figures.best_time(con, brand)
    types = figures.content_types(con, brand)
    top, under = figures.top_posts(con, brand, day)
    sentiment, alerts = figures.sentiment(con, brand, day)
    response, response_daily = figures.response(con, brand, day)
    conversions = figures.conversions(con, brand, day)
    campaigns, campaign_days = figures.campaigns(con, brand, day)
    crises = [row for row in alerts.rows if row["alert_type"] == "negative_spike"]
    # The charts' span as the page states it: from the first day in the marts when that is later.
    trend_window = Window.ending(day, figures.TREND_DAYS)
    since = figures.first_day(con, brand)
    if since is not None and trend_window.start < since <= day:
        trend_window = Window(since, day)
    svg = {
        "engagement_rate": trend["engagement_rate"].rows and charts.lines(
            trend["engagement_rate"].rows, "engagement rate", ".1%",
            "Daily engagement rate per account", zero=True),
        "reach": trend["reach"].rows and charts.lines(
            trend["reach"].rows, "reach", "~s", "Daily reach per account", zero=True),
        "followers": trend["followers"].rows and charts.lines(
            trend["followers"].rows, "followers", "~s", "Followers per account", zero=False),
        "best_time": cells.rows and charts.heatmaps(
            cells.rows, "Median D+7 engagement rate by weekday and hour of publication, per account"),
        "content_types": types.rows and charts.lift_bars(
            types.rows, "Content-type lift over each account's median D+7 engagement rate"),
        "sentiment": sentiment.rows and charts.lines(
            [dict(row, value=row["net_sentiment"]) for row in sentiment.rows],
            "net sentiment", "+.1f", "Daily net sentiment per account, crisis alerts marked", zero=True,
            domain=(-1, 1), marks=crises),
        "response": response_daily.rows and charts.lines(
            [dict(row, value=row["response_rate"]) for row in response_daily.rows], "answered within 24 h",
            ".0%", "Daily response rate per account", domain=(0, 1)),
        "conversions": conversions["platform"].rows and charts.bars(
            conversions["platform"].rows, "platform_name",
            [("sessions", "social sessions", "~s"), ("conversions", "conversions", "~s")],
            "Social sessions and conversions by platform"),
        "campaigns": campaign_days.rows and charts.daily_bars(
            campaign_days.rows, "campaign_id", "posts", "others' posts",
            "Others' posts carrying each campaign's hashtags, per day"),
    }
    monday = day - dt.timedelta(days=day.weekday())
    return {
        "brand": brand, "day": day, "tiles": figures.headline(con, brand, day), "svg": svg,
        "windows": {"seven": Window.ending(day, 7), "twenty_eight": Window.ending(day, 28),
                    "trend": trend_window, "recent": Window.ending(day, figures.RECENT_DAYS),
                    "posts": figures.posts_window(day)},
        "trend": trend, "best": best, "types": types, "top": top, "under": under, "sentiment": sentiment,
        "alerts": alerts, "response": response, "conversions": conversions, "campaigns": campaigns,
        "influencers": figures.influencers(con, brand),
        "features": figures.content_features(con, brand), "advocates": figures.advocates(con, brand),
        "stories": figures.stories(con, brand, day), "story_window": Window.ending(day, figures.STORY_DAYS),
        "audience": figures.audience(con, brand, day),
        "benchmark": figures.benchmark(con, brand, day),
        "hashtags": figures.hashtags(con, brand, day),
        "weeks": {"this": monday, "before": monday - dt.timedelta(days=7)},
        "gate": gate, "has_validation": has_validation,
        "platform_name": figures.platform_name, "weekdays": figures.WEEKDAYS,
    }
