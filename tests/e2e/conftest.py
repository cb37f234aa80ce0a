"""What several end-to-end modules share: the 90-day planted-truth world, run once per session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.config import load_settings
from warehouse.__main__ import run_dates, simulated_history

GROUND_TRUTH_CONFIG = Path(__file__).with_name("ground_truth_world.yml")


@dataclass(frozen=True)
class PublishedWorld:
    config: Path
    data: Path  # SMW_DATA_DIR of the run: the published warehouse and reports are under data/published
    day: dt.date  # the logical date published last

    def environment(self, patch: pytest.MonkeyPatch) -> None:
        """Point the configuration and the data directory at this world (for load_settings and paths)."""
        patch.setenv("SMW_CONFIG", str(self.config))
        patch.setenv("SMW_DATA_DIR", str(self.data))
        patch.delenv("SMW_WAREHOUSE", raising=False)


def publish_world(config: Path, data: Path) -> PublishedWorld:
    """All the world's nights but the last landed in bulk, then the nightly DAGs for the last, which publish the
    marts and the reports. The environment is set only while it runs: the modules using it set it again."""
    with pytest.MonkeyPatch.context() as patch:
        PublishedWorld(config, data, dt.date.min).environment(patch)
        settings = load_settings()
        days = [settings.extraction.start_date + dt.timedelta(days=n) for n in range(settings.simulator.history_days)]
        simulated_history(days[:-1])
        assert run_dates([days[-1]]) == 0
        return PublishedWorld(config, settings.data, days[-1])


@pytest.fixture(scope="session")
def ground_truth_world(airflow_db, dbt_manifest, tmp_path_factory) -> PublishedWorld:
    """The 90-day planted-truth world: 89 nights landed in bulk, then the nightly DAGs for the 90th."""
    return publish_world(GROUND_TRUTH_CONFIG, tmp_path_factory.mktemp("truth") / "data")
