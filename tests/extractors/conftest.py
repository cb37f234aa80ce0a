"""Instagram and Mastodon extractor fixtures; the recorded answers and their server are in replay_api.py."""

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
    RecordedApi,
    instagram_routes,
    mastodon_routes,
)


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
