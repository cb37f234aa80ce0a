"""GA4 fixtures: recorded runReport answers (one JSON file per page) served in order by an httpx.MockTransport."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest

from core.config import Account
from extractors.base import RunContext
from extractors.ga4 import GA4Client

PAYLOADS = Path(__file__).parent / "payloads"
PROPERTY_ID = "351000101"


class RecordedApi:
    def __init__(self):
        self.answers: list[tuple[int, str, dict]] = []
        self.requests: list[httpx.Request] = []

    def then(self, payload: str, status: int = 200, headers: dict | None = None) -> RecordedApi:
        self.answers.append((status, payload, headers or {}))
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, payload, headers = self.answers.pop(0)
        return httpx.Response(status, content=(PAYLOADS / f"{payload}.json").read_bytes(),
                              headers={"content-type": "application/json", **headers})

    def bodies(self) -> list[dict]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def api() -> RecordedApi:
    return RecordedApi()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(api, sleeps):
    account = Account(platform="ga4", account_id=PROPERTY_ID, handle="maisonlumiere.fr", connection_id="ga4_ml")
    client = GA4Client(account, "ya29.secret-token", transport=httpx.MockTransport(api), sleep=sleeps.append)
    yield client
    client.close()


@pytest.fixture
def context() -> RunContext:
    return RunContext(snapshot_date=dt.date(2026, 11, 21), window_start=dt.date(2026, 10, 25))
