"""The weekly report email: each brand's PDF, once a week, through a real SMTP server (aiosmtpd) and the alerts'
Airflow connection, given as an AIRFLOW_CONN_* variable as the SMTP provider reads it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core import paths
from core.config import Settings
from tests.test_alerts import SMTP_PASSWORD, SmtpServer, email_connection, free_port
from warehouse.alerts import CHAT_CONN_ID, EMAIL_CONN_ID
from warehouse.report_email import deliver_weekly_reports, week_of

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture(autouse=True)
def no_channels(monkeypatch):
    for conn_id in (EMAIL_CONN_ID, CHAT_CONN_ID):
        monkeypatch.delenv(f"AIRFLOW_CONN_{conn_id.upper()}", raising=False)
    monkeypatch.delenv("SMW_REPORT_BASE_URL", raising=False)


def make_settings(tmp_path, monkeypatch, **reports) -> Settings:
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path / "data"))
    account = {"connection_id": "token"}
    return Settings.model_validate({
        "extraction": {"start_date": "2026-10-01"},
        "reports": reports,
        "brands": [
            {"brand_id": "maison_lumiere", "name": "Maison Lumière", "timezone": "Europe/Paris", "accounts": [
                {"platform": "instagram", "account_id": "178", "handle": "maisonlumiere", **account}]},
            {"brand_id": "northwind", "name": "Northwind Outfitters", "timezone": "America/New_York", "accounts": [
                {"platform": "facebook", "account_id": "104", "handle": "northwindoutfitters", **account}]},
        ],
    })


def publish_pdfs(settings: Settings, day: dt.date) -> dict[str, bytes]:
    """Stand-ins for the reports `publish` writes (tests/test_report.py draws real ones)."""
    written = {}
    for brand in settings.brands:
        pdf = paths.brand_report_pdf(paths.reports_dir(settings.data), day, brand.brand_id)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        written[brand.brand_id] = f"%PDF-1.7 {brand.brand_id} {day}".encode()
        pdf.write_bytes(written[brand.brand_id])
    return written


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()}


def test_week_of_is_the_latest_configured_weekday():
    assert week_of(MONDAY, "monday") == MONDAY
    assert week_of(MONDAY + dt.timedelta(days=6), "monday") == MONDAY
    assert week_of(MONDAY, "friday") == dt.date(2026, 11, 20)


def test_each_brand_gets_its_pdf_once_a_week_on_the_weekday(tmp_path, monkeypatch, smtp_server):
    # GIVEN the alerts' email connection, the default weekday (Monday) and the brands' reports of a Monday
    settings = make_settings(tmp_path, monkeypatch)
    email_connection(monkeypatch, smtp_server.port)
    monkeypatch.setenv("SMW_REPORT_BASE_URL", "https://reports.example.com/smw")
    pdfs = publish_pdfs(settings, MONDAY)
    # WHEN the Monday's reports are delivered
    summary = deliver_weekly_reports(settings, MONDAY, "scheduled__2026-11-23")
    # THEN each brand's report went out once, its PDF attached under a name a person can read
    assert summary == {"day": "2026-11-23", "weekday": "monday", "week_of": "2026-11-23", "due": 2, "sent": 2,
                       "failed": 0, "skipped": None}
    assert len(smtp_server.messages) == 2
    by_subject = {message["Subject"]: message for message in smtp_server.messages}
    maison = by_subject["[Shared media] Weekly report: Maison Lumière, 2026-11-23"]
    assert attachments(maison) == {"maison_lumiere-2026-11-23.pdf": pdfs["maison_lumiere"]}
    northwind = by_subject["[Shared media] Weekly report: Northwind Outfitters, 2026-11-23"]
    assert attachments(northwind) == {"northwind-2026-11-23.pdf": pdfs["northwind"]}
    body = maison.get_body(("html",)).get_content()
    assert "https://reports.example.com/smw/2026-11-23/maison_lumiere/index.html" in body
    assert str(tmp_path) not in body and SMTP_PASSWORD not in body
    assert {message["To"] for message in smtp_server.messages} == {"brand-team@example.com, oncall@example.com"}

    # WHEN the Monday runs again, and the days after it run
    assert deliver_weekly_reports(settings, MONDAY, "manual__rerun")["sent"] == 0
    for offset in range(1, 7):
        later = MONDAY + dt.timedelta(days=offset)
        publish_pdfs(settings, later)
        assert deliver_weekly_reports(settings, later, f"scheduled__{later}")["due"] == 0
    # THEN nothing more is sent that week; the next Monday sends again
    assert len(smtp_server.messages) == 2
    next_monday = MONDAY + dt.timedelta(days=7)
    publish_pdfs(settings, next_monday)
    assert deliver_weekly_reports(settings, next_monday, "scheduled__2026-11-30")["sent"] == 2
    ledger = json.loads(paths.reports_ledger(settings.data).read_text())
    assert sorted(ledger["email"]) == ["maison_lumiere|2026-11-23", "maison_lumiere|2026-11-30",
                                       "northwind|2026-11-23", "northwind|2026-11-30"]


def test_a_configured_list_and_weekday_and_a_failed_send_retried_the_next_day(tmp_path, monkeypatch, smtp_server):
    # GIVEN reports sent on Fridays to a list of their own, and a mail server that does not answer on Friday
    settings = make_settings(tmp_path, monkeypatch, weekly_email_weekday="friday",
                             weekly_email_to=["lead@example.com", "agency@example.com"])
    friday = dt.date(2026, 11, 27)
    email_connection(monkeypatch, free_port())
    publish_pdfs(settings, friday)
    assert deliver_weekly_reports(settings, MONDAY, "scheduled__2026-11-23")["due"] == 0  # not a Friday
    failed = deliver_weekly_reports(settings, friday, "scheduled__2026-11-27")
    # THEN both are left for the next days of the week (the first failure stops the rest: the server is down)
    assert (failed["sent"], failed["failed"]) == (0, 2)
    # WHEN the server answers on Saturday
    email_connection(monkeypatch, smtp_server.port)
    saturday = friday + dt.timedelta(days=1)
    pdfs = publish_pdfs(settings, saturday)
    retried = deliver_weekly_reports(settings, saturday, "scheduled__2026-11-28")
    # THEN Saturday's reports go to the configured list, and not again on Sunday
    assert (retried["due"], retried["sent"], retried["week_of"]) == (2, 2, "2026-11-27")
    assert {message["To"] for message in smtp_server.messages} == {"lead@example.com, agency@example.com"}
    assert {name for message in smtp_server.messages for name in attachments(message)} == {
        "maison_lumiere-2026-11-28.pdf", "northwind-2026-11-28.pdf"}
    assert pdfs["northwind"] in {data for message in smtp_server.messages for data in attachments(message).values()}
    publish_pdfs(settings, saturday + dt.timedelta(days=1))
    assert deliver_weekly_reports(settings, saturday + dt.timedelta(days=1), "scheduled__2026-11-29")["due"] == 0


def test_without_a_connection_or_with_the_email_off_nothing_is_sent_and_nothing_fails(tmp_path, monkeypatch):
    settings = make_settings(tmp_path, monkeypatch)
    publish_pdfs(settings, MONDAY)
    skipped = deliver_weekly_reports(settings, MONDAY, "scheduled__2026-11-23")
    assert skipped["sent"] == 0 and "smw_alerts_email" in skipped["skipped"]
    assert not paths.reports_ledger(settings.data).exists()
    off = make_settings(tmp_path, monkeypatch, weekly_email_weekday=None)
    assert deliver_weekly_reports(off, MONDAY, "scheduled__2026-11-23")["skipped"].startswith("no weekly email")
