"""What several end-to-end modules share: the 90-day planted-truth world, run once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.published import PublishedWorld, publish_world

GROUND_TRUTH_CONFIG = Path(__file__).with_name("ground_truth_world.yml")


@pytest.fixture(scope="session")
def ground_truth_world(airflow_db, dbt_manifest, tmp_path_factory) -> PublishedWorld:
    """The 90-day planted-truth world: 89 nights landed in bulk, then the nightly DAGs for the 90th."""
    return publish_world(GROUND_TRUTH_CONFIG, tmp_path_factory.mktemp("truth") / "data")
