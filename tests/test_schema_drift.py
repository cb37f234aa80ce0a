"""The schema drift monitor: the simulator drops a metric and renames another one night (its world's `drift`
knob), through the extractors' real code; the night's load records the findings, the gate blocks the night, and a
`schema_drift` alert goes to the chat channel saying platform, stream, field, what changed and since when."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
import yaml

from core.config import load_settings
from core.paths import validation_dir
from simulator.bulk import land_history
from tests import test_alerts
from warehouse import pipeline
from warehouse.alerts import CHAT_CONN_ID, EMAIL_CONN_ID

WORLD = Path(__file__).parent / "e2e" / "two_platforms.yml"
DRIFT_NIGHT = dt.date(2026, 10, 8)
webhook = test_alerts.webhook  # the fixture: a local JSON webhook, what the chat channel posts to
NIGHTS = [DRIFT_NIGHT - dt.timedelta(days=offset) for offset in range(4, -1, -1)]


@pytest.fixture
def drifting_world(tmp_path, monkeypatch, data_dir):
    """The two-platform world, where on DRIFT_NIGHT Mastodon stops sending favourites_count and Instagram's
    media insights send `saved` as `saves`."""
    config = yaml.safe_load(WORLD.read_text())
    config["simulator"]["drift"] = [
        {"platform": "mastodon", "field": "favourites_count", "since": DRIFT_NIGHT.isoformat(),
         "until": DRIFT_NIGHT.isoformat()},
        {"platform": "instagram", "field": "saved", "rename_to": "saves", "since": DRIFT_NIGHT.isoformat()},
    ]
    path = tmp_path / "world.yml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("SMW_CONFIG", str(path))
    for conn_id in (EMAIL_CONN_ID, CHAT_CONN_ID):
        monkeypatch.delenv(f"AIRFLOW_CONN_{conn_id.upper()}", raising=False)
    return load_settings()


def test_a_dropped_and_a_renamed_metric_are_found_blocked_and_alerted(drifting_world, webhook, monkeypatch):
    settings = drifting_world
    # GIVEN four ordinary nights, then the night the platforms change their answers, each landed by the
    # extractors (the simulator as their transport) and loaded, the raw suites running after each load
    land_history(settings, NIGHTS, run_id="drift-test", workers=1)
    for night in NIGHTS:
        pipeline.load(night, f"run-{night}", settings)
        raw = json.loads((validation_dir(settings.data, night) / "raw.json").read_text())
        if night < DRIFT_NIGHT:
            assert raw["schema_drift"] == [] and raw["success"], raw["blocking"]
    # THEN the drift night's findings name the platform, stream, field, change and since when
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    findings = {(platform, stream, field, change): since for platform, stream, field, change, since in con.execute(
        "select platform, stream, field, change, since from raw._schema_drift where _logical_date = ?",
        [DRIFT_NIGHT]).fetchall()}
    con.close()
    assert findings[("mastodon", "statuses", "$.favourites_count", "disappeared")] == DRIFT_NIGHT
    assert findings[("instagram", "media_insights", "metric saved $.values[*].value", "disappeared")] == DRIFT_NIGHT
    assert findings[("instagram", "media_insights", "metric saves $.values[*].value", "new_field")] == DRIFT_NIGHT
    # AND the night is blocked at the gate (a metric gone), the new field only flagged
    raw = json.loads((validation_dir(settings.data, DRIFT_NIGHT) / "raw.json").read_text())
    assert [check["rule"] for check in raw["blocking"]] == ["schema_drift"]
    assert "schema_drift_new_field" in [check["rule"] for check in raw["warnings"]]
    # AND each finding is sent as a schema_drift alert through the chat channel, once
    test_alerts.chat_connection(monkeypatch, webhook.server_port)
    summary = pipeline.deliver_drift_alerts(DRIFT_NIGHT, "run-alerts", settings)
    assert summary["sent"]["chat"] == len(findings) == len(webhook.posts)
    favourites = next(post for post in webhook.posts if "statuses, field $.favourites_count" in post["title"])
    assert favourites["title"] == ("[Shared media] Schema drift: Mastodon statuses, field $.favourites_count is no "
                                   f"longer sent, since {DRIFT_NIGHT}")
    for line in ("Platform: Mastodon", "Stream: statuses", "Field: $.favourites_count",
                 "Change: disappeared (is no longer sent)", f"Since: {DRIFT_NIGHT}"):
        assert line in favourites["message"]
    assert pipeline.deliver_drift_alerts(DRIFT_NIGHT, "run-again", settings)["sent"]["chat"] == 0
