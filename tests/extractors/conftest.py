"""Extractor fixtures: Instagram and Mastodon's recorded accounts, and the platform_* tests' recorded client
and simulated world (each platform_*/conftest.py names its `account` and `sibling_account`). The recorded
answers and their servers are in replay_api.py."""

from __future__ import annotations

import datetime as dt
import sys
import types
from pathlib import Path

import pytest

# The helper module sits next to this file; make it importable whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))

from replay_api import (  # noqa: E402
    INSTAGRAM_TOKEN,
    MASTODON_TOKEN,
    RECORDED_AT,
    RECORDED_CONTEXT,
    QueuedApi,
    RecordedApi,
    instagram_routes,
    mastodon_routes,
    payloads_of,
    simulated_connection,
    simulated_settings,
)

from core.config import Account, Settings  # noqa: E402
from core.secrets import env_name  # noqa: E402
from extractors.base import RunContext  # noqa: E402
from extractors.run import EXTRACTORS  # noqa: E402


@pytest.fixture
def instagram_api() -> RecordedApi:
    return instagram_routes()


@pytest.fixture
def mastodon_api() -> RecordedApi:
    return mastodon_routes()


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for, in order; its `sleep` appends here instead of sleeping."""
    return []


@pytest.fixture
def landing_env(tmp_path, monkeypatch) -> Path:
    """Tokens in the connections' environment variables, landing under a temporary data directory."""
    monkeypatch.setenv("SMW_CONN_INSTAGRAM_MAISON_LUMIERE", INSTAGRAM_TOKEN)
    monkeypatch.setenv("SMW_CONN_MASTODON_MAISON_LUMIERE", MASTODON_TOKEN)
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "landing"


@pytest.fixture
def frozen_clock(monkeypatch) -> dt.datetime:
    """Make the client's 'now' the recordings' Date: X-RateLimit-Reset gives the recorded wait."""
    import extractors.base

    class RecordedNow(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return RECORDED_AT if tz is None else RECORDED_AT.astimezone(tz)

    clock = types.SimpleNamespace(**{name: getattr(dt, name) for name in dir(dt) if not name.startswith("_")})
    clock.datetime = RecordedNow
    monkeypatch.setattr(extractors.base, "dt", clock)
    return RECORDED_AT


# --- platform_*: these need the `account` and `sibling_account` fixtures of the platform's conftest.py --------
@pytest.fixture
def api(account: Account) -> QueuedApi:
    """The recorded platform's answers, queued by each test in the order they are asked for."""
    return QueuedApi(payloads_of(account))


@pytest.fixture
def client(api: QueuedApi, account: Account, sleeps: list[float]):
    client = EXTRACTORS[account.platform].CLIENT(account, "secret-token", transport=api.transport,
                                                sleep=sleeps.append)
    yield client
    client.close()


@pytest.fixture
def context() -> RunContext:
    return RECORDED_CONTEXT


@pytest.fixture
def sim_settings(tmp_path, monkeypatch, account: Account, sibling_account: Account) -> Settings:
    """Two brands on the platform in the simulated world, landing under tmp_path."""
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    for each in (sibling_account, account):
        monkeypatch.setenv(env_name(each.connection_id), simulated_connection(each))
    return simulated_settings(account, sibling_account)
