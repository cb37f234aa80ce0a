"""`make demo`, the README's first command, run as a user runs it: the simulated world's history in bulk, then
both nightly DAGs for yesterday, published, on a data directory and an Airflow home of the test's own (make
migrates it). Marked `airflow`: it runs in make test-airflow, which CI runs after make test (three minutes of
make test's budget otherwise)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from core import paths
from core.config import load_settings

# (not imported from tests/conftest.py: importing it again would run its set-up again, a new session directory
# and AIRFLOW_HOME for every test after this module is collected)
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.airflow


def test_make_demo_publishes_yesterday_with_every_configured_account(data_dir, tmp_path):
    # WHEN a user runs the README's first command (the test's own Airflow home and data directory)
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow-home")}
    done = subprocess.run([shutil.which("make") or "make", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800, check=False)
    # THEN it ends well, says what it published and where, and the published warehouse holds every social account
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert "quality gate passed" in done.stdout and "Published the night of" in done.stdout
    settings = load_settings(ROOT / "warehouse.yml")
    published = data_dir / "published" / "warehouse.duckdb"
    con = duckdb.connect(str(published), read_only=True)
    try:
        accounts = {row[0] for row in con.execute("select account_key from marts.dim_accounts").fetchall()}
        night = con.execute("select logical_date from marts._publication").fetchone()
    finally:
        con.close()
    assert accounts == {account.key for _, account in settings.accounts() if account.platform != "ga4"}
    assert night is not None and paths.report_file(data_dir, night[0]).exists()
