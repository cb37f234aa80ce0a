"""The report's charts: Altair (Vega-Lite) specifications rendered to static SVG by vl-convert, offline.

vl-convert runs Vega in an embedded JavaScript engine shipped inside its wheel: no browser, no network (external
data URLs are refused: `allowed_base_urls=[]`), and the SVG it returns draws the same in a browser, in weasyprint's
PDF and with JavaScript off. Every chart is small multiples, one panel per account (or campaign), never one plot of
every line; panel titles name the account, so no legend sits over the lines.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import altair as alt
import vl_convert

from publishing.report.figures import WEEKDAYS, Row

log = logging.getLogger(__name__)

FONT = "DejaVu Sans, Verdana, sans-serif"
INK, MUTED, GRID = "#222222", "#5f6b73", "#e4e7ea"
LINE = "#1b6ca8"
ALERT = "#c0392b"
UP, DOWN = "#2e8b57", "#c0392b"
PANEL_WIDTH, PANEL_HEIGHT = 250, 120
COLUMNS = 3

CONFIG: dict[str, Any] = {
    "font": FONT,
    "background": "white",
    "padding": 6,
    "view": {"stroke": GRID},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": INK, "titleColor": MUTED, "gridColor": GRID,
             "domainColor": MUTED, "tickColor": MUTED, "labelOverlap": "greedy", "titleFontWeight": "normal"},
    "header": {"labelFontSize": 12, "labelFontWeight": "bold", "labelColor": INK, "title": None,
               "labelLimit": PANEL_WIDTH},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "titleColor": MUTED, "titleFontWeight": "normal"},
    "title": {"fontSize": 12, "fontWeight": "bold", "color": INK, "anchor": "start", "limit": 2 * PANEL_WIDTH},
    "concat": {"spacing": 24},
    "facet": {"spacing": 18},
}


def to_svg(chart: alt.TopLevelMixin, description: str, datasets: dict[str, list[dict[str, Any]]]) -> str:
    """The chart as an inline <svg>, labelled for screen readers, that scales down to the page's width.
    The rows go in as named datasets after Altair's to_dict: walking thousands of inline rows through Altair's
    schema objects would take seconds per chart."""
    spec = chart.to_dict(validate=False)
    spec["datasets"] = datasets
    started = time.monotonic()
    svg = vl_convert.vegalite_to_svg(spec, config=CONFIG, allowed_base_urls=[])
    log.debug("chart %r drawn in %.2f s", description, time.monotonic() - started)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    label = html.escape(description, quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _values(found: Sequence[Row], columns: Sequence[str]) -> list[dict[str, Any]]:
    """JSON-ready records: dates as ISO strings (read by Vega as UTC midnight, drawn on a UTC scale, so the day
    never shifts with the machine's time zone), numbers as floats."""
    records = []
    for row in found:
        record: dict[str, Any] = {}
        for column in columns:
            value = row.get(column)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                value = float(value)
            record[column] = value
        records.append(record)
    return records


def _days_axis(title: str | None = None) -> alt.X:
    return alt.X("date_day:T", title=title, scale=alt.Scale(type="utc"),
                 axis=alt.Axis(format="%d %b", tickCount=5, labelAngle=0, labelSeparation=10))


def _panels(found: Sequence[Row], facet: str) -> list[str]:
    """Panel order: as the rows come (the builders sort them by account)."""
    return list(dict.fromkeys(row[facet] for row in found))


def lines(found: Sequence[Row], title: str, value_format: str, description: str, facet: str = "account",
          zero: bool = True, domain: tuple[float, float] | None = None, marks: Sequence[Row] = ()) -> str:
    """One daily line per panel (account), each panel with its own y scale and axis; `marks` (date_day and the
    facet column) are drawn as red points with a rule, e.g. crisis alerts on a sentiment line."""
    marked = {(row[facet], _iso(row["date_day"])) for row in marks}
    records = _values(found, [facet, "date_day", "value"])
    for record in records:
        record["marked"] = (record[facet], record["date_day"]) in marked
    scale = alt.Scale(zero=zero, domain=list(domain)) if domain else alt.Scale(zero=zero)
    base = alt.Chart(alt.Data(name="rows")).encode(
        x=_days_axis(),
        y=alt.Y("value:Q", title=title, scale=scale, axis=alt.Axis(format=value_format, tickCount=4)),
    )
    layers = [base.mark_line(color=LINE, strokeWidth=1.6, interpolate="monotone")]
    if marked:
        flagged = base.transform_filter("datum.marked")
        layers += [flagged.mark_rule(color=ALERT, strokeDash=[3, 2], strokeWidth=1.2).encode(
                       y=alt.value(0), y2=alt.value(PANEL_HEIGHT)),
                   flagged.mark_point(color=ALERT, filled=True, size=60, shape="triangle-down", opacity=1)]
    chart = alt.layer(*layers).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT).facet(
        facet=alt.Facet(f"{facet}:N", sort=_panels(found, facet), title=None), columns=COLUMNS,
    ).resolve_scale(y="independent").resolve_axis(x="independent")
    return to_svg(chart, description, {"rows": records})


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def heatmaps(cells: Sequence[Row], description: str) -> str:
    """Weekday x hour of each account: the median D+7 engagement rate where a cell has 3 posts or more, grey
    where it has fewer, the best slot outlined and starred. One panel per account, each with its own colour scale
    (accounts' rates differ by platform), its legend beside it."""
    panels, datasets = [], {}
    for number, account in enumerate(_panels(cells, "account")):
        records = _values([cell for cell in cells if cell["account"] == account],
                          ["weekday", "hour", "posts", "median_engagement_rate_d7", "is_best_slot"])
        for record in records:
            record["day_name"] = WEEKDAYS[int(record["weekday"]) - 1][:3]
            record["is_best_slot"] = bool(record["is_best_slot"])
        datasets[f"panel{number}"] = records
        base = alt.Chart(alt.Data(name=f"panel{number}")).encode(
            x=alt.X("hour:O", title="hour of publication (account's time zone)",
                    sort=list(range(24)), axis=alt.Axis(labelAngle=0, values=list(range(0, 24, 3)))),
            y=alt.Y("day_name:O", title=None, sort=[name[:3] for name in WEEKDAYS]),
        )
        # One rect per cell (the PDF draws every SVG element in Python): coloured by the median, grey without one.
        cells_layer = base.mark_rect(stroke="white", strokeWidth=1).encode(color=alt.condition(
            "isValid(datum.median_engagement_rate_d7)",
            # five steps, a legend of swatches: a gradient legend does not survive in the PDF
            alt.Color("median_engagement_rate_d7:Q", title="median ER D+7",
                      scale=alt.Scale(type="quantize", scheme={"name": "blues", "count": 5}, zero=True, nice=True),
                      legend=alt.Legend(format=".1%", orient="right", symbolType="square")),
            alt.value("#f1f3f5")))
        best = base.transform_filter("datum.is_best_slot")
        panels.append(alt.layer(
            cells_layer,
            best.mark_rect(fill=None, stroke=INK, strokeWidth=2),
            best.mark_text(text="★", color="#f0a500", fontSize=13, baseline="middle"),
        ).properties(width=24 * 14, height=7 * 14, title=account))
    return to_svg(alt.concat(*panels, columns=2), description, datasets)


