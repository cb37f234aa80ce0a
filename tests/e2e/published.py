"""A simulated world published by the nightly DAGs, for the end-to-end modules (a plain module, not conftest.py:
a test module may import it without running a conftest's set-up twice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.config import load_settings
from warehouse.__main__ import run_dates, simulated_history


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
