"""One account failing to extract does not stop the other accounts' data from loading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pendulum
import pytest

from core.config import load_settings
from warehouse.__main__ import nightly_dag

pytestmark = pytest.mark.e2e
DAY = dt.date(2026, 10, 30)


def test_a_failing_account_does_not_stop_the_others_loading(airflow_db, dbt_manifest, data_dir, tmp_path,
                                                            monkeypatch):
    # GIVEN four accounts, one of them pointed at an address where no API answers (every stream fails)
    config = Path(__file__).with_name("two_platforms.yml").read_text().replace(
        'connection_id: instagram_northwind}', 'connection_id: instagram_northwind, base_url: "http://simulator.local/gone"}')
    (tmp_path / "config.yml").write_text(config)
    monkeypatch.setenv("SMW_CONFIG", str(tmp_path / "config.yml"))
    # WHEN the night's extraction and load run
    run = nightly_dag().test(logical_date=pendulum.datetime(DAY.year, DAY.month, DAY.day, tz="UTC"))
    # THEN the run fails on that account's extraction, and the load still ran for everyone else
    states = {(ti.task_id, ti.map_index): str(ti.state) for ti in run.get_task_instances()}
    assert str(run.state) == "failed"
    assert sorted(state for (task, _), state in states.items() if task == "extract") == [
        "failed", "success", "success", "success"]
    assert states[("load", -1)] == "success"
    con = duckdb.connect(str(load_settings().warehouse), read_only=True)
    accounts = {row[0] for row in con.execute("select distinct _account_id from raw.instagram__media").fetchall()}
    mastodon = con.execute("select count(distinct _account_id) from raw.mastodon__statuses").fetchone()[0]
    con.close()
    assert accounts == {"17841400000000101"} and mastodon == 2
    assert states[("extraction_failed", -1)] == "failed"