def lift_bars(found: Sequence[Row], description: str) -> str:
    """Each content type's lift over the account's median D+7 engagement rate, one panel per account."""
    records = _values(found, ["account", "content_type_name", "lift", "posts"])
    for record in records:
        record["direction"] = "above" if (record["lift"] or 0) >= 0 else "below"
    chart = alt.Chart(alt.Data(name="rows")).mark_bar(height=12).encode(
        x=alt.X("lift:Q", title="lift over the account's median",
                axis=alt.Axis(format="+.0%", tickCount=3, labelSeparation=6)),
        y=alt.Y("content_type_name:N", title=None, sort="-x"),
        color=alt.Color("direction:N", scale=alt.Scale(domain=["above", "below"], range=[UP, DOWN]), legend=None),
    ).properties(width=PANEL_WIDTH - 60, height=alt.Step(18)).facet(
        facet=alt.Facet("account:N", sort=_panels(found, "account"), title=None), columns=COLUMNS,
    ).resolve_scale(y="independent", x="independent")
    return to_svg(chart, description, {"rows": records})


def bars(found: Sequence[Row], category: str, measures: Sequence[tuple[str, str, str]], description: str) -> str:
    """Horizontal bars of a few measures side by side, one panel per measure: (column, title, format)."""
    records = _values(found, [category, *(column for column, _, _ in measures)])
    panels = []
    for column, title, value_format in measures:
        panels.append(alt.Chart(alt.Data(name="rows")).mark_bar(color=LINE, height=14).encode(
            x=alt.X(f"{column}:Q", title=title, axis=alt.Axis(format=value_format, tickCount=4)),
            y=alt.Y(f"{category}:N", title=None, sort=[row[category] for row in found]),
        ).properties(width=PANEL_WIDTH, height=alt.Step(20)))
    return to_svg(alt.hconcat(*panels), description, {"rows": records})


def daily_bars(found: Sequence[Row], facet: str, column: str, title: str, description: str) -> str:
    """One bar per day, one panel per `facet` value (a campaign's UGC posts per day)."""
    records = _values(found, [facet, "date_day", column])
    chart = alt.Chart(alt.Data(name="rows")).mark_bar(color=LINE).encode(
        x=_days_axis(),
        y=alt.Y(f"{column}:Q", title=title, axis=alt.Axis(format="~s", tickCount=4)),
    ).properties(width=PANEL_WIDTH + 80, height=PANEL_HEIGHT).facet(
        facet=alt.Facet(f"{facet}:N", sort=_panels(found, facet), title=None), columns=2,
    ).resolve_scale(x="independent", y="independent")
    return to_svg(chart, description, {"rows": records})
