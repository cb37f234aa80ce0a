"""X: the recorded account (Northwind) and the simulated world's other one (Maison Lumière). The shared
fixtures (`api`, `client`, `context`, `sim_settings`) are in ../conftest.py, the replay helper in ../replay_api.py."""

from __future__ import annotations

from replay_api import recorded_accounts

from core.config import Account

USER_ID = "1580000000000000202"

account, sibling_account = recorded_accounts(
    Account(platform="x", account_id=USER_ID, handle="northwind", connection_id="x_northwind"),
    Account(platform="x", account_id="1580000000000000101", handle="maisonlumiere", connection_id="x_lumiere"),
)
