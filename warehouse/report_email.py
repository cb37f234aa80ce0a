"""The weekly report email: each brand's PDF report, once a week, through the alerts' email channel.

On the logical date whose weekday is `reports.weekly_email_weekday` (warehouse.yml; default monday, null: never),
the `deliver_reports` task sends every brand's report of that date, as a PDF attachment, to
`reports.weekly_email_to` or else the `to` of the Airflow connection `smw_alerts_email` (warehouse.alerts).
A ledger (`core.paths.reports_ledger`) remembers each brand's week, so a re-run sends nothing twice; a send that
failed is retried on the following days of the same week, with that day's report. Without the connection,
nothing is sent and nothing fails.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from core import paths
from core.config import Brand, Settings
from warehouse.alerts import (
    EMAIL_CONN_ID,
    REPORT_BASE_URL_ENV,
    Channel,
    Message,
    configured_channels,
    read_ledger,
    send,
    write_ledger,
)

log = logging.getLogger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CHANNEL = "email"


def week_of(day: dt.date, weekday: str) -> dt.date:
    """The latest `weekday` on or before `day`: the date that names the week's email."""
    return day - dt.timedelta(days=(day.weekday() - WEEKDAYS.index(weekday)) % 7)


def ledger_key(brand_id: str, week: dt.date) -> str:
    return f"{brand_id}|{week.isoformat()}"


def report_message(brand: Brand, day: dt.date, attachment: Path) -> Message:
    lines = [f"Brand: {brand.name}",
             f"The shared media report of {day}: the last 7 and 28 days against the periods before, trends, best "
             "time to post, top posts, sentiment, response, conversions, campaigns, influencers and hashtags.",
             f"Attached: {attachment.name}"]
    base_url = os.environ.get(REPORT_BASE_URL_ENV)
    if base_url:
        lines.append(f"Online: {base_url.rstrip('/')}/{day.isoformat()}/{brand.brand_id}/index.html")
    return Message(title=f"[Shared media] Weekly report: {brand.name}, {day}", lines=lines, files=(str(attachment),))


def deliver_weekly_reports(settings: Settings, day: dt.date, run_id: str) -> dict[str, Any]:
    """Send the brands' reports of `day` if the week's email is due (see the module), and return a summary."""
    weekday = settings.reports.weekly_email_weekday
    summary: dict[str, Any] = {"day": day.isoformat(), "weekday": weekday, "due": 0, "sent": 0, "failed": 0,
                               "skipped": None}
    if weekday is None:
        summary["skipped"] = "no weekly email (reports.weekly_email_weekday is null)"
        return summary
    week = week_of(day, weekday)
    summary["week_of"] = week.isoformat()
    ledger_path = paths.reports_ledger(settings.data)
    ledger = read_ledger(ledger_path)
    records = ledger.setdefault(CHANNEL, {})
    # Every brand on the weekday itself; on the days after, those whose email failed this week.
    due = [brand for brand in settings.brands
           if (records.get(ledger_key(brand.brand_id, week)) or {}).get("status") == "failed"
           or (day == week and ledger_key(brand.brand_id, week) not in records)]
    summary["due"] = len(due)
    if not due:
        return summary
    channel = _email_channel(settings)
    if channel is None:
        summary["skipped"] = f"no email channel (Airflow connection {EMAIL_CONN_ID!r} with a \"to\")"
        return summary
    reports = paths.reports_dir(settings.data)
    for done, brand in enumerate(due):
        pdf = paths.brand_report_pdf(reports, day, brand.brand_id)
        try:
            if not pdf.exists():
                raise FileNotFoundError(f"no PDF report of {brand.brand_id} for {day}")
            with tempfile.TemporaryDirectory(prefix="smw-report-") as folder:
                # The attachment's name is the file's: name it for the reader, not report.pdf.
                attachment = Path(folder) / f"{brand.brand_id}-{day.isoformat()}.pdf"
                shutil.copyfile(pdf, attachment)
                send(channel, report_message(brand, day, attachment))
        except Exception as error:  # any provider or network error: left for the next days of the week
            left = due[done:] if not isinstance(error, FileNotFoundError) else [brand]
            for unsent in left:
                records[ledger_key(unsent.brand_id, week)] = _record(week, day, run_id, "failed",
                                                                      f"{type(error).__name__}: {error}")
            summary["failed"] += len(left)
            log.warning("weekly reports: %s (%s: %s); retried on the next days of the week",
                        ", ".join(unsent.brand_id for unsent in left), type(error).__name__, error)
            write_ledger(ledger_path, ledger)
            if isinstance(error, FileNotFoundError):
                continue
            # A server that is down would make every further try wait its timeout.
            return summary
        records[ledger_key(brand.brand_id, week)] = _record(week, day, run_id, "sent")
        summary["sent"] += 1
        write_ledger(ledger_path, ledger)  # after each email: a crash halfway must not resend those gone
    log.info("weekly reports: %s", summary)
    return summary


def _email_channel(settings: Settings) -> Channel | None:
    channels, _ = configured_channels()
    email = next((channel for channel in channels if channel.name == CHANNEL), None)
    if email is None:
        return None
    recipients = settings.reports.weekly_email_to
    return Channel(email.name, email.conn_id, to=", ".join(recipients) if recipients else email.to,
                   from_email=email.from_email)


def _record(week: dt.date, day: dt.date, run_id: str, status: str, error: str | None = None) -> dict[str, Any]:
    record = {"status": status, "week_of": week.isoformat(), "report_day": day.isoformat(), "run_id": run_id,
              "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if error:
        record["error"] = error
    return record
