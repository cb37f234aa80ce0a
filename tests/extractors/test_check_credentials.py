"""`python -m warehouse check-credentials`, run as an operator runs it: on the demo's simulated world, and on a
real source pointed at the simulated APIs served over HTTP (`python -m warehouse sandbox`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from airflow.models.connection import Connection
from airflow.utils.session import create_session
from replay_api import simulated_connection

from core.config import load_settings
from core.paths import PROJECT_ROOT
from core.secrets import env_name

DAY = "2026-10-20"


def command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "warehouse", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def clean_env(tmp_path: Path) -> dict[str, str]:
    """The caller's environment without any SMW_CONN_* (the tests set their own), data under tmp_path."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SMW_CONN_")}
    env.update(SMW_DATA_DIR=str(tmp_path / "data"), AIRFLOW_HOME=str(tmp_path / "airflow"))
    return env


def test_the_demo_configuration_checks_out(tmp_path):
    # GIVEN the shipped warehouse.yml (simulated source: each connection's credential is made up in the
    # simulator's formats)
    # WHEN the operator runs the check
    done = command("check-credentials", "--date", DAY, env=clean_env(tmp_path))
    # THEN every account is OK, with its kind of credential and what it obtained, and the exit status is 0
    accounts = load_settings().accounts()
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert sum(line.startswith("OK   ") for line in lines) == len(accounts)
    assert lines[-1] == f"{len(accounts)} of {len(accounts)} credentials give a token the platform accepts"
    assert any(line.startswith("OK   bluesky") and "app password" in line for line in lines)
    assert sum("obtained an access token" in line for line in lines) == sum(
        account.platform in {"x", "tiktok", "youtube", "ga4", "bluesky"} for _, account in accounts)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sandbox(tmp_path):
    """The simulated APIs on a local port, as `python -m warehouse sandbox` serves them."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "warehouse", "sandbox", "--port", str(port), "--date", DAY],
                              cwd=PROJECT_ROOT, env=clean_env(tmp_path), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_real_source_is_checked_over_http_and_every_problem_named(tmp_path, sandbox):
    # GIVEN the demo's accounts as a real source, each pointed at the sandbox (`base_url`), every connection in
    # its SMW_CONN_* variable but Northwind's TikTok (missing), and Northwind's X holding a refresh token X
    # no longer knows
    text = (PROJECT_ROOT / "warehouse.yml").read_text().replace("source: simulator", "source: api")
    settings = load_settings(PROJECT_ROOT / "warehouse.yml")
    env = clean_env(tmp_path)
    for _, account in settings.accounts():
        text = text.replace(f"connection_id: {account.connection_id}}}",
                            f"connection_id: {account.connection_id}, base_url: '{sandbox}/{account.platform}'}}")
        env[env_name(account.connection_id)] = simulated_connection(account)
    del env["SMW_CONN_TIKTOK_NORTHWIND"]
    env["SMW_CONN_X_NORTHWIND"] = json.dumps({"client_id": "app", "refresh_token": "revoked-long-ago"})
    config = tmp_path / "warehouse.yml"
    config.write_text(text)
    env["SMW_CONFIG"] = str(config)

    # WHEN the operator runs the check
    done = command("check-credentials", env=env)

    # THEN the two problems are named, with what to do, the others are OK, and the exit status is 1
    lines = done.stdout.splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    failed = [line for line in lines if line.startswith("FAIL")]
    assert [line.split()[1] for line in failed] == ["x", "tiktok"]
    text_of = {line.split()[1]: lines[lines.index(line) + 1] for line in failed}
    assert "refused the refresh token: HTTP 400 invalid_request" in text_of["x"]
    assert "offline.access" in text_of["x"] and "SMW_CONN_X_NORTHWIND" in text_of["x"]
    assert "no credential" in text_of["tiktok"] and "SMW_CONN_TIKTOK_NORTHWIND" in text_of["tiktok"]
    assert sum(line.startswith("OK   ") for line in lines) == len(settings.accounts()) - 2
    assert lines[-1].endswith("fix: x_northwind, tiktok_northwind")
    assert "revoked-long-ago" not in done.stdout + done.stderr


def airflow(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "airflow"), *args], env=env, capture_output=True,
                          text=True, timeout=120)


def drop_connection(connection_id: str) -> None:
    """Delete the connection in-process (the CLI costs seconds a call; nothing is decrypted)."""
    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id == connection_id).delete()


def test_a_rotated_refresh_token_is_written_back_into_its_airflow_connection(airflow_db, tmp_path):
    # GIVEN Northwind's X credential in an Airflow connection of the metadata database (the others unset: the
    # simulated source makes them up), added as an operator adds it
    env = {key: value for key, value in os.environ.items() if not key.startswith("SMW_CONN_")}
    env["SMW_DATA_DIR"] = str(tmp_path / "data")
    configured = "simulated-refresh.x.1580000000000000202"
    drop_connection("x_northwind")
    added = airflow("connections", "add", "x_northwind", "--conn-type", "generic", "--conn-login", "simulated-client",
                    "--conn-password", configured, env=env)
    assert added.returncode == 0, added.stderr
    try:
        # WHEN the check runs (X hands a new refresh token at the refresh, and the old one stops working)
        done = command("check-credentials", "--date", DAY, env=env)
        stored = airflow("connections", "get", "x_northwind", "-o", "json", env=env)
    finally:
        drop_connection("x_northwind")

    # THEN the credential was read from the connection, and the rotated token written back into it and the store
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if "(x:1580000000000000202)" in line)
    assert line.startswith("OK") and "refresh token from Airflow connection 'x_northwind'" in line
    password = json.loads(stored.stdout)[0]["password"]
    kept = json.loads((tmp_path / "data" / "state" / "tokens" / "x_northwind.json").read_text())["refresh_token"]
    assert password == kept != configured and kept.startswith("sim-refresh.x.1580000000000000202.")
