"""Shared fixtures for the sentiment tests."""

from pathlib import Path

import pytest

from sentiment import get_scorer

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def default_scorer():
    return get_scorer("default")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR
