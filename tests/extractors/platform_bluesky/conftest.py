"""Bluesky: the recorded account (Northwind) and the simulated world's other one (Maison Lumière). The shared
fixtures (`api`, `client`, `context`, `sim_settings`) are in ../conftest.py, the replay helper in ../replay_api.py."""

from __future__ import annotations

from replay_api import recorded_accounts

from core.config import Account

USER_ID = "did:plc:z72i7hdynmk6r22z27h6tvur"

account, sibling_account = recorded_accounts(
    Account(platform="bluesky", account_id=USER_ID, handle="northwind.bsky.social", connection_id="bluesky_northwind"),
    Account(platform="bluesky", account_id="did:plc:maisonlumiere0000000000a", handle="maisonlumiere.bsky.social",
            connection_id="bluesky_lumiere"),
)
