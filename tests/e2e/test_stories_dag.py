"""The intra-day story capture (dags/shared_media_stories.py) with Airflow's dag.test(): a story published just
after one capture is caught by the next, before it expires, and the nightly load of that date loads both
captures with reconciled counts."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import duckdb
import pendulum
import pytest

from core.config import load_settings
from core.paths import capture_file, capture_manifest_file, landing_dir, warehouse_path
from expectations.raw import check_raw
from loader import load_date
from simulator.world import World
from warehouse.__main__ import stories_dag

pytestmark = pytest.mark.e2e
CONFIG = Path(__file__).with_name("threads_world.yml")
EVERY = dt.timedelta(hours=3)


def landed_ids(path: Path, key: str) -> set[str]:
    with gzip.open(path, "rt") as lines:
        return {json.loads(line)["record"][key] for line in lines}


def test_a_story_published_just_after_a_capture_is_caught_by_the_next(airflow_db, dbt_manifest, tmp_path,
                                                                      monkeypatch):
    # GIVEN the small world's Instagram account, and a story of it published in the hour after a capture (both
    # captures on one UTC date)
    monkeypatch.setenv("SMW_CONFIG", str(CONFIG))
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMW_WAREHOUSE", raising=False)
    settings = load_settings()
    account = next(account for _, account in settings.accounts() if account.platform == "instagram")
    world = World(settings)
    story = next(story for story in world.stories.of(account.key)
                 if story.published_at.hour % 3 == 0 and story.published_at.hour <= 18
                 and story.published_at.date() > settings.extraction.start_date)
    first = story.published_at.replace(minute=0, second=0)  # the capture just before it
    assert first < story.published_at < first + EVERY

    # WHEN the intra-day DAG runs at that capture and at the next, as the scheduler would every 3 hours
    dag = stories_dag()
    for at in (first, first + EVERY):
        run = dag.test(logical_date=pendulum.instance(at))
        assert str(run.state) == "success"

    # THEN the first capture did not list the story (not yet published) and the second did, with its insights
    landing = landing_dir(settings.data)
    stories = [capture_file(landing, "instagram", "stories", at, account.account_id) for at in (first, first + EVERY)]
    assert story.story_id not in landed_ids(stories[0], "id")
    assert story.story_id in landed_ids(stories[1], "id")
    manifest = json.loads(capture_manifest_file(landing, "instagram", first + EVERY, account.account_id).read_text())
    assert manifest["captured_at"] == (first + EVERY).isoformat() and manifest["streams"]["story_insights"]["rows"]
    # AND every Instagram and Facebook account was captured each time, one mapped task per account
    for _, each in settings.accounts():
        if each.platform in ("instagram", "facebook"):
            assert capture_manifest_file(landing, each.platform, first + EVERY, each.account_id).exists(), each.key

    # WHEN the nightly load of that date runs, with its raw suites, as the nightly DAG's `load` task does
    summary = load_date(settings, first.date(), "night", con=None)
    assert summary["raw.instagram__stories"]["quarantined"] == 0
    con = duckdb.connect(str(warehouse_path()))
    try:
        checks = check_raw(con, settings, first.date(), "night", tmp_path / "validation")
    finally:
        con.close()
    # THEN no story is rejected as a duplicate (a story in two captures is read twice on purpose), and nothing
    # about stories blocks the night
    assert {key for key in checks["quarantined"] if "stor" in key and checks["quarantined"][key]} == set()
    assert not [check for check in checks["blocking"] if "stor" in json.dumps(check, default=str)]
    # AND both captures are in raw, every landed row accounted for
    con = duckdb.connect(str(warehouse_path()), read_only=True)
    try:
        files = con.execute("select _source_file, count(*) from raw.instagram__stories where _account_id = ? "
                            "group by all", [account.account_id]).fetchall()
        listed = con.execute("select count(*) from raw.instagram__stories where payload->>'id' = ?",
                             [story.story_id]).fetchone()[0]
        audit = con.execute("select sum(manifest_rows), sum(loaded_rows) from raw._loads where stream = 'stories' "
                            "and platform = 'instagram'").fetchone()
    finally:
        con.close()
    assert {Path(name).parent.name for name, _ in files} == {f"capture={at:%H%M%S}" for at in (first, first + EVERY)}
    assert listed == 1
    assert audit[0] == audit[1] and audit[0] > 0
