"""The package layers, the stream catalog and the generated dbt sources hold together."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from core import catalog
from core.paths import PROJECT_ROOT
from extractors.run import EXTRACTORS
from loader.load import primary_keys

PACKAGES = ["core", "extractors", "loader", "sentiment", "expectations", "publishing", "warehouse", "simulator"]


def test_layers_import_downward_only():
    # import-linter's contracts live in pyproject.toml ([tool.importlinter]): warehouse > simulator > the
    # stages (independent of each other) > core.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _imports_inside_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and inner.module.split(".")[0] in PACKAGES:
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{inner.lineno} {inner.module}")
                if isinstance(inner, ast.Import):
                    found += [f"{path.relative_to(PROJECT_ROOT)}:{inner.lineno} {alias.name}" for alias in inner.names
                              if alias.name.split(".")[0] in PACKAGES]
    return found


def test_no_project_import_hides_inside_a_function():
    # Such imports used to dodge cycles between packages; with one-way layers none is needed.
    hidden = [hit for package in [*PACKAGES, "dags"] for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
              for hit in _imports_inside_functions(path)]
    assert hidden == []


@pytest.mark.parametrize("platform", catalog.PLATFORMS)
def test_each_extractor_reads_the_streams_the_catalog_declares_in_order(platform):
    declared = [stream.name for stream in catalog.streams_of(platform)]
    assert [stream.name for stream in EXTRACTORS[platform].STREAMS] == declared
    # A parent is read before the streams read under it.
    for stream in catalog.streams_of(platform):
        if stream.parent:
            assert declared.index(stream.parent) < declared.index(stream.name), stream


@pytest.mark.parametrize("platform", catalog.PLATFORMS)
def test_the_intraday_capture_reads_the_streams_the_catalog_declares_intraday(platform):
    # the nightly extraction never reads them (STREAMS above); the capture reads them in the catalog's order
    declared = [stream.name for stream in catalog.streams_of(platform, intraday=True)]
    assert [stream.name for stream in getattr(EXTRACTORS[platform], "CAPTURE_STREAMS", ())] == declared
    assert (platform in catalog.capture_platforms()) == bool(declared)


def test_every_platform_of_the_catalog_has_an_extractor_and_a_staging_folder():
    assert set(EXTRACTORS) == set(catalog.PLATFORMS)
    for platform in catalog.PLATFORMS:
        assert (PROJECT_ROOT / "dbt_project" / "models" / "staging" / platform).is_dir(), platform


def test_the_loader_takes_each_streams_key_from_the_catalog():
    keys = primary_keys()
    assert keys[("linkedin", "share_statistics")] == "post_urn"
    assert keys[("bluesky", "posts")] == "post.uri"
    assert keys == {(stream.platform, stream.name): stream.key for stream in catalog.STREAMS}


@pytest.mark.parametrize("platform", catalog.PLATFORMS)
def test_dbt_sources_are_generated_from_the_catalog(platform):
    # `python -m core.catalog` writes them; an edit of the catalog without it fails here.
    path = catalog.sources_file(PROJECT_ROOT / "dbt_project", platform)
    assert path.read_text() == catalog.sources_yaml(platform), f"run: .venv/bin/python -m core.catalog ({path})"


def test_no_raw_platform_table_is_declared_outside_the_generated_sources():
    generated = {catalog.sources_file(PROJECT_ROOT / "dbt_project", platform) for platform in catalog.PLATFORMS}
    raw_tables = {stream.raw_table for stream in catalog.STREAMS}
    for path in (PROJECT_ROOT / "dbt_project" / "models").rglob("*.yml"):
        if path in generated:
            continue
        text = path.read_text()
        assert not [table for table in raw_tables if f"name: {table}\n" in text], path
