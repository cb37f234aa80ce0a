"""The salt of the pseudonymized author ids and keys, handed to dbt's DuckDB connections at run time.

dbt renders every Jinja value into the SQL text it compiles, and that text is kept: target/compiled and
target/run, run_results.json and manifest.json, Cosmos's temporary copy of the project, and Airflow's rendered
task fields (shown in the UI). So the salt never goes through Jinja: profiles.yml loads core.dbt_plugin as a
dbt-duckdb plugin, which sets the DuckDB variable `smw_pseudonym_salt` on every connection and cursor dbt
opens, from SMW_PSEUDONYM_SALT; the SQL holds only `getvariable('smw_pseudonym_salt')` (macro pseudonymize).
"""

from __future__ import annotations

import os

SALT_VARIABLE = "SMW_PSEUDONYM_SALT"
DUCKDB_VARIABLE = "smw_pseudonym_salt"
# Public, so its hashes can be re-identified by anyone hashing the public ids: the simulated world only.
DEMO_SALT = "demo-salt-not-secret"


class SaltError(RuntimeError):
    """A real source would run with the public demo salt (or none)."""


def pseudonym_salt() -> str:
    """SMW_PSEUDONYM_SALT, else the public demo salt (fine for the simulated world, refused for a real one)."""
    return os.environ.get(SALT_VARIABLE) or DEMO_SALT


def require_private_salt(source: str) -> None:
    """A real source (`extraction.source: api`) refuses to run with the public demo salt: its hashes of real
    people's public ids could be re-identified by hashing those ids again."""
    if source != "simulator" and pseudonym_salt() == DEMO_SALT:
        raise SaltError(
            f"extraction.source is {source!r} but {SALT_VARIABLE} is not set (or is the public demo salt "
            f"{DEMO_SALT!r}): set {SALT_VARIABLE} to a long random secret (e.g. `openssl rand -hex 32`) in the "
            "environment of the scheduler and workers, and keep it: changing it changes every pseudonym")

