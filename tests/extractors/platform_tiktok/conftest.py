"""TikTok: the recorded user (Northwind) and the simulated world's other one (Maison Lumière). The shared
fixtures (`api`, `client`, `context`, `sim_settings`) are in ../conftest.py, the replay helper in ../replay_api.py."""

from __future__ import annotations

from replay_api import recorded_accounts

from core.config import Account

OPEN_ID = "-000Northwind4lQ2mXaZrT0aBcDeFgH202"

account, sibling_account = recorded_accounts(
    Account(platform="tiktok", account_id=OPEN_ID, handle="northwind", connection_id="tiktok_northwind"),
    Account(platform="tiktok", account_id="-000MaisonLumiere9pK3vYbN1qWeRtY101", handle="maisonlumiere",
            connection_id="tiktok_lumiere"),
)
