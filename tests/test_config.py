"""The configuration file: a valid one loads, a wrong one names the field and the line."""

from __future__ import annotations

import textwrap

import pytest

from core.config import ConfigError, load_settings

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
                     "listed twice", id="duplicate-account"),
    ],
)
def test_a_wrong_file_names_the_field_and_its_line(tmp_path, broken, expected):
    # GIVEN a configuration with one mistake WHEN it is loaded THEN the error says where
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, broken))
    assert expected in str(error.value)
