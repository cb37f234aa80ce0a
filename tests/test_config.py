"""The configuration file: a valid one loads, a wrong one names the field and the line."""

from __future__ import annotations

import os
import textwrap

import pytest

from core.config import ConfigError, load_settings
from core.secrets import MissingCredentials
from warehouse import pipeline

VALID = """\
extraction:
  start_date: 2026-10-01
brands:
  - brand_id: acme
    name: Acme
    timezone: Europe/Paris
    accounts:
      - {platform: instagram, account_id: "1", handle: acme, connection_id: ig_acme}
"""


def write(tmp_path, text: str):
    path = tmp_path / "warehouse.yml"
    path.write_text(textwrap.dedent(text))
    return path


def test_the_shipped_demo_configuration_is_valid():
    # GIVEN the repository's own warehouse.yml WHEN it is loaded THEN it names brands and accounts
    settings = load_settings()
    assert settings.brands and all(brand.accounts for brand in settings.brands)
    assert {brand.timezone for brand in settings.brands} >= {"Europe/Paris", "America/New_York"}


def test_a_valid_file_loads_with_defaults(tmp_path):
    settings = load_settings(write(tmp_path, VALID))
    assert settings.extraction.lookback_days == 28
    assert settings.account("instagram:1")[0].brand_id == "acme"
    # the reports are drawn by one process per core this process may use, unless told
    assert settings.reports.worker_count() == len(os.sched_getaffinity(0))
    told = load_settings(write(tmp_path, VALID + "reports:\n  workers: 3\n"))
    assert told.reports.worker_count() == 3


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        pytest.param(VALID.replace("Europe/Paris", "Mars/Olympus"), ":6: brands.0.timezone", id="unknown-time-zone"),
        pytest.param(VALID.replace("platform: instagram", "platform: myspace"), ":8: brands.0.accounts.0.platform",
                     id="unknown-platform"),
        pytest.param(VALID.replace("start_date: 2026-10-01", "start_date: someday"), ":2: extraction.start_date",
                     id="bad-date"),
        pytest.param(VALID.replace("  start_date", "  strat_date"), ":2: extraction.strat_date", id="misspelt-key"),
        pytest.param(VALID + "      - {platform: instagram, account_id: \"1\", handle: b, connection_id: c}\n",
                     ":9: brands.0.accounts.1: account instagram:1 is listed twice (first at line 8)",
                     id="duplicate-account"),
        pytest.param(VALID + "reports:\n  workers: 0\n", ":10: reports.workers", id="no-report-worker"),
    ],
)
def test_a_wrong_file_names_the_field_and_its_line(tmp_path, broken, expected):
    # GIVEN a configuration with one mistake WHEN it is loaded THEN the error says where
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, broken))
    assert expected in str(error.value)


TWO_BRANDS = """\
extraction:
  start_date: 2026-10-01
  source: {source}
brands:
  - brand_id: acme
    name: Acme
    timezone: Europe/Paris
    accounts:
      - {{platform: instagram, account_id: "1", handle: acme, connection_id: meta_acme}}
      - {{platform: facebook, account_id: "2", handle: acme, connection_id: meta_acme}}
      - {{platform: x, account_id: "3", handle: acme, connection_id: x_acme}}
  - brand_id: globex
    name: Globex
    timezone: America/New_York
    accounts:
      - {{platform: x, account_id: "4", handle: globex, connection_id: x_globex}}
      - {{platform: tiktok, account_id: "5", handle: globex, connection_id: {tiktok_connection}}}
      - {{platform: x, account_id: "3", handle: acme_again, connection_id: x_acme}}
"""


def test_a_duplicate_in_another_brand_is_named_at_its_own_line(tmp_path):
    # GIVEN an account listed again in a second brand, 7 lines after the first
    text = TWO_BRANDS.format(source="simulator", tiktok_connection="tiktok_globex")
    # WHEN loaded THEN the error points at the duplicate's line and names the first one's
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, text))
    assert str(error.value).splitlines()[1:] == [
        f"{tmp_path / 'warehouse.yml'}:18: brands.1.accounts.2: account x:3 is listed twice (first at line 11)"]


