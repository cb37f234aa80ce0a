"""Test session set-up: an Airflow home and data directory of the session's own, set before Airflow loads."""

from __future__ import annotations

import fcntl
import os
import shutil
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
    """dbt's manifest, which Cosmos renders the transform tasks from (as `make setup` makes it).

    `make test` runs two pytest-xdist workers, each with this session fixture: the lock keeps their parses apart,
    and the manifest is parsed aside and moved into place in one rename, so a DAG being parsed in the other
    worker never reads half a file."""
    target = ROOT / "dbt_project" / "target"
    target.mkdir(exist_ok=True)
    manifest = target / "manifest.json"
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        work = Path(tempfile.mkdtemp(prefix="parse-", dir=target))
        try:
            if (target / "partial_parse.msgpack").exists():
                shutil.copy2(target / "partial_parse.msgpack", work)
            subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--profiles-dir", ".", "--quiet",
                            "--target-path", str(work)], cwd=ROOT / "dbt_project", check=True, env=os.environ.copy())
            os.replace(work / "manifest.json", manifest)
            os.replace(work / "partial_parse.msgpack", target / "partial_parse.msgpack")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return manifest


# Under pytest-xdist (`make test` runs two workers) tests are handed out by group: a module stays on one worker, so
# its module-scoped world is built once, and every test of the session's 90-day planted-truth world (TRUTH) goes
# to one worker, which builds that world once. Groups go out longest first (measured on a clean clone; the rest in
# collection order), so that no 6-minute world starts last while the other worker idles. (xdist's own
# `xdist_group` marks do not work with pytest 9.2: they rename test ids through an attribute pytest no longer
# reads. The groups are told from the test ids here, where the controller can read them.)
TRUTH = ("tests/e2e/test_ground_truth.py::", "tests/e2e/test_report_browser.py::",
         "tests/e2e/test_bench.py::test_each_reference_equals_the_marts_of_the_truth_world")
_LONGEST_FIRST = ["tests/airflow/test_make_airflow.py", "backfill+demo",
                  "truth", "tests/e2e/test_nightly_dag.py", "tests/e2e/test_bench.py", "tests/e2e/test_privacy.py",
                  "tests/e2e/test_threads_end_to_end.py", "tests/test_incremental_items.py",
                  "tests/test_run_lock.py", "tests/e2e/test_failing_account.py"]


# `make test-airflow`'s three tests on two workers: `make airflow`'s (25 min beside the others) alone on one, the
# backfill (8.5 min) and `make demo` (11.5 min) one after the other on the other: 26 min, against 38 in one process.
BACKFILL_AND_DEMO = ("tests/e2e/test_backfill.py::", "tests/e2e/test_demo_command.py::")


def test_group(nodeid: str) -> str:
    """The worker group of a test: "truth" for the planted-truth world's tests, "backfill+demo" for those two,
    else its module's path."""
    if nodeid.startswith(TRUTH):
        return "truth"
    return "backfill+demo" if nodeid.startswith(BACKFILL_AND_DEMO) else nodeid.split("::")[0]


test_group.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    outside = [item.nodeid for item in items
               if "ground_truth_world" in getattr(item, "fixturenames", ()) and test_group(item.nodeid) != "truth"]
    if outside:
        raise pytest.UsageError(f"tests/conftest.py: add to TRUTH, so one worker builds the truth world: {outside}")
    rank = {name: index for index, name in enumerate(_LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(test_group(item.nodeid), len(rank)))


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """xdist's by-file scheduling, with the planted-truth world's modules as one group."""
    from xdist.scheduler import LoadFileScheduling

    class ByWorld(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return test_group(nodeid)

    return ByWorld(config, log)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A data directory (landing, warehouse, published) of the test's own."""
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMW_WAREHOUSE", raising=False)
    return tmp_path / "data"
