"""The simulated world's tests: the demo world (90 days) and a small world for byte comparisons."""

from __future__ import annotations

import pytest

from core.config import Settings, load_settings


@pytest.fixture(scope="module")
def demo_settings() -> Settings:
    """The demo world (warehouse.yml): 90 days on all eight networks, whose planted effects (best slot,
    content-type lifts) are tuned to be recoverable by the metric contract's definitions."""
    return load_settings()


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
