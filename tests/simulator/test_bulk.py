"""Bulk mode lands the same bytes as the nightly HTTP extraction, and the world is deterministic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from core.landing import read_manifests
from extractors.run import extract_account
from simulator.api import simulator_transport
from simulator.bulk import land_history

DAYS = [dt.date(2026, 10, 6), dt.date(2026, 10, 7)]
VOLATILE = {"started_at", "finished_at", "file", "run_id", "requests", "retries", "waited_seconds"}


def _landed(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.glob("landing/**/*.ndjson.gz"))}


def _manifests(root: Path) -> list[dict]:
    return [{key: ({name: {k: v for k, v in info.items() if k != "file"} for name, info in value.items()}
                   if key == "streams" else value) for key, value in manifest.items() if key not in VOLATILE}
            for day in DAYS for manifest in read_manifests(root / "landing", day)]


def _http(settings, root: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMW_DATA_DIR", str(root))
    for day in DAYS:
        for _, account in settings.accounts():
            extract_account(settings, account.key, day, "run", transport=simulator_transport(settings, day))


def _bulk(settings, root: Path, monkeypatch, workers: int | None = None) -> dict:
    monkeypatch.setenv("SMW_DATA_DIR", str(root))
    return land_history(settings, DAYS, run_id="run", workers=workers)


def test_bulk_lands_the_same_bytes_as_the_http_extraction(small, tmp_path, monkeypatch):
    # GIVEN a small world WHEN two nights are extracted through HTTP, and landed in bulk
    settings = small
    _http(settings, tmp_path / "http", monkeypatch)
    summary = _bulk(settings, tmp_path / "bulk", monkeypatch)
    # THEN every landing file is byte for byte the same, and the manifests agree but for times and ids
    http, bulk = _landed(tmp_path / "http"), _landed(tmp_path / "bulk")
    assert http.keys() == bulk.keys() and len(http) >= 2 * 12
    assert [name for name in http if http[name] != bulk[name]] == []
    assert _manifests(tmp_path / "http") == _manifests(tmp_path / "bulk")
    assert summary["rows"] > 0 and summary["nights"] == 2


def test_the_same_configuration_lands_the_same_bytes_twice(small, tmp_path, monkeypatch):
    # GIVEN one landing in a single process and one with the accounts spread over worker processes
    settings = small
    assert _bulk(settings, tmp_path / "one", monkeypatch, workers=1)["workers"] == 1
    assert _bulk(settings, tmp_path / "two", monkeypatch, workers=2)["workers"] == 2
    # THEN they land the same bytes
    assert _landed(tmp_path / "one") == _landed(tmp_path / "two")
    assert _manifests(tmp_path / "one") == _manifests(tmp_path / "two")
    manifest = json.loads(next((tmp_path / "one").glob("landing/ga4/_manifests/*/*.json")).read_text())
    assert manifest["streams"]["sessions_daily"]["rows"] > 0
