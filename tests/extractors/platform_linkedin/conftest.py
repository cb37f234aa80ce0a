"""LinkedIn: the recorded organization (Northwind) and the simulated world's other one (Maison Lumière). The shared
fixtures (`api`, `client`, `context`, `sim_settings`) are in ../conftest.py, the replay helper in ../replay_api.py."""

from __future__ import annotations

from replay_api import recorded_accounts

from core.config import Account

ORGANIZATION_ID = "81234202"

account, sibling_account = recorded_accounts(
    Account(platform="linkedin", account_id=ORGANIZATION_ID, handle="northwind", connection_id="linkedin_northwind"),
    Account(platform="linkedin", account_id="81234101", handle="maisonlumiere", connection_id="linkedin_lumiere"),
)
