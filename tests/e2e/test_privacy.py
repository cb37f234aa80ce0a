"""Nobody's identity is published, and the pseudonymization salt is stored nowhere: a week of every network whose
comments the warehouse reads, run through the DAGs with a distinctive salt."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import duckdb
import pytest

from core.config import load_settings
from core.db import connect
from warehouse.__main__ import run_dates, simulated_history
from warehouse.progress import Progress, quiet

pytestmark = pytest.mark.e2e
CONFIG = Path(__file__).with_name("privacy_world.yml")
ROOT = Path(__file__).resolve().parents[2]
SALT = "zq-salt-" + hashlib.sha256(b"tests/e2e/test_privacy.py").hexdigest()[:16]


@pytest.fixture(scope="module")
def private_world(airflow_db, dbt_manifest, tmp_path_factory):
    """Six nights in bulk, then the DAGs for the seventh, with SMW_PSEUDONYM_SALT set; every log line of the run
    goes to a file in the data directory (as `python -m warehouse run` writes it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SMW_CONFIG", str(CONFIG))
        patch.setenv("SMW_DATA_DIR", str(tmp_path_factory.mktemp("private") / "data"))
        patch.delenv("SMW_WAREHOUSE", raising=False)
        patch.setenv("SMW_PSEUDONYM_SALT", SALT)
        settings = load_settings()
        days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(settings.simulator.history_days)]
        log_file = settings.data / "logs" / "privacy-run.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with quiet(log_file) as terminal:
            simulated_history(days[:-1], Progress(terminal))
            assert run_dates(days[-1:], Progress(terminal)) == 0
        yield settings


def identities(settings) -> set[str]:
    """Every author id, handle and name the platforms sent (each staging column named author_*), but the brands'
    own accounts and the configured influencers, which the marts name on purpose."""
    con = connect(settings)  # as dbt's connection, still open in this process (DuckDB refuses another configuration)
    columns = con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'staging'"
                          " and column_name like 'author%' and data_type = 'VARCHAR'").fetchall()
    found: set[str] = set()
    for table, column in columns:
        found |= {row[0] for row in con.execute(
            f'select distinct "{column}" from staging.{table} where "{column}" is not null').fetchall()}
    con.close()
    accounts = {account.account_id.lower() for _, account in settings.accounts()}
    own = accounts | {account.handle.lower() for _, account in settings.accounts()} | {
        brand.name.lower() for brand in settings.brands} | {
        influencer.handle.lower() for brand in settings.brands for influencer in brand.influencers}
    # (a brand's own reply carries its account's id: urn:li:organization:<id>)
    return {value for value in found if value.lower() not in own and not any(id_ in value.lower() for id_ in accounts)}


def leaks(con: duckdb.DuckDBPyConnection, tables: dict[str, str], people: set[str]) -> list[tuple]:
    """(table, column, rows, an identity, a value holding it) for every column any identity appears in."""
    con.execute("create or replace temp table identities (value varchar)")
    con.executemany("insert into identities values (?)", [[person.lower()] for person in people])
    found = []
    for table, relation in tables.items():
        for (column,) in con.execute(f"select column_name from (describe select * from {relation})").fetchall():
            hit = con.execute(
                f'select count(*), any_value(identities.value), any_value(v) from (select distinct lower(cast('
                f'"{column}" as varchar)) as v from {relation}) as published '
                f'inner join identities on contains(published.v, identities.value)').fetchone()
            if hit[0]:
                found.append((table, column, *hit))
    return found


def test_no_published_column_holds_a_commenter_identity(private_world):
    settings = private_world
    # GIVEN every author id, handle and name that the platforms sent (Bluesky DIDs in reply and post URIs too)
    people = identities(settings)
    assert len(people) > 1000 and any(person.startswith("did:plc:") for person in people)
    published = settings.data / "published"
    con = duckdb.connect()
    con.execute(f"attach '{published / 'warehouse.duckdb'}' as published (read_only)")
    marts = [row[0] for row in con.execute("select table_name from duckdb_tables()"
                                           " where database_name = 'published' and schema_name = 'marts'").fetchall()]
    assert "fct_interactions" in marts
    # WHEN every column of every published table is searched for each of them, in the DuckDB file and in the Parquet
    # exports
    in_file = leaks(con, {table: f"published.marts.{table}" for table in marts}, people)
    parquet = {path.parent.name: f"read_parquet('{path}')" for path in (published / "parquet").glob("*/*.parquet")}
    assert set(parquet) == set(marts)
    in_parquet = leaks(con, parquet, people)
    # THEN none is found anywhere
    assert in_file == [] and in_parquet == []
    # AND the Bluesky interactions are there, keyed by pseudonyms that still link a reply to what it answers
    keys = con.execute("select interaction_key, parent_interaction_key from published.marts.fct_interactions "
                       "where platform = 'bluesky'").fetchall()
    con.close()
    assert len(keys) > 100 and all(re.fullmatch(r"bluesky:[0-9a-f]{32}", key) for key, _ in keys)
    parents = {parent for _, parent in keys if parent}
    assert parents and parents <= {key for key, _ in keys}


def test_pseudonyms_are_salted_with_the_environments_salt(private_world):
    # GIVEN a reply by someone else on Bluesky, as the platform sent it (its AT URI names its author's DID)
    con = connect(private_world)
    reply_key, did = con.execute("select reply_key, author_did from staging.stg_bluesky__replies"
                                 " where not is_from_brand order by reply_key limit 1").fetchone()
    # WHEN its key and author are salted and hashed with SMW_PSEUDONYM_SALT
    key = "bluesky:" + hashlib.md5(f"{SALT}{reply_key}".encode()).hexdigest()
    author = hashlib.md5(f"{SALT}bluesky:{did}".encode()).hexdigest()
    # THEN the interactions hold exactly those pseudonyms: the salt reached DuckDB at run time
    found = con.execute("select author_id_hash from intermediate.int_bluesky__interactions where interaction_key = ?",
                        [key]).fetchall()
    con.close()
    assert did in reply_key and found == [(author,)]


def test_the_salt_is_stored_nowhere(private_world):
    # GIVEN a run of both DAGs with a distinctive salt: Airflow stored its rendered task fields (Cosmos's compiled
    # SQL among them) and logs, dbt wrote target/ and the docs, the command line its log file
    places = [private_world.data, ROOT / "dbt_project" / "target", ROOT / "dbt_project" / "logs",
              Path(os.environ["AIRFLOW_HOME"])]
    files = {path for place in places if place.exists() for path in place.rglob("*") if path.is_file()}
    assert any(path.name == "airflow.db" for path in files) and any(path.suffix == ".log" for path in files)
    assert any("compiled" in path.parts for path in files) or any(path.name == "index.html" for path in files)
    # WHEN every byte of them is searched for the salt
    holding = [path for path in files if SALT.encode() in path.read_bytes()]
    # THEN it is in none
    assert holding == []
