"""The simulated world's tests: the demo world (90 days) and a small world for byte comparisons."""

from __future__ import annotations

import pytest

from warehouse.config import Settings, load_settings


@pytest.fixture(scope="module")
def demo_settings() -> Settings:
    """The demo world on the five networks whose planted effects are tuned to be recoverable at 90 days
    (YouTube, LinkedIn and TikTok accounts are served and extracted, but their slots are not tuned yet)."""
    demo = load_settings()
    tuned = {"instagram", "mastodon", "x", "bluesky", "facebook", "ga4"}
    brands = [brand.model_copy(update={"accounts": [a for a in brand.accounts if a.platform in tuned]})
              for brand in demo.brands]
    return demo.model_copy(update={"brands": brands})


@pytest.fixture(scope="module")
def truth(demo_settings) -> dict:
    from simulator.ground_truth import compute

    return compute(demo_settings)


@pytest.fixture
def small() -> Settings:
    return small_settings()


def small_settings(history_days: int = 10) -> Settings:
    """One brand with every served platform and its GA4 property, over a few days."""
    demo = load_settings()
    brand = demo.brands[1]
    return Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": 5},
        "simulator": {"seed": 7, "history_days": history_days},
        "brands": [brand.model_dump()],
    })
