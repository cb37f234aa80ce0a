"""The dbt project's documentation, catalog and lineage, as one self-contained page beside the report."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

# dbt's page turns on usage tracking (a script fetched from a CDN) when the manifest says the project sends
# anonymous usage statistics; we generate with them off, and take the call out so the page never fetches it.
TRACKING_CALL = "!0===e.track&&r.turn_on_tracking()"


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """These environment variables while the block runs; each one as it was afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def offline(page: str) -> str:
    """dbt's static page with its usage tracking taken out: nothing on it reads the network."""
    if TRACKING_CALL not in page:
        raise RuntimeError("dbt's docs page changed: check that it fetches nothing, then update publishing/docs.py")
    return page.replace(TRACKING_CALL, "!1")


def publish_docs(project_dir: Path, warehouse: Path, docs_dir: Path) -> Path:
    """`dbt docs generate --static` against the warehouse (its catalog: every table's columns and types), written
    to <docs_dir>/index.html aside and renamed over the old page. It opens the warehouse: run it where the other
    DuckDB writers are kept out (the DAG's one-slot pool)."""
    from dbt.cli.main import dbtRunner  # imported here: dbt is slow to import and only this step needs it

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="smw-dbt-docs-") as scratch, environment(
            SMW_WAREHOUSE=str(warehouse), DBT_SEND_ANONYMOUS_USAGE_STATS="False"):
        # A target and log folder of its own: the project's target/manifest.json is what the DAG renders from.
        result = dbtRunner().invoke([
            "docs", "generate", "--static", "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", scratch, "--log-path", scratch, "--no-send-anonymous-usage-stats", "--quiet"])
        if not result.success:
            raise RuntimeError(f"dbt docs generate failed: {result.exception}")
        page = offline((Path(scratch) / "static_index.html").read_text(encoding="utf-8"))
    docs_dir.mkdir(parents=True, exist_ok=True)
    target = docs_dir / "index.html"
    aside = docs_dir / ".index.html.tmp"
    aside.write_text(page, encoding="utf-8")
    os.replace(aside, target)
    log.info("dbt docs: %s (%.0f kB) in %.1f s", target, len(page) / 1024, time.monotonic() - started)
    return target
