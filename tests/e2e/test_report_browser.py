"""The brand reports in a real browser: Debian's chromium, driven by Playwright, over the reports the planted-truth
world's DAG run published (conftest.py): nothing fetched, no console error, the figures shown equal the marts,
every section there with JavaScript off. Full-page screenshots go to test-artifacts/reports/."""

from __future__ import annotations

import datetime as dt
import html
import shutil
from pathlib import Path

import duckdb
import pytest

from core import paths
from publishing.report import figures

pytestmark = pytest.mark.e2e
CHROMIUM = Path("/usr/bin/chromium")
# What works on a closed network: no sandbox (root), no GPU, nothing phoning home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
SECTIONS = ["headline", "trends", "best-time", "content-types", "audience", "benchmark", "posts", "sentiment",
            "response", "conversions", "campaigns", "influencers", "hashtags", "data-quality"]
KPIS = ["engagements", "engagement_rate", "reach", "impressions", "follower_growth", "net_sentiment",
        "response_rate", "sessions", "conversions"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make setup` installs it (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        # executable_path: the system's chromium, so nothing is downloaded (never `playwright install`)
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def reports(ground_truth_world):
    """The published reports and the published marts they were drawn from."""
    reports = paths.reports_dir(ground_truth_world.data)
    con = duckdb.connect(str(paths.published_warehouse(ground_truth_world.data)), read_only=True)
    yield reports, con, ground_truth_world.day
    con.close()


def brand_ids(con) -> list[str]:
    return [row[0] for row in con.execute("select distinct brand_id from marts.dim_accounts order by 1").fetchall()]


class Visit:
    """A page opened in its own browser context, with every request, console error and page error recorded."""

    def __init__(self, browser, path: Path, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": 1100, "height": 900}, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def close(self) -> None:
        self.context.close()


def test_every_page_loads_offline_without_errors(browser, reports, ground_truth_world):
    reports_dir, con, day = reports
    pages = {"index": paths.reports_index(reports_dir), "day": paths.report_file(ground_truth_world.data, day)}
    pages.update({brand: paths.brand_report_file(reports_dir, day, brand) for brand in brand_ids(con)})
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    for name, path in pages.items():
        # WHEN each page is opened from disk
        visit = Visit(browser, path)
        # THEN it requests nothing but itself, logs no error, and names no path of the machine that wrote it
        assert visit.requests == [visit.url], name
        assert visit.errors == [], name
        html = visit.page.content()
        assert str(ground_truth_world.data) not in html and str(Path.home()) + "/" not in html, name
        visit.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        # AND every relative link leads to a file that exists (the PDF, the other pages, the validation results)
        links = visit.page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
        for link in links:
            if not link.startswith(("http://", "https://", "#")):
                assert (path.parent / link).exists(), (name, link)
        visit.close()
    # AND the index lists every brand's report of the day, with its PDF
    listed = Visit(browser, pages["index"])
    rows = listed.page.eval_on_selector_all("tr[data-row=report]",
                                            "rows => rows.map(r => [r.dataset.date, r.dataset.brand])")
    listed.close()
    assert sorted(rows) == sorted([day.isoformat(), brand] for brand in brand_ids(con))
    for brand in brand_ids(con):
        assert paths.brand_report_pdf(reports_dir, day, brand).read_bytes().startswith(b"%PDF-")


# The marts' own figures, summed over a period: what each headline tile must show.
TILE_SQL = {
    "engagements": "select sum(engagements_gained) from marts.fct_account_daily "
                   "where brand_id = $brand and date_day between $start and $end",
    "engagement_rate": "select sum(engagements_gained) filter (where engagement_rate is not null) / "
                       "sum(followers) filter (where engagement_rate is not null) from marts.fct_account_daily "
                       "where brand_id = $brand and date_day between $start and $end",
    "reach": "select sum(reach) from marts.fct_account_daily "
             "where brand_id = $brand and date_day between $start and $end",
    "impressions": "select sum(impressions) from marts.fct_account_daily "
                   "where brand_id = $brand and date_day between $start and $end",
    "follower_growth": "select sum(follower_growth) from marts.fct_account_daily "
                       "where brand_id = $brand and date_day between $start and $end",
    "net_sentiment": """select (sum(positive_items) - sum(negative_items))
                               / (sum(positive_items) + sum(negative_items) + sum(neutral_items))
                        from marts.rpt_sentiment_daily join marts.dim_accounts using (account_key)
                        where brand_id = $brand and language = 'all' and date_day between $start and $end""",
    "response_rate": """select sum(responded_within_24h) / sum(inbound_items)
                        from marts.rpt_community_response join marts.dim_accounts using (account_key)
                        where brand_id = $brand and date_day between $start and $end""",
    "sessions": "select sum(sessions) from marts.rpt_conversions where brand_id = $brand and grain = 'platform' "
                "and session_date between $start and $end",
    "conversions": "select sum(conversions) from marts.rpt_conversions where brand_id = $brand and grain = 'platform' "
                   "and session_date between $start and $end",
}


def expected_tile(con, kpi: str, brand: str, day: dt.date, days: int) -> tuple[float | None, float | None]:
    current = (day - dt.timedelta(days=days - 1), day)
    previous = (day - dt.timedelta(days=2 * days - 1), day - dt.timedelta(days=days))
    values = []
    for start, end in (current, previous):
        value = con.execute(TILE_SQL[kpi], {"brand": brand, "start": start, "end": end}).fetchone()[0]
        values.append(None if value is None else float(value))
    return values[0], values[1]


def shown(attribute: str) -> float | None:
    return float(attribute) if attribute not in ("", None) else None


def test_the_figures_shown_equal_the_marts(browser, reports):
    reports_dir, con, day = reports
    for brand in brand_ids(con):
        visit = Visit(browser, paths.brand_report_file(reports_dir, day, brand))
        page = visit.page
        # GIVEN the brand's page WHEN its headline tiles are read back through the browser
        tiles = page.eval_on_selector_all("[data-kpi][data-days]", """nodes => nodes.map(n => [n.dataset.kpi,
            Number(n.dataset.days), n.dataset.value, n.dataset.previous, n.innerText])""")
        found = {(kpi, days): (shown(value), shown(previous), text) for kpi, days, value, previous, text in tiles}
        # THEN every KPI is there, for the last 7 and 28 days, equal to the marts (the earlier period where it has
        # data the whole time: the world starts 90 days before the date, so the 28 days before are covered)
        for kpi in KPIS:
            for days in (7, 28):
                current, previous = expected_tile(con, kpi, brand, day, days)
                if current is None:  # e.g. no GA4 in this world: said in words, never a zero
                    assert found[kpi, 7][0] is None and found[kpi, 7][2].strip(), (brand, kpi)
                    continue
                value, before, _ = found[kpi, days]
                assert value == pytest.approx(current, rel=1e-9), (brand, kpi, days)
                assert before == (None if previous is None else pytest.approx(previous, rel=1e-9)), (brand, kpi, days)
        # AND the top posts are the marts' best D+7 engagement rates of the 28 publication days ending D-7,
        # shown with their text, date, type and link (never an internal id)
        rows = page.eval_on_selector_all("tr[data-row=top-posts]", """rows => rows.map(r => [r.dataset.permalink,
            Number(r.querySelector('[data-col=engagement_rate_d7]').dataset.value),
            Number(r.querySelector('[data-col=engagements_d7]').dataset.value), r.innerText])""")
        expected = con.execute("""
            select permalink, engagement_rate_d7, engagements_d7, post_key from marts.dim_posts
            where brand_id = ? and published_date between ? and ? and engagement_rate_d7 is not null
            order by engagement_rate_d7 desc, engagements_d7 desc, post_key limit 10""",
                               [brand, day - dt.timedelta(days=34), day - dt.timedelta(days=7)]).fetchall()
        assert expected and [tuple(row[:2]) for row in rows] == [(link, pytest.approx(rate))
                                                                  for link, rate, _, _ in expected]
        assert [row[2] for row in rows] == [engagements for _, _, engagements, _ in expected]
        assert not any(post_key in text for (*_, text), (*_, post_key) in zip(rows, expected, strict=True))
        # AND each account's best slot is the mart's
        slots = page.eval_on_selector_all(
            "tr[data-row=best-slot] [data-col=slot]",
            "cells => cells.map(c => [Number(c.dataset.weekday), Number(c.dataset.hour)])")
        best = con.execute("""select weekday, hour from marts.rpt_best_time_to_post join marts.dim_accounts
                              using (account_key) where brand_id = ? and is_best_slot order by account_key""",
                           [brand]).fetchall()
        assert sorted(map(tuple, slots)) == sorted(best)
        # AND the content-type lifts, the alerts and the influencers are the marts' rows
        lifts = page.eval_on_selector_all("tr[data-row=content-type] [data-col=lift]",
                                          "cells => cells.map(c => Number(c.dataset.value))")
        assert sorted(lifts) == pytest.approx(sorted(row[0] for row in con.execute(
            """select lift from marts.rpt_content_type_performance join marts.dim_accounts using (account_key)
               where brand_id = ? and lift is not null""", [brand]).fetchall()))
        alerts = page.eval_on_selector_all("tr[data-row=alert] [data-col=severity]",
                                           "cells => cells.map(c => Number(c.dataset.value))")
        assert sorted(alerts) == pytest.approx(sorted(row[0] for row in con.execute(
            "select severity from marts.rpt_alerts where brand_id = ? and date_day between ? and ?",
            [brand, day - dt.timedelta(days=89), day]).fetchall()))
        influencers = page.eval_on_selector_all("tr[data-row=influencer]", """rows => rows.map(r => [r.dataset.handle,
            r.dataset.campaign, Number(r.querySelector('[data-col=engagement_rate]').dataset.value)])""")
        assert sorted(map(tuple, influencers)) == sorted(
            (handle, campaign, pytest.approx(rate)) for handle, campaign, rate in con.execute(
                "select handle, campaign_id, engagement_rate from marts.rpt_influencers where brand_id = ?",
                [brand]).fetchall())
        visit.close()


def test_every_section_shows_with_javascript_off(browser, reports):
    reports_dir, con, day = reports
    for brand in brand_ids(con):
        # GIVEN a browser with JavaScript disabled
        visit = Visit(browser, paths.brand_report_file(reports_dir, day, brand), javascript=False)
        for section in SECTIONS:
            # THEN each section is visible, with a chart, a table or a sentence saying what the marts lack
            locator = visit.page.locator(f"section[data-section='{section}']")
            assert locator.is_visible(), (brand, section)
            content = locator.locator(".tile, figure svg, table, p.empty")
            assert content.count() > 0, (brand, section)
        # AND the charts are drawn (static SVG, no script), one panel per account, none of zero size
        charts = visit.page.locator("figure svg")
        assert charts.count() >= 8
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert box and box["width"] > 200 and box["height"] > 80, (brand, index)
        # AND the followers chart has one panel per account, each titled once with the account's name
        followers = visit.page.locator("section[data-section=trends] figure svg[aria-label='Followers per account']")
        drawn = followers.inner_html()
        labels = next(each for each in figures.brands(con) if each.brand_id == brand).accounts
        assert all(drawn.count(f">{html.escape(account.label)}<") == 1 for account in labels), brand
        visit.close()
