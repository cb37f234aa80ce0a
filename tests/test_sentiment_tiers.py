"""Choosing the sentiment tier: globally or per brand in the configuration, and what the DAG's step does with it."""

from __future__ import annotations

import textwrap

import duckdb
import pytest

from core.config import ConfigError, load_settings
from sentiment import ENV_VAR
from warehouse.pipeline import SENTIMENT_MARTS, score_sentiment, sentiment_scorers

CONFIG = """\
extraction:
  start_date: 2026-10-01
{sentiment}brands:
  - brand_id: lumiere
    name: Lumière
    timezone: Europe/Paris
    language: fr
{lumiere}    accounts:
      - {{platform: instagram, account_id: "1", handle: lumiere, connection_id: ig_lumiere}}
  - brand_id: northwind
    name: Northwind
    timezone: America/New_York
    accounts:
      - {{platform: instagram, account_id: "2", handle: northwind, connection_id: ig_northwind}}
"""

TEXTS = [
    ("instagram:1", "J'adore ce parfum 😍"),
    ("instagram:1", "Je kiffe ce sac!! 😍🔥"),
    ("instagram:1", "Bravo, encore un colis perdu 👏"),
    ("instagram:2", "Love this jacket, thanks!"),
    ("instagram:2", "Worst customer service ever"),
    ("instagram:2", "J'adore ce parfum 😍"),  # the same text on the other brand
]


def settings_with(tmp_path, sentiment: str = "", lumiere: str = ""):
    path = tmp_path / "warehouse.yml"
    path.write_text(CONFIG.format(sentiment=textwrap.dedent(sentiment), lumiere=lumiere))
    return load_settings(path)


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


def test_the_default_tier_unless_told(tmp_path, no_env):
    assert sentiment_scorers(settings_with(tmp_path)) == {"lumiere": "default", "northwind": "default"}


def test_globally_per_brand_and_by_the_environment(tmp_path, monkeypatch, no_env):
    # GIVEN the accurate tier chosen globally
    settings = settings_with(tmp_path, sentiment="sentiment:\n  scorer: accurate\n")
    assert sentiment_scorers(settings) == {"lumiere": "accurate", "northwind": "accurate"}
    # GIVEN it chosen for one brand only
    settings = settings_with(tmp_path, lumiere="    sentiment_scorer: accurate\n")
    assert sentiment_scorers(settings) == {"lumiere": "accurate", "northwind": "default"}
    # WHEN SMW_SENTIMENT_SCORER is set THEN it replaces the global setting, and a brand's own still wins
    monkeypatch.setenv(ENV_VAR, "vader-en")
    assert sentiment_scorers(settings) == {"lumiere": "accurate", "northwind": "vader-en"}


def test_a_malformed_scorer_name_is_refused_with_its_line(tmp_path):
    with pytest.raises(ConfigError, match=r":4: sentiment.scorer"):
        settings_with(tmp_path, sentiment="sentiment:\n  scorer: Accurate Tier\n")


@pytest.fixture
def warehouse(tmp_path, monkeypatch, no_env):
    """A warehouse with the interactions the DAG's staging step leaves, and an incremental mart."""
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMW_WAREHOUSE", raising=False)
    settings = settings_with(tmp_path)
    settings.warehouse.parent.mkdir(parents=True)
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_interactions_unioned (account_key varchar, text varchar)")
    con.executemany("insert into intermediate.int_interactions_unioned values (?, ?)", TEXTS)
    con.close()
    return tmp_path


def _marts_exist(settings) -> set[str]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return {name for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    finally:
        con.close()


def _make_marts(settings) -> None:
    con = duckdb.connect(str(settings.warehouse))
    con.execute("create schema if not exists marts")
    for mart in SENTIMENT_MARTS:
        con.execute(f"create table if not exists marts.{mart} as select 1 as x")
    con.close()


def test_each_brand_is_scored_by_its_tier_with_its_language(warehouse):
    # GIVEN Lumière (French) on the accurate tier and Northwind (English) on the default one
    settings = settings_with(warehouse, lumiere="    sentiment_scorer: accurate\n")
    # WHEN the DAG's step runs
    result = score_sentiment(settings)
    # THEN each brand's texts are scored by its tier, detection favouring the brand's language
    assert result["scored"] == 6 and result["scorer"] == "accurate, default"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    in_use = dict((brand, (scorer, version)) for brand, scorer, version in con.execute(
        "select brand_id, scorer, scorer_version from sentiment.scorer_in_use").fetchall())
    assert in_use["lumiere"][0] == "accurate" and in_use["lumiere"][1].endswith(";prior=fr")
    assert in_use["northwind"][0] == "default" and in_use["northwind"][1].endswith(";prior=en")
    # the short French comment the lite model calls Serbian is French, and scored, on the French brand
    row = con.execute("select language, label from sentiment.text_scores where text_hash = md5(?) "
                      "and scorer = 'accurate'", ["Je kiffe ce sac!! 😍🔥"]).fetchall()
    assert row == [("fr", "positive")]
    # the text both brands received has a score under each brand's scorer (the marts join on brand and text)
    assert con.execute("select count(*) from sentiment.text_scores where text_hash = md5(?)",
                       ["J'adore ce parfum 😍"]).fetchone() == (2,)
    con.close()


def test_a_switch_rescores_that_brand_once_and_rebuilds_the_marts(warehouse):
    # GIVEN a night scored with the default tier and its incremental marts built
    settings = settings_with(warehouse)
    score_sentiment(settings)
    _make_marts(settings)
    # WHEN nothing changes THEN nothing is scored and the marts stay
    assert score_sentiment(settings)["scored"] == 0
    assert _marts_exist(settings) >= set(SENTIMENT_MARTS)
    # WHEN Lumière switches to the accurate tier
    switched = settings_with(warehouse, lumiere="    sentiment_scorer: accurate\n")
    result = score_sentiment(switched)
    # THEN only its three texts are scored (again), once, and the incremental marts are dropped for a full build
    assert result["scored"] == 3
    assert not _marts_exist(switched) & set(SENTIMENT_MARTS)
    assert score_sentiment(switched)["scored"] == 0
