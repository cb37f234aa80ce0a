"""The pseudonymization salt: a real source refuses the public one, and dbt gets it at run time, not as SQL text."""

from __future__ import annotations

import duckdb
import pytest
from dbt.adapters.duckdb.plugins import BasePlugin
from test_config import VALID

from core.pseudonyms import DEMO_SALT, SaltError
from warehouse import pipeline

# the smallest valid configuration, reading the real APIs
API = VALID.replace("  start_date: 2026-10-01\n", "  start_date: 2026-10-01\n  source: api\n")


@pytest.mark.parametrize("salt", [None, "", DEMO_SALT])
def test_a_real_source_refuses_to_run_without_a_private_salt(tmp_path, monkeypatch, salt):
    # GIVEN a configuration reading the real APIs, and no salt (or the public demo one)
    (tmp_path / "warehouse.yml").write_text(API)
    monkeypatch.setenv("SMW_CONFIG", str(tmp_path / "warehouse.yml"))
    if salt is None:
        monkeypatch.delenv("SMW_PSEUDONYM_SALT", raising=False)
    else:
        monkeypatch.setenv("SMW_PSEUDONYM_SALT", salt)
    # WHEN the nightly DAG's first task, or the publishing DAG's, runs THEN it stops with an error that says what to set
    with pytest.raises(SaltError, match="SMW_PSEUDONYM_SALT"):
        pipeline.account_keys()
    with pytest.raises(SaltError, match="openssl rand"):
        pipeline.night_to_publish("2026-10-02", [])


def test_a_real_source_runs_with_a_private_salt_and_the_simulator_with_the_demo_one(tmp_path, monkeypatch):
    (tmp_path / "warehouse.yml").write_text(API)
    monkeypatch.setenv("SMW_CONFIG", str(tmp_path / "warehouse.yml"))
    monkeypatch.setenv("SMW_PSEUDONYM_SALT", "a-private-salt")
    monkeypatch.setenv("SMW_CONN_IG_ACME", "a-token")  # (the first task checks every account's credential too)
    assert pipeline.account_keys() == ["instagram:1"]
    (tmp_path / "warehouse.yml").write_text(API.replace("source: api", "source: simulator"))
    monkeypatch.delenv("SMW_PSEUDONYM_SALT")
    assert pipeline.account_keys() == ["instagram:1"]


def test_the_dbt_plugin_sets_the_salt_on_every_connection_and_cursor(monkeypatch):
    # GIVEN the plugin profiles.yml loads, and a salt in the environment
    monkeypatch.setenv("SMW_PSEUDONYM_SALT", "salt-from-the-environment")
    plugin = BasePlugin.create("core.dbt_plugin")
    con = duckdb.connect()
    cursor = con.cursor()
    # WHEN dbt-duckdb configures its connection and a cursor
    plugin.configure_connection(con)
    plugin.configure_cursor(cursor)
    # THEN both read the salt as a DuckDB variable (the SQL names it only)
    query = "select getvariable('smw_pseudonym_salt')"
    assert con.execute(query).fetchone() == cursor.execute(query).fetchone() == ("salt-from-the-environment",)
