"""Threads: the recorded profile (Northwind) and the simulated world's other one (Maison Lumière). The shared
fixtures (`api`, `client`, `context`, `sim_settings`) are in ../conftest.py, the replay helper in ../replay_api.py."""

from __future__ import annotations

from replay_api import recorded_accounts

from core.config import Account

account, sibling_account = recorded_accounts(
    Account(platform="threads", account_id="25000000000000202", handle="northwindoutfitters",
            connection_id="threads_northwind"),
    Account(platform="threads", account_id="25000000000000101", handle="maisonlumiere",
            connection_id="threads_maison_lumiere"),
)
