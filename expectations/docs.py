"""Great Expectations' Data Docs for a night's validations, as static pages that work offline.

Each suite's validation is stored in a GX context whose filesystem Data Docs site renders every validation
page (and suite page) once the night's suites have run. GX's pages load Bootstrap, jQuery, bootstrap-table and
Font Awesome from CDNs and build their index table with a script: offline, that is an unstyled page and an empty
index. So `finish()` takes every external stylesheet and script (and every inline script, which needs jQuery)
out of the pages, puts this project's own stylesheet (`static/data_docs.css`, the Bootstrap rules the pages
use) inline, points the logo at the copy GX ships in the site's `static/`, and writes a static index of the
night's validations in place of GX's.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
from pathlib import Path

import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig

STYLESHEET = Path(__file__).with_name("static") / "data_docs.css"
SITE = "smw"

_EXTERNAL_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>\s*", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.IGNORECASE | re.DOTALL)
_REMOTE_IMAGE = re.compile(r"(<img\b[^>]*\bsrc=)\"https?://[^\"]*\"", re.IGNORECASE)
_REMOTE_ANCHOR = re.compile(r"<a\b[^>]*\bhref=\"https?://[^\"]*greatexpectations\.io[^\"]*\"[^>]*>.*?</a>",
                            re.IGNORECASE | re.DOTALL)


class DocsSite:
    """One night's GX context and Data Docs site under `base`; `validate` each suite, then `finish`."""

    def __init__(self, base: Path, run_name: str):
        self.base = base
        self.run_name = run_name
        # Each run starts its pages afresh: a re-run of the night replaces them.
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        # An ephemeral context comes with a default site in a fresh temporary directory: not ours, not kept.
        for name, site in dict(self.context.variables.data_docs_sites or {}).items():
            self.context.delete_data_docs_site(name)
            shutil.rmtree(site.get("store_backend", {}).get("base_directory") or base / ".none", ignore_errors=True)
        self.context.add_data_docs_site(SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(base)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
        self.datasource = self.context.data_sources.add_pandas("nightly")
        self.run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
        self.results: list[tuple[str, ExpectationSuiteValidationResult]] = []

    @property
    def index(self) -> Path:
        return self.base / "index.html"

    def validate(self, name: str, frame: pd.DataFrame, expectations: list, index_columns: list[str] | None = None):
        """Validate `frame` against the suite `name` made of `expectations`; its page joins the site. With
        `index_columns`, every failing row's values of those columns are returned (`unexpected_index_list`)."""
        suite = gx.ExpectationSuite(name=name)
        for expectation in expectations:
            suite.add_expectation(expectation)
        suite = self.context.suites.add(suite)
        batch = self.datasource.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("night")
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite))
        result_format: dict = {"result_format": "SUMMARY"}
        if index_columns:
            result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": index_columns,
                             "return_unexpected_index_query": False}
        # Stored in the context's validation results store; `finish` renders them all at once (a Checkpoint's
        # UpdateDataDocsAction would rebuild the whole site after every suite).
        result = definition.run(batch_parameters={"dataframe": frame}, run_id=self.run_id,
                                result_format=result_format)
        self.results.append((name, result))
        return result

    def finish(self) -> Path:
        """Make every page offline and write the index; returns the index."""
        self.context.build_data_docs(site_names=[SITE])
        css = STYLESHEET.read_text(encoding="utf-8")
        for page in self.base.rglob("*.html"):
            page.write_text(offline_page(page.read_text(encoding="utf-8"), page, self.base, css), encoding="utf-8")
        self.index.write_text(self._index_page(css), encoding="utf-8")
        return self.index

    def _index_page(self, css: str) -> str:
        rows = []
        for name, result in self.results:
            pages = sorted((self.base / "validations" / name).rglob("*.html"))
            link = pages[-1].relative_to(self.base).as_posix() if pages else None
            stats = result.statistics
            failed = [item for item in result.results if not item.success]
            # an expectation that raised is critical whatever its severity: the gate fails closed
            critical = sum(raised(item.exception_info) is not None or str(getattr(getattr(
                item.expectation_config, "severity", None), "value", "critical")) == "critical" for item in failed)
            status = "passed" if not failed else ("failed" if critical else "warnings")
            title = f'<a href="{html.escape(link)}">{html.escape(name)}</a>' if link else html.escape(name)
            rows.append(f'<tr class="{status}"><td>{title}</td><td class="status">{status}</td>'
                        f'<td>{stats["evaluated_expectations"]}</td><td>{stats["unsuccessful_expectations"]}</td>'
                        f"<td>{critical}</td></tr>")
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>Data Docs: '
                f'{html.escape(self.run_name)}</title><style>{css}\n'
                "tr.failed td.status{color:#dc3545;font-weight:700} tr.warnings td.status{color:#b8860b}"
                "tr.passed td.status{color:#28a745}</style></head><body><div class=\"container-fluid pt-4\">"
                f"<h1>Data Docs: {html.escape(self.run_name)}</h1>"
                "<p>Great Expectations' validation of each suite (a critical expectation that fails blocks the "
                "publish; a warning is published and flagged). Each suite's page lists every expectation, its "
                "result and the failing values.</p>"
                '<table class="table table-bordered table-striped"><thead><tr><th>suite</th><th>result</th>'
                "<th>expectations</th><th>failed</th><th>failed, critical</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table></div></body></html>")


def raised(exception_info: dict | None) -> str | None:
    """The message of an exception raised while evaluating an expectation, if one was. GX 1.x puts it at the top
    of `exception_info`, or (a metric that failed to compute, such as a missing column) under each metric's id."""
    if not exception_info:
        return None
    if exception_info.get("raised_exception"):
        return str(exception_info.get("exception_message") or "raised an exception")
    for value in exception_info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message") or "raised an exception")
    return None


def offline_page(text: str, page: Path, base: Path, css: str) -> str:
    """A GX page that fetches nothing: no external stylesheet or script, no script at all, the stylesheet inline,
    the logo from the site's own static folder."""
    text = _EXTERNAL_LINK.sub("", text)
    text = _SCRIPT.sub("", text)
    logo = os.path.relpath(base / "static" / "images" / "logo-long.png", page.parent).replace(os.sep, "/")
    text = _REMOTE_IMAGE.sub(rf'\1"{logo}"', text)
    text = _REMOTE_ANCHOR.sub("", text)
    return text.replace("</head>", f"<style>{css}</style></head>", 1)


def publish_data_docs(validation_dir: Path, target: Path) -> Path | None:
    """Copy the night's Data Docs (raw suites and marts) beside its report, written aside and swapped in, with a
    page linking both; returns that page (None: the night has none, validated before they existed)."""
    source = validation_dir / "data_docs"
    if not source.is_dir():
        return None
    aside = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)
    shutil.copytree(source, aside)
    css = STYLESHEET.read_text(encoding="utf-8")
    sites = [(name, label) for name, label in (("raw", "raw suites, right after the load"),
                                               ("marts", "mart suites and cross-mart reconciliation"))
             if (aside / name / "index.html").exists()]
    links = "".join(f'<li><a href="{name}/index.html">{name}</a>: {html.escape(label)}</li>' for name, label in sites)
    (aside / "index.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>Data Docs: {validation_dir.name}'
        f'</title><style>{css}</style></head><body><div class="container-fluid pt-4"><h1>Data Docs: '
        f"{html.escape(validation_dir.name)}</h1><p>Great Expectations' results of the night's quality gate."
        f"</p><ul>{links}</ul></div></body></html>", encoding="utf-8")
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    aside.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target / "index.html"
