"""Test session set-up: an Airflow home and data directory of the session's own, set before Airflow loads."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_SESSION = Path(tempfile.mkdtemp(prefix="smw-tests-"))

# Airflow reads its configuration when first imported: these must be set before any test imports it,
# and never point at a developer's own .airflow/ or data/.
os.environ["AIRFLOW_HOME"] = str(_SESSION / "airflow")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
for name, value in {"AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False", "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
                    "DO_NOT_TRACK": "1", "SCARF_ANALYTICS": "false", "GX_ANALYTICS_ENABLED": "false",
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}.items():
    os.environ.setdefault(name, value)
os.environ["SMW_DATA_DIR"] = str(_SESSION / "data")
os.environ.pop("SMW_WAREHOUSE", None)
os.environ.pop("SMW_CONFIG", None)


def pytest_configure(config: pytest.Config) -> None:
    # (here, not in pyproject.toml's markers: registered with the Spark target's test)
    config.addinivalue_line("markers", "spark: builds every mart on Apache Spark (local mode) and on DuckDB and "
                                       "compares them (minutes); make test-spark")


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """Airflow's metadata database for the session (SQLite), migrated once."""
    home = Path(os.environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True,
                   env=os.environ.copy())
    return home


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """dbt's manifest, which Cosmos renders the transform tasks from (as `make setup` makes it)."""
    manifest = ROOT / "dbt_project" / "target" / "manifest.json"
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--profiles-dir", ".", "--quiet"],
                   cwd=ROOT / "dbt_project", check=True, env=os.environ.copy())
    return manifest


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A data directory (landing, warehouse, published) of the test's own."""
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMW_WAREHOUSE", raising=False)
    return tmp_path / "data"
