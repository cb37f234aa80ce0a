"""A one-page HTML report of a logical date, one chart per mart, drawn as inline SVG (no network, no JS)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import duckdb

PALETTE = ["#1b6ca8", "#e07a1f", "#3a9d5d", "#b8405e", "#7b5ea7", "#5f6b73", "#c9a227", "#2aa3a3"]


def _line_chart(title: str, series: dict[str, list[tuple[dt.date, float]]], fmt: str = "{:.3f}") -> str:
    width, height, pad = 720, 260, 48
    points = [value for values in series.values() for _, value in values if value is not None]
    days = sorted({day for values in series.values() for day, _ in values})
    if not points or not days:
        return f"<h2>{html.escape(title)}</h2><p>No data for this chart yet.</p>"
    low, high = min(points), max(points)
    high = high if high > low else low + 1
    span = max(1, (days[-1] - days[0]).days)

    def x(day):
        return pad + (width - 2 * pad) * (day - days[0]).days / span

    def y(value):
        return height - pad - (height - 2 * pad) * (value - low) / (high - low)

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
             f'<text x="{pad}" y="{pad - 12}" font-size="11">{fmt.format(high)}</text>',
             f'<text x="{pad}" y="{height - pad + 14}" font-size="11">{fmt.format(low)} · {days[0]}</text>',
             f'<text x="{width - pad}" y="{height - pad + 14}" font-size="11" text-anchor="end">{days[-1]}</text>']
    for index, (name, values) in enumerate(series.items()):
        coords = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in values if value is not None)
        color = PALETTE[index % len(PALETTE)]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{coords}"/>')
        parts.append(f'<text x="{pad + 8}" y="{pad + 14 * index}" font-size="11" fill="{color}">'
                     f'{html.escape(name)}</text>')
    parts.append("</svg>")
    return f"<h2>{html.escape(title)}</h2>" + "".join(parts)


def _bar_chart(title: str, bars: list[tuple[str, float]], fmt: str = "{:,.0f}") -> str:
    if not bars:
        return f"<h2>{html.escape(title)}</h2><p>No data for this chart yet.</p>"
    width, row = 720, 22
    top = max(value for _, value in bars) or 1
    rows = []
    for index, (label, value) in enumerate(bars):
        bar = (width - 300) * value / top
        rows.append(f'<text x="0" y="{index * row + 15}" font-size="11">{html.escape(label[:40])}</text>'
                    f'<rect x="260" y="{index * row + 4}" width="{bar:.1f}" height="14" fill="{PALETTE[0]}"/>'
                    f'<text x="{264 + bar:.1f}" y="{index * row + 15}" font-size="11">{fmt.format(value)}</text>')
    return (f"<h2>{html.escape(title)}</h2><svg viewBox=\"0 0 {width} {len(bars) * row + 8}\" role=\"img\" "
            f"aria-label=\"{html.escape(title)}\">{''.join(rows)}</svg>")


def write_report(published: Path, report_root: Path, day: dt.date) -> Path:
    """Read the published file (what BI tools see) and draw the day's page."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        accounts = con.execute("""select account_key, handle || ' (' || platform || ')', brand_name
                                  from marts.dim_accounts order by brand_name, platform""").fetchall()
        names = {key: label for key, label, _ in accounts}
        daily = con.execute("""select account_key, date_day, engagement_rate, followers from marts.fct_account_daily
                               where date_day <= ? order by account_key, date_day""", [day]).fetchall()
        top_posts = con.execute("""select post_key, engagements from marts.fct_post_performance
                                   where date_day = ? and engagements is not null
                                   order by engagements desc, post_key limit 10""", [day]).fetchall()
        campaigns = con.execute("""select campaign_id, sum(posts) from marts.rpt_campaigns where date_day <= ?
                                   group by campaign_id order by 2 desc, 1""", [day]).fetchall()
        # The rate as the mart computes it (the metric contract), one bar per influencer and campaign.
        influencers = con.execute("""select handle || ' (' || platform || ', ' || tier || ', ' || campaign_id || ')',
                                            engagement_rate
                                     from marts.rpt_influencers where engagement_rate is not null
                                     order by 2 desc, 1""").fetchall()
        alerts = con.execute("""select date_day, alert_type, account_key, severity from marts.rpt_alerts
                                where date_day between ? and ? order by date_day desc, severity desc limit 10""",
                             [day - dt.timedelta(days=6), day]).fetchall()
    finally:
        con.close()
    rates: dict[str, list] = {}
    followers: dict[str, list] = {}
    for key, date_day, rate, count in daily:
        rates.setdefault(names.get(key, key), []).append((date_day, rate))
        followers.setdefault(names.get(key, key), []).append((date_day, count))
    sections = [
        _line_chart("fct_account_daily: daily engagement rate by account", rates),
        _line_chart("fct_account_daily: followers by account", followers, "{:,.0f}"),
        _bar_chart(f"fct_post_performance: top posts by lifetime engagements on {day}", top_posts),
        _bar_chart("rpt_campaigns: others' posts with each campaign's hashtags, so far", campaigns),
        _bar_chart("rpt_influencers: engagement rate by their own followers", influencers, "{:.3f}"),
        "<h2>rpt_alerts: the last 7 days</h2><table><tr><th>day</th><th>alert</th><th>account</th>"
        "<th>severity</th></tr>" + "".join(
            f"<tr><td>{date_day}</td><td>{html.escape(kind)}</td><td>{html.escape(names.get(key, key))}</td>"
            f"<td>{severity:.1f}</td></tr>" for date_day, kind, key, severity in alerts) + "</table>",
        "<h2>dim_accounts</h2><table><tr><th>account</th><th>brand</th></tr>"
        + "".join(f"<tr><td>{html.escape(label)}</td><td>{html.escape(brand)}</td></tr>"
                  for _, label, brand in accounts) + "</table>",
    ]
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Shared media report {day}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:780px;margin:2em auto;color:#222}}
h2{{font-size:1.05em;margin-top:2em}} svg{{width:100%;height:auto}} td,th{{padding:2px 12px;text-align:left}}</style>
</head><body><h1>Shared media, {day}</h1>
<p>From the published warehouse <code>{html.escape(str(published))}</code>. Rates are fractions.</p>
{''.join(sections)}</body></html>"""
    out = report_root / day.isoformat() / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
