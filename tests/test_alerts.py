"""Alerts reach people: through a real SMTP server (aiosmtpd) and a real webhook (Apprise's json://), with the
Airflow connections given as AIRFLOW_CONN_* variables, as the providers read them."""

from __future__ import annotations

import copy
import datetime as dt
import email
import email.policy
import json
import logging
import pickle
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pendulum
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core import paths
from core.config import PinnedApi, Settings
from warehouse.alerts import CHAT_CONN_ID, EMAIL_CONN_ID, deliver_new_alerts, failure_notifier

# aiosmtpd's warning about the local test server, which takes a password without TLS
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
DAY = dt.date(2026, 11, 20)
PROBE_DAGS = Path(__file__).with_name("alerts_dag")
SMTP_LOGIN, SMTP_PASSWORD = "warehouse", "s3cret-smtp-password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------------------------------- the servers


class SmtpServer:
    """aiosmtpd on 127.0.0.1, which requires the connection's login and password."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self._authenticate,
                                     auth_required=True, auth_require_tls=False, ready_timeout=5)

    @staticmethod
    def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_LOGIN.encode()
                          and auth_data.password == SMTP_PASSWORD.encode())

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's handler name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def bodies(self) -> list[str]:
        return [f"{message['Subject']}\n{message.get_body(('html', 'plain')).get_content()}"
                for message in self.messages]


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if self.server.status == 200:
            self.server.posts.append(payload)
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebhookHandler)
    server.posts, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def texts(posts: list[dict]) -> list[str]:
    return [f"{post['title']}\n{post['message']}" for post in posts]


def email_connection(monkeypatch, port: int) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{EMAIL_CONN_ID.upper()}", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": port, "login": SMTP_LOGIN, "password": SMTP_PASSWORD,
        # a local server without TLS; a short timeout and no retries keep a closed port quick
        "extra": {"to": "brand-team@example.com, oncall@example.com", "from_email": "warehouse@example.com",
                  "disable_ssl": True, "disable_tls": True, "timeout": 5, "retry_limit": 0},
    }))


def chat_connection(monkeypatch, port: int) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{CHAT_CONN_ID.upper()}", json.dumps({
        "conn_type": "apprise", "extra": {"config": {"path": f"json://127.0.0.1:{port}/alerts"}},
    }))


@pytest.fixture(autouse=True)
def no_channels(monkeypatch):
    for conn_id in (EMAIL_CONN_ID, CHAT_CONN_ID):
        monkeypatch.delenv(f"AIRFLOW_CONN_{conn_id.upper()}", raising=False)
    monkeypatch.delenv("SMW_REPORT_BASE_URL", raising=False)


# ------------------------------------------------------------------------------------------ the warehouse


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SMW_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    settings = Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": 5},
        "brands": [
            {"brand_id": "maison_lumiere", "name": "Maison Lumière", "timezone": "Europe/Paris", "accounts": [
                {"platform": "x", "account_id": "158", "handle": "maisonlumiere", "connection_id": "x_token"},
                {"platform": "instagram", "account_id": "178", "handle": "maisonlumiere",
                 "connection_id": "meta_token"}]},
            {"brand_id": "northwind", "name": "Northwind Outfitters", "timezone": "America/New_York", "accounts": [
                {"platform": "facebook", "account_id": "104", "handle": "northwindoutfitters",
                 "connection_id": "facebook_token"}]},
        ],
    })
    con = duckdb.connect(str(settings.warehouse))
    # The columns of the real marts (dbt_project/models/marts/rpt_alerts.sql, dim_accounts).
    con.execute("""
        create schema marts;
        create table marts.rpt_alerts (alert_key varchar, alert_type varchar, account_key varchar,
            brand_id varchar, platform varchar, date_day date, severity double, observed_value double,
            baseline_value double, baseline_stddev double, window_posts bigint, baseline_posts bigint);
        create table marts.dim_accounts (account_key varchar, brand_id varchar, platform varchar,
            platform_account_id varchar, handle varchar, brand_name varchar, account_timezone varchar,
            brand_language varchar);
    """)
    for brand, acc in settings.accounts():
        con.execute("insert into marts.dim_accounts values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [acc.key, brand.brand_id, acc.platform, acc.account_id, acc.handle, brand.name, brand.timezone,
                     brand.language])
    con.close()
    return settings


def add_spike(settings: Settings, day: dt.date, negatives: float = 41, account_key: str = "x:158") -> None:
    _add(settings, "negative_spike", account_key, "maison_lumiere", day,
         [(negatives - 10.7) / 6.4, negatives, 10.7, 6.4, None, None])


def add_reach_drop(settings: Settings, day: dt.date, account_key: str = "facebook:104") -> None:
    _add(settings, "reach_drop", account_key, "northwind", day, [0.334, 0.147, 0.221, None, 11, 41])


def _add(settings, alert_type, account_key, brand_id, day, figures) -> None:
    con = duckdb.connect(str(settings.warehouse))
    con.execute("insert into marts.rpt_alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [f"{alert_type}|{account_key}|{day}", alert_type, account_key, brand_id,
                 account_key.split(":")[0], day, *figures])
    con.close()


def one_of_each(settings: Settings) -> None:
    """A crisis over the last two days, a reach drop today, and an old crisis outside the lookback window."""
    add_spike(settings, DAY - dt.timedelta(days=1), negatives=33)
    add_spike(settings, DAY, negatives=41)
    add_reach_drop(settings, DAY)
    add_spike(settings, DAY - dt.timedelta(days=60), account_key="instagram:178")


# ----------------------------------------------------------------------------------------------- alerts


def test_each_new_alert_episode_is_sent_once_to_every_channel(settings, smtp_server, webhook, monkeypatch, caplog):
    # GIVEN both channels, a report URL, and two alert episodes in the lookback window and one before it
    email_connection(monkeypatch, smtp_server.port)
    chat_connection(monkeypatch, webhook.server_address[1])
    monkeypatch.setenv("SMW_REPORT_BASE_URL", "https://reports.example.com/smw/")
    one_of_each(settings)
    caplog.set_level(logging.DEBUG)
    # WHEN the night's alerts are delivered
    summary = deliver_new_alerts(settings, DAY, "scheduled__2026-11-20")
    # THEN one message per episode on each channel, naming the account, the brand, the figures and the report
    assert summary == {"day": "2026-11-20", "considered": 2, "sent": {"email": 2, "chat": 2},
                       "failed": {"email": 0, "chat": 0}, "skipped": [], "api_sunsets": []}
    report = str(paths.report_file(settings.data, DAY))
    for bodies in (smtp_server.bodies(), texts(webhook.posts)):
        assert len(bodies) == 2
        spike = next(body for body in bodies if "negative spike" in body.lower())
        drop = next(body for body in bodies if "reach drop" in body.lower())
        for expected in ("Maison Lumière", "@maisonlumiere on X", "Day: 2026-11-19, still on 2026-11-20",
                         "41 negative comments", "28-day mean of 10.7", "standard deviation 6.4", "severity 4.7",
                         report, "https://reports.example.com/smw/2026-11-20/index.html"):
            assert expected in spike
        for expected in ("Northwind Outfitters", "@northwindoutfitters on Facebook", "Day: 2026-11-20",
                         "14.7%", "22.1%", "11 posts", "41 posts", "33.4% lower", report):
            assert expected in drop
        assert not any("instagram" in body.lower() for body in bodies)  # the old crisis
    assert {message["To"] for message in smtp_server.messages} == {"brand-team@example.com, oncall@example.com"}
    assert SMTP_PASSWORD not in caplog.text
    ledger = json.loads(paths.alerts_ledger(settings.data).read_text())
    assert set(ledger["email"]) == set(ledger["chat"]) == {"negative_spike|x:158|2026-11-19",
                                                            "reach_drop|facebook:104|2026-11-20"}

    # WHEN the same night runs again, and the next night the crisis lasts
    again = deliver_new_alerts(settings, DAY, "manual__rerun")
    add_spike(settings, DAY + dt.timedelta(days=1), negatives=52)
    next_night = deliver_new_alerts(settings, DAY + dt.timedelta(days=1), "scheduled__2026-11-21")
    # THEN nothing is sent again
    assert again["sent"] == next_night["sent"] == {"email": 0, "chat": 0}
    assert len(smtp_server.messages) == len(webhook.posts) == 2

    # WHEN the reach drops again after two days without an alert
    later = DAY + dt.timedelta(days=3)
    add_reach_drop(settings, later)
    assert deliver_new_alerts(settings, later, "scheduled__2026-11-23")["sent"] == {"email": 1, "chat": 1}
    # THEN that new episode is sent, with the later day's report
    assert "Day: 2026-11-23" in smtp_server.bodies()[-1] and "Day: 2026-11-23" in texts(webhook.posts)[-1]
    assert str(paths.report_file(settings.data, later)) in texts(webhook.posts)[-1]


def test_with_no_channel_configured_nothing_is_sent_and_nothing_fails(settings, caplog):
    one_of_each(settings)
    caplog.set_level(logging.INFO, logger="warehouse.alerts")
    summary = deliver_new_alerts(settings, DAY, "scheduled__2026-11-20")
    assert summary["sent"] == {} and summary["skipped"] == ["email", "chat"] and summary["considered"] == 2
    assert not paths.alerts_ledger(settings.data).exists()
    skipped = [record for record in caplog.records if "is skipped" in record.getMessage()]
    assert [record.levelno for record in skipped] == [logging.INFO, logging.INFO]


def test_a_closed_smtp_port_does_not_stop_the_chat_and_is_retried_the_next_night(settings, smtp_server, webhook,
                                                                                   monkeypatch):
    # GIVEN an email connection to a port where nothing listens
    email_connection(monkeypatch, free_port())
    chat_connection(monkeypatch, webhook.server_address[1])
    one_of_each(settings)
    first = deliver_new_alerts(settings, DAY, "scheduled__2026-11-20")
    # THEN the chat has its messages and the email's wait for the next run
    assert first["sent"] == {"email": 0, "chat": 2} and first["failed"] == {"email": 2, "chat": 0}
    assert len(webhook.posts) == 2
    # WHEN the next night the mail server answers
    email_connection(monkeypatch, smtp_server.port)
    add_spike(settings, DAY + dt.timedelta(days=1))
    second = deliver_new_alerts(settings, DAY + dt.timedelta(days=1), "scheduled__2026-11-21")
    # THEN the email gets the two it missed, and the chat nothing again
    assert second["sent"] == {"email": 2, "chat": 0}
    assert len(smtp_server.messages) == 2 and len(webhook.posts) == 2


def test_a_webhook_that_refuses_is_retried_the_next_time(settings, webhook, monkeypatch):
    # GIVEN a webhook answering 500: Apprise reports the failure, which the provider's hook alone would drop
    chat_connection(monkeypatch, webhook.server_address[1])
    one_of_each(settings)
    webhook.status = 500
    assert deliver_new_alerts(settings, DAY, "scheduled__2026-11-20")["failed"] == {"chat": 2}
    webhook.status = 200
    assert deliver_new_alerts(settings, DAY, "manual__retry")["sent"] == {"chat": 2}
    assert len(webhook.posts) == 2


def test_a_pinned_api_version_past_its_sunset_is_sent_once_and_one_ahead_is_not(settings, smtp_server, webhook,
                                                                                  monkeypatch):
    # GIVEN both channels, no alert in the marts, and the pinned Graph version (Instagram, Facebook) sunset
    # three days ago by today's clock; LinkedIn's pin is not configured
    email_connection(monkeypatch, smtp_server.port)
    chat_connection(monkeypatch, webhook.server_address[1])
    today = dt.datetime.now(dt.UTC).date()
    extraction = settings.extraction.model_copy(
        update={"graph_api": PinnedApi(version="v19.0", sunset=today - dt.timedelta(days=3))})
    past = settings.model_copy(update={"extraction": extraction})
    # WHEN the night's alerts are delivered, twice
    first = deliver_new_alerts(past, DAY, "scheduled__2026-11-20")
    again = deliver_new_alerts(past, DAY, "manual__rerun")
    # THEN each channel had one message naming the version, the day it ended and what to do; then nothing
    assert first["api_sunsets"] == ["api_sunset|graph_api|v19.0"]
    assert first["sent"] == {"email": 1, "chat": 1} and again["sent"] == {"email": 0, "chat": 0}
    for body in (*smtp_server.bodies(), *texts(webhook.posts)):
        assert "API version sunset" in body and "v19.0" in body
        assert f"was sunset on {today - dt.timedelta(days=3)}" in body and "move the pin" in body
    # WHEN the sunset is 10 days ahead instead: a warning for the report's pages, not an alert
    extraction = settings.extraction.model_copy(
        update={"graph_api": PinnedApi(version="v20.0", sunset=today + dt.timedelta(days=10))})
    ahead = deliver_new_alerts(settings.model_copy(update={"extraction": extraction}), DAY, "scheduled__x")
    assert ahead["api_sunsets"] == [] and ahead["sent"] == {"email": 0, "chat": 0}
    assert len(smtp_server.messages) == len(webhook.posts) == 1


# ------------------------------------------------------------------------------------------ task failure


def test_the_failure_notifier_is_a_plain_copyable_callback_that_does_nothing_without_channels():
    notifier = failure_notifier(validation_results=True)
    assert pickle.loads(pickle.dumps(notifier)).validation_results is True
    assert copy.deepcopy(notifier).validation_results is True
    notifier({"run_id": "manual__x", "exception": RuntimeError("boom")})  # no channel: nothing, no error


def test_a_failing_task_is_notified_with_its_dag_task_date_run_and_error(airflow_db, settings, smtp_server,
                                                                           webhook, monkeypatch):
    # GIVEN both channels, and a DAG whose quality gate fails, with the notifier as its on_failure_callback
    from airflow.dag_processing.dagbag import DagBag

    from tests.alerts_dag.smw_alerts_probe import ERROR

    email_connection(monkeypatch, smtp_server.port)
    chat_connection(monkeypatch, webhook.server_address[1])
    # dag.test() runs a DAG from a bundle: a bundle of its own, so the nightly DAG is not parsed for it
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([{
        "name": "smw-alerts-probe", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(PROBE_DAGS)}}]))
    dag = DagBag(dag_folder=str(PROBE_DAGS)).dags["smw_alerts_probe"]
    # WHEN Airflow runs it, its task in Airflow's task runner
    run = dag.test(logical_date=pendulum.datetime(2026, 11, 20, tz="UTC"))
    # THEN each channel got one message naming the DAG, the task, the date, the run, the error and the results
    assert str(run.state) == "failed"
    validation = str(paths.validation_dir(settings.data, DAY) / "validation.json")
    for bodies in (smtp_server.bodies(), texts(webhook.posts)):
        assert len(bodies) == 1
        for expected in ("smw_alerts_probe", "Task: validate", "2026-11-20", run.run_id, "RuntimeError", ERROR,
                         validation):
            assert expected in bodies[0]

    # WHEN the chat connection is gone and the gate fails again THEN the email still goes, and nothing else fails
    monkeypatch.delenv(f"AIRFLOW_CONN_{CHAT_CONN_ID.upper()}")
    assert str(dag.test(logical_date=pendulum.datetime(2026, 11, 21, tz="UTC")).state) == "failed"
    assert len(smtp_server.messages) == 2 and "2026-11-21" in smtp_server.bodies()[-1]
    assert len(webhook.posts) == 1
