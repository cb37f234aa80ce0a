"""The report's pages: each brand's HTML page and its PDF, the date's page, and the index of every report.

Pages are self-contained (inline CSS, charts as inline SVG, no script, no font or image fetched), link only
relatively, and never name a path of the machine that wrote them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from core import paths
from publishing.report.figures import Comparison, Kind

TEMPLATES = Path(__file__).with_name("templates")
META_FILE = "report.json"  # beside each brand's page: what the index lists


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(count=count, percent=percent, score=score, change=change, minutes=minutes, day=day_label,
                       excerpt=excerpt, money=money, raw=raw, figure=figure)
    return env


# --------------------------------------------------------------------------------------------- formatting


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: Any) -> str:
    return "n/a" if _missing(value) else f"{float(value):,.0f}"


def percent(value: Any) -> str:
    """Ratios are fractions in the marts; the page shows percents, two decimals under 10 %."""
    if _missing(value):
        return "n/a"
    digits = 2 if abs(float(value)) < 0.1 else 1
    return f"{float(value) * 100:.{digits}f} %"


def score(value: Any) -> str:
    return "n/a" if _missing(value) else f"{float(value):+.2f}"


def figure(value: Any, kind: Kind) -> str:
    return {"count": count, "rate": percent, "score": score}[kind](value)


def change(comparison: Comparison, kind: Kind) -> str:
    """A relative change for counts; a difference in percentage points for rates, in points for scores."""
    if comparison.change is None:
        return ""
    if kind == "count":
        return f"{comparison.change * 100:+.1f} %"
    if kind == "rate":
        return f"{comparison.change * 100:+.2f} pp"
    return f"{comparison.change:+.2f}"


def minutes(value: Any) -> str:
    if _missing(value):
        return "n/a"
    total = round(float(value))
    if total < 60:
        return f"{total} min"
    if total < 24 * 60:
        return f"{total // 60} h {total % 60:02d} min"
    return f"{total // (24 * 60)} d {total % (24 * 60) // 60} h"


def day_label(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "n/a"
    return f"{value.day} {value:%b %Y}"


def excerpt(text: str | None, length: int = 140) -> str:
    """The post's text on one line, its links shortened to their host (the tracking tags are noise here)."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    flat = re.sub(r"https?://([^/\s]+)\S*", lambda link: f"{link.group(1)}/…", flat)
    if not flat:
        return "(no text)"
    return flat if len(flat) <= length else flat[:length - 1].rsplit(" ", 1)[0] + "…"


def money(value: Any, currency: str | None = None) -> str:
    if _missing(value):
        return "n/a"
    return f"{float(value):,.2f}" + (f" {currency}" if currency else "")


def raw(value: Any) -> str:
    """A value as the marts hold it, for a data-value attribute (tests read the page's figures back)."""
    if _missing(value):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(float(value)) if isinstance(value, float | Decimal) else str(value)


# ------------------------------------------------------------------------------------------------- writing


def write_text(path: Path, text: str) -> None:
    """Write aside, then rename over: a reader never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    aside.write_text(text, encoding="utf-8")
    os.replace(aside, path)


def render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


def write_pdf(page: str, target: Path) -> None:
    """The brand's page as a PDF (weasyprint draws the inline SVG charts itself; nothing is fetched)."""
    from weasyprint import HTML  # imported here: it loads pango when imported

    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    HTML(string=page, base_url=str(target.parent), url_fetcher=_no_fetch).write_pdf(aside)
    os.replace(aside, target)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the report fetches nothing, not {url}")


# --------------------------------------------------------------------------------------------- the indexes


@dataclass(frozen=True)
class Listed:
    day: dt.date
    brand_id: str
    brand_name: str
    has_pdf: bool


def write_meta(reports: Path, day: dt.date, brand_id: str, brand_name: str, has_pdf: bool) -> None:
    meta = {"logical_date": day.isoformat(), "brand_id": brand_id, "brand_name": brand_name, "pdf": has_pdf}
    write_text(paths.brand_report_file(reports, day, brand_id).with_name(META_FILE), json.dumps(meta, indent=1))


def listed(reports: Path) -> list[Listed]:
    """Every brand report on disk, newest date first, brands by name."""
    found = []
    for meta_file in reports.glob(f"*/*/{META_FILE}"):
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            found.append(Listed(dt.date.fromisoformat(meta["logical_date"]), meta["brand_id"], meta["brand_name"],
                                bool(meta.get("pdf"))))
        except (ValueError, KeyError):
            continue  # not one of ours
    return sorted(found, key=lambda item: (-item.day.toordinal(), item.brand_name.lower(), item.brand_id))


def write_indexes(reports: Path, day: dt.date, gate: Mapping[str, Any] | None, has_validation: bool,
                  notices: list[dict[str, Any]] | None = None) -> Path:
    """The date's page and the index of every report, regenerated from what is on disk."""
    everything = listed(reports)
    of_day = [item for item in everything if item.day == day]
    day_page = paths.report_day_dir(reports, day) / "index.html"
    write_text(day_page, render("day.html.j2", day=day, reports=of_day, gate=gate, has_validation=has_validation,
                                   notices=notices or []))
    dates: dict[dt.date, list[Listed]] = {}
    for item in everything:
        dates.setdefault(item.day, []).append(item)
    write_text(paths.reports_index(reports), render("index.html.j2", dates=dates))
    return day_page
