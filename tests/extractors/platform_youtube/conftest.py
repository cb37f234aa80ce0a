"""YouTube: the recorded account (Northwind) and the simulated world's other one (Maison Lumière). The shared
fixtures (`api`, `client`, `context`, `sim_settings`) are in ../conftest.py, the replay helper in ../replay_api.py."""

from __future__ import annotations

from replay_api import recorded_accounts

from core.config import Account

CHANNEL_ID = "UCnorthwind0000000000202"

account, sibling_account = recorded_accounts(
    Account(platform="youtube", account_id=CHANNEL_ID, handle="northwind", connection_id="youtube_northwind"),
    Account(platform="youtube", account_id="UCmaisonlumiere000000101", handle="maisonlumiere",
            connection_id="youtube_lumiere"),
)
