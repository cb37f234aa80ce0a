"""The crisis alert with the accurate sentiment tier: the planted-truth world of test_ground_truth.py again, its
configuration choosing `sentiment.scorer: accurate`, finds the same planted crisis days.

Every comment of the 90 days goes through the embedding model once (a few minutes), so it is marked `accurate`
as well as `e2e`: `make test-accurate` runs it, `make test` does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from core.config import load_settings
from core.db import connect
from sentiment import ENV_VAR
from simulator.ground_truth import compute
from warehouse.__main__ import run_dates, simulated_history

pytestmark = [pytest.mark.e2e, pytest.mark.accurate]
GROUND_TRUTH_CONFIG = Path(__file__).with_name("ground_truth_world.yml")


@pytest.fixture(scope="module")
def accurate_marts(airflow_db, dbt_manifest, tmp_path_factory):
    """89 nights landed in bulk, then the nightly DAGs for the 90th, with the accurate tier for every brand."""
    work = tmp_path_factory.mktemp("truth-accurate")
    config = work / "ground_truth_world.yml"
    config.write_text(GROUND_TRUTH_CONFIG.read_text() + "sentiment:\n  scorer: accurate\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SMW_CONFIG", str(config))
        patch.setenv("SMW_DATA_DIR", str(work / "data"))
        patch.delenv("SMW_WAREHOUSE", raising=False)
        patch.delenv(ENV_VAR, raising=False)
        settings = load_settings()
        assert settings.sentiment.scorer == "accurate"
        days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(settings.simulator.history_days)]
        simulated_history(days[:-1])
        assert run_dates([days[-1]]) == 0
        con = duckdb.connect(str(settings.data / "published" / "warehouse.duckdb"), read_only=True)
        # the working warehouse, as the DAG's tasks open it (DuckDB refuses another configuration in-process)
        working = connect(settings)
        in_use = working.execute("select distinct scorer from sentiment.scorer_in_use").fetchall()
        working.close()
        yield con, compute(settings), in_use
        con.close()


def test_the_marts_read_the_accurate_tier(accurate_marts):
    _, _, in_use = accurate_marts
    assert in_use == [("accurate",)]


def test_the_crisis_is_alerted_on_its_dates_with_the_accurate_tier(accurate_marts):
    con, truth, _ = accurate_marts
    crisis = truth["crisis"]
    alerts = con.execute("""select account_key, date_day, severity from marts.rpt_alerts
                            where alert_type = 'negative_spike' order by severity desc""").fetchall()
    on_account = {day.isoformat() for key, day, _ in alerts if key == crisis["account"]}
    # the same planted days as with the default tier (test_ground_truth.py)
    assert set(crisis["planted_dates"]) <= on_account
    on_dates = [key for key, day, _ in alerts if day.isoformat() in crisis["planted_dates"]]
    assert on_dates[0] == crisis["account"]


def test_inbound_items_are_scored_by_the_accurate_tier(accurate_marts):
    con, _, _ = accurate_marts
    labels = dict(con.execute("""select sentiment_label, count(*) from marts.fct_interactions
                                 where is_inbound group by 1""").fetchall())
    # nearly every comment of the simulated world is English or French: scored
    assert labels.get("unscored", 0) / sum(labels.values()) < 0.01, labels
    assert {"positive", "negative", "neutral"} <= set(labels)
