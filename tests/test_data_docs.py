"""GX Data Docs built for a night and published beside its report, read in a real browser (Debian's chromium through
Playwright) with every request that is not a local file refused: the pages render styled, fetch nothing, run no
script, and show the failed expectation and its values."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest

from expectations.docs import DocsSite, publish_data_docs
from tests.e2e import test_report_browser

DAY = dt.date(2026, 10, 30)
browser = test_report_browser.browser  # the fixture: Debian's chromium through Playwright, nothing downloaded


@pytest.fixture
def published(tmp_path) -> Path:
    """A night's raw and mart Data Docs, one suite failing, published beside the report as `publish` does."""
    validation = tmp_path / "validation" / DAY.isoformat()
    for site_name, failing in (("raw", True), ("marts", False)):
        site = DocsSite(validation / "data_docs" / site_name, run_name=f"{DAY} {site_name}")
        frame = pd.DataFrame({"likes": [3, -4 if failing else 4, 5], "post": ["a", "b", "c"]})
        site.validate(f"{site_name}_posts", frame, [
            gx.expectations.ExpectColumnValuesToBeBetween(column="likes", min_value=0),
            gx.expectations.ExpectColumnValuesToNotBeNull(column="post", severity="warning")])
        site.finish()
    return publish_data_docs(validation, tmp_path / "reports" / DAY.isoformat() / "data-docs")


def visit(browser, page_path: Path):
    context = browser.new_context(java_script_enabled=True)
    requests: list[str] = []
    errors: list[str] = []
    # the network is closed: anything but a file of the site is refused (and recorded)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_path.resolve().as_uri(), wait_until="load")
    return context, page, requests, errors


def test_the_published_data_docs_read_offline_with_styles(browser, published):
    # the night's page links both sites
    context, page, requests, errors = visit(browser, published)
    assert page.locator("a", has_text="raw").count() == 1 and page.locator("a", has_text="marts").count() == 1
    context.close()
    # each site's index lists its suites with their result, styled by the inlined sheet
    context, page, requests, errors = visit(browser, published.parent / "raw" / "index.html")
    assert [item for item in requests if not item.startswith("file:")] == [] and errors == []
    assert page.locator("tr.failed td.status").inner_text() == "failed"
    assert page.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse") == "collapse"
    validation_page = published.parent / "raw" / page.locator("tr.failed a").get_attribute("href")
    context.close()
    # GX's validation page: nothing fetched, no script, its content shown and styled, the failing value there
    context, page, requests, errors = visit(browser, validation_page)
    assert [item for item in requests if not item.startswith("file:")] == [] and errors == []
    assert page.evaluate("document.scripts.length") == 0
    assert page.get_by_text("Expectation Suite:").is_visible() and page.get_by_text("Status:").is_visible()
    assert page.get_by_text("-4").first.is_visible()
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # the logo is GX's own copy in the site, and it loaded
    assert page.evaluate("[...document.images].every(image => image.complete && image.naturalWidth > 0)")
    context.close()


def test_the_gx_pages_as_gx_writes_them_would_fetch_from_cdns(tmp_path):
    """Why the pages are rewritten: GX's own output links its styles and scripts from the internet."""
    site = DocsSite(tmp_path / "site", run_name="night")
    site.validate("posts", pd.DataFrame({"likes": [1]}), [gx.expectations.ExpectColumnValuesToBeBetween(
        column="likes", min_value=0)])
    site.context.build_data_docs(site_names=["smw"])
    raw_page = next((tmp_path / "site" / "validations").rglob("*.html")).read_text()
    assert "https://" in raw_page and "<script" in raw_page
    site.finish()
    page = next((tmp_path / "site" / "validations").rglob("*.html")).read_text()
    assert "<script" not in page and 'href="https://' not in page and 'src="https://' not in page


def test_the_reports_link_the_data_docs_and_count_the_warnings(tmp_path, published):
    # GIVEN the night's Data Docs published beside its reports (as `publish` does, before the pages) and a gate
    # that passed with one warning
    from publishing.report import write_report
    from tests.test_report import DAY as REPORT_DAY
    from tests.test_report import make_marts

    reports = tmp_path / "reports"
    publish_data_docs(tmp_path / "validation" / DAY.isoformat(),
                      reports / REPORT_DAY.isoformat() / "data-docs")
    warehouse = tmp_path / "published.duckdb"
    make_marts(warehouse)
    validation = tmp_path / "validation.json"
    validation.write_text(json.dumps({"logical_date": REPORT_DAY.isoformat(), "success": True, "marts": {
        "fct_account_daily": {"rows": 140, "passed": 12, "failed": 1, "checks": []}},
        "warnings": ["fct_account_daily: engagement_rate above 10"]}))
    # WHEN the reports are written
    day_page = write_report(warehouse, reports, REPORT_DAY, validation=validation, pdf=False)
    # THEN the date's page and each brand's page link the Data Docs, and say the warning
    assert 'href="data-docs/index.html"' in day_page.read_text() and "1 warning(s)" in day_page.read_text()
    brand = (reports / REPORT_DAY.isoformat() / "acme" / "index.html").read_text()
    assert 'href="../data-docs/index.html"' in brand and 'data-kpi="quality_warnings" data-value="1"' in brand
    assert (reports / REPORT_DAY.isoformat() / "data-docs" / "raw" / "index.html").exists()