def test_one_connection_for_two_platforms_is_refused_with_the_reason(tmp_path):
    # GIVEN Globex's TikTok account on the X account's connection (Meta's two platforms share one: allowed)
    text = TWO_BRANDS.format(source="simulator", tiktok_connection="x_globex").replace(
        '      - {platform: x, account_id: "3", handle: acme_again, connection_id: x_acme}\n', "")
    # WHEN loaded THEN the TikTok account's connection_id line is named, with why
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, text))
    message = str(error.value)
    assert ":17: brands.1.accounts.1.connection_id: connection x_globex is already x's (first at line 16)" in message
    assert "a refresh token rotated for one would be written over the other's" in message
    assert "meta_acme" not in message


def test_a_real_source_names_every_missing_credential_before_extracting(tmp_path, monkeypatch):
    # GIVEN a real source, a private salt, and credentials for two of the five accounts (one Airflow-less
    # environment variable each)
    monkeypatch.setenv("SMW_PSEUDONYM_SALT", "a-private-salt-for-this-test")
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    text = TWO_BRANDS.format(source="api", tiktok_connection="tiktok_globex").replace(
        '      - {platform: x, account_id: "3", handle: acme_again, connection_id: x_acme}\n', "")
    settings = load_settings(write(tmp_path, text))
    monkeypatch.setenv("SMW_CONN_META_ACME", "page-token")
    for name in ("SMW_CONN_X_ACME", "SMW_CONN_X_GLOBEX", "SMW_CONN_TIKTOK_GLOBEX"):
        monkeypatch.delenv(name, raising=False)

    # WHEN the nightly DAG's first task runs
    with pytest.raises(MissingCredentials) as error:
        pipeline.account_keys(settings)

    # THEN one error names each missing account, its connection and its variable, and nothing was landed
    lines = str(error.value).splitlines()
    assert lines[0] == "3 of 5 accounts have no credential; nothing was extracted:"
    for key, connection in (("x:3", "x_acme"), ("x:4", "x_globex"), ("tiktok:5", "tiktok_globex")):
        assert any(key in line and f"'{connection}'" in line and f"SMW_CONN_{connection.upper()}" in line
                   for line in lines[1:]), key
    assert len(lines) == 4
    assert not (tmp_path / "data" / "landing").exists()
    # AND once they exist, the task lists the accounts
    for name in ("SMW_CONN_X_ACME", "SMW_CONN_X_GLOBEX", "SMW_CONN_TIKTOK_GLOBEX"):
        monkeypatch.setenv(name, '{"client_id": "c", "refresh_token": "r"}')
    assert len(pipeline.account_keys(settings)) == 5


def test_a_rival_is_read_through_an_account_of_the_brand_on_its_platform(tmp_path):
    # GIVEN the demo configuration, one brand naming a rival on Bluesky, where another brand has no account
    settings = load_settings()
    brand = settings.brands[0].model_dump()
    brand["accounts"] = [account for account in brand["accounts"] if account["platform"] != "bluesky"]
    brand["rivals"] = [{"platform": "bluesky", "handle": "rival.bsky.social"}]
    # WHEN validated THEN it is refused with the reason
    with pytest.raises(ValueError, match="rival rival.bsky.social of brand maison_lumiere is on bluesky, where the "
                                         "brand has no account"):
        type(settings.brands[0]).model_validate(brand)
    # AND a rival listed twice (handles compare case-insensitively) is refused; on an owned platform one is accepted
    brand["rivals"] = [{"platform": "instagram", "handle": "Rival"}, {"platform": "instagram", "handle": "rival"}]
    with pytest.raises(ValueError, match="rival .* is listed twice"):
        type(settings.brands[0]).model_validate(brand)
    brand["rivals"] = [{"platform": "instagram", "handle": "rival", "name": "The Rival"}]
    assert type(settings.brands[0]).model_validate(brand).rivals[0].label == "The Rival"
