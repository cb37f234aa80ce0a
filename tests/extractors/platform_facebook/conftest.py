"""Facebook fixtures: recorded payloads (one JSON file per page) served in order by an httpx.MockTransport."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from extractors.base import RunContext
from extractors.facebook import FacebookClient
from warehouse.config import Account, Brand, Extraction, Settings, Simulator

PAYLOADS = Path(__file__).parent / "payloads"
USER_ID = "104000000000202"


class RecordedApi:
    """Answers requests with queued (status, payload file, headers) in order; keeps every request."""

    def __init__(self):
        self.answers: list[tuple[int, str, dict]] = []
        self.requests: list[httpx.Request] = []

    def then(self, payload: str, status: int = 200, headers: dict | None = None) -> RecordedApi:
        self.answers.append((status, payload, headers or {}))
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, payload, headers = self.answers.pop(0)
        return httpx.Response(
            status,
            content=(PAYLOADS / f"{payload}.json").read_bytes(),
            headers={"content-type": "application/json", **headers},
        )


@pytest.fixture
def api() -> RecordedApi:
    return RecordedApi()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def account() -> Account:
    return Account(
        platform="facebook",
        account_id=USER_ID,
        handle="northwindoutfitters",
        connection_id="facebook_northwind",
    )


@pytest.fixture
def client(api, account, sleeps):
    client = FacebookClient(account, "secret-token", transport=httpx.MockTransport(api), sleep=sleeps.append)
    yield client
    client.close()


@pytest.fixture
def context() -> RunContext:
    return RunContext(snapshot_date=dt.date(2026, 10, 20), window_start=dt.date(2026, 10, 14))


@pytest.fixture
def sim_settings(tmp_path, monkeypatch) -> Settings:
    """Two brands on Facebook in the simulated world, landing under tmp_path."""
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    for connection in ("facebook_lumiere", "facebook_northwind"):
        monkeypatch.setenv(f"SMW_CONN_{connection.upper()}", "simulated-token")
    return Settings(
        extraction=Extraction(start_date=dt.date(2026, 10, 1), lookback_days=7),
        simulator=Simulator(seed=7, history_days=20),
        brands=[
            Brand(
                brand_id="maison_lumiere",
                name="Maison Lumière",
                timezone="Europe/Paris",
                language="fr",
                accounts=[
                    Account(
                        platform="facebook",
                        account_id="104000000000101",
                        handle="maisonlumiere",
                        connection_id="facebook_lumiere",
                    )
                ],
            ),
            Brand(
                brand_id="northwind",
                name="Northwind",
                timezone="America/New_York",
                language="en",
                accounts=[
                    Account(
                        platform="facebook",
                        account_id=USER_ID,
                        handle="northwindoutfitters",
                        connection_id="facebook_northwind",
                    )
                ],
            ),
        ],
    )


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())
