"""Tokens come from Airflow connections or the environment, never from files in git."""

from __future__ import annotations

import os

from core.config import Account

SIMULATOR_TOKEN = "simulated-token"


def token_for(account: Account, source: str) -> str:
    """SMW_CONN_<ID> first, then the Airflow connection (password, or `token` in extra)."""
    env_name = f"SMW_CONN_{account.connection_id.upper()}"
    if os.environ.get(env_name):
        return os.environ[env_name]
    try:
        # Imported only when the environment has no token: the CLI, the bulk workers and the tests run
        # without Airflow's task context, and the SDK costs a second to import.
        from airflow.sdk import BaseHook

        connection = BaseHook.get_connection(account.connection_id)
        token = connection.password or connection.extra_dejson.get("token")
        if token:
            return token
    except Exception:  # noqa: BLE001 - no Airflow context, or no such connection: fall through
        pass
    if source == "simulator":
        # A token names its account, as a real one does for the APIs that answer "for this token"
        # (Mastodon's notifications).
        return f"{SIMULATOR_TOKEN}.{account.account_id}"
    raise LookupError(
        f"no token for {account.key}: create the Airflow connection '{account.connection_id}' "
        f"(password = token) or set {env_name}"
    )
