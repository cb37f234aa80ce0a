"""Alerts that reach people: new crisis and reach-drop alerts, and failed tasks, by email and chat.

Channels are Airflow connections, none of them required; a channel whose connection does not exist is skipped:

    smw_alerts_email   conn type smtp: host, port, login, password; extra {"to": "a@x, b@y", "from_email": "..."}
                       and the SMTP provider's own extras (disable_ssl, disable_tls, timeout, retry_limit, ...)
    smw_alerts_chat    conn type apprise: extra {"config": {"path": "<Apprise URL>"}} or a list of such
                       (slack://, msteams://, discord://, json:// webhooks, ...)

Messages go out through the providers' notifiers (SmtpNotifier, AppriseNotifier), which read the connections
the way every Airflow hook does: the metadata database, AIRFLOW_CONN_* variables or a secrets backend.

- `deliver_new_alerts(settings, day, run_id)`: a task after `publish`; sends each alert episode of
  `marts.rpt_alerts` once per channel, remembering what went out in `core.paths.alerts_ledger`.
  A pinned API version past its sunset (`extractors.versions`) is sent once per channel too.
- `failure_notifier()`: an `on_failure_callback` naming the task, the date, the run and the error.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import apprise
import duckdb
from airflow.providers.apprise.hooks.apprise import AppriseHook
from airflow.providers.apprise.notifications.apprise import AppriseNotifier
from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from airflow.sdk import BaseHook, BaseNotifier
from airflow.sdk.exceptions import AirflowNotFoundException
from apprise import NotifyFormat, NotifyType

from core import paths
from core.config import Settings
from core.db import connect
from extractors.versions import SunsetNotice, sunset_notices

if TYPE_CHECKING:
    from airflow.sdk import Context

log = logging.getLogger(__name__)

EMAIL_CONN_ID = "smw_alerts_email"
CHAT_CONN_ID = "smw_alerts_chat"
REPORT_BASE_URL_ENV = "SMW_REPORT_BASE_URL"

ALERT_NAMES = {
    "negative_spike": "negative spike (possible crisis)",
    "reach_drop": "organic reach drop (possible algorithm change)",
    "schema_drift": "schema drift (a platform changed what its API sends)",
}
PLATFORM_NAMES = {"x": "X", "linkedin": "LinkedIn", "youtube": "YouTube", "tiktok": "TikTok", "ga4": "GA4"}


class AlertDeliveryError(RuntimeError):
    """A channel did not take a message."""


# ---------------------------------------------------------------------------------------------- channels


@dataclass(frozen=True)
class Channel:
    name: str  # "email" or "chat": the key in the ledger and in the summary
    conn_id: str
    to: str | None = None  # email only: the recipients, comma-separated
    from_email: str | None = None


@dataclass(frozen=True)
class Message:
    title: str
    lines: list[str]
    files: tuple[str, ...] = ()  # attachments, by the email channel only (the weekly report's PDF)

    def text(self) -> str:
        return "\n".join(self.lines)

    def html(self) -> str:
        # The SMTP provider sends HTML; escape everything, since handles and error texts are not ours.
        return "<p>" + "<br>\n".join(html.escape(line) for line in self.lines) + "</p>"


def configured_channels() -> tuple[list[Channel], list[str]]:
    """The channels whose connection exists, and the names of those skipped (logged once, at INFO).
    Only the connections' existence and the recipients are read here; the providers read the rest."""
    channels: list[Channel] = []
    skipped: list[str] = []
    for name, conn_id in (("email", EMAIL_CONN_ID), ("chat", CHAT_CONN_ID)):
        try:
            extra = BaseHook.get_connection(conn_id).extra_dejson
        except AirflowNotFoundException:
            log.info("alerts: no Airflow connection %r, the %s channel is skipped", conn_id, name)
            skipped.append(name)
            continue
        if name == "email" and not extra.get("to"):
            log.warning("alerts: connection %r has no \"to\" in its extra, the email channel is skipped", conn_id)
            skipped.append(name)
            continue
        channels.append(Channel(name, conn_id, to=extra.get("to"), from_email=extra.get("from_email")))
    return channels, skipped


class _CheckedAppriseHook(AppriseHook):
    """The provider's hook and connection format, except that a delivery Apprise reports as failed raises.
    The provider's notify() drops Apprise's result: an alert recorded as sent that never arrived would never
    be retried."""

    def notify(self, body: str, title: str | None = None, notify_type: NotifyType = NotifyType.INFO,
               body_format: NotifyFormat = NotifyFormat.TEXT, tag: str | Iterable[str] = "all", attach=None,
               interpret_escapes: bool | None = None, config=None) -> None:
        services = apprise.Apprise()
        if config:
            services.add(config)
        else:
            self.set_config_from_conn(conn=self.get_connection(self.apprise_conn_id), apprise_obj=services)
        with services.notify(body=body, title=title or "", notify_type=notify_type, body_format=body_format,
                             tag=tag, attach=attach, interpret_escapes=interpret_escapes) as result:
            if not result:
                # Not the URLs: they carry the webhooks' tokens.
                raise AlertDeliveryError(f"Apprise did not deliver through {self.apprise_conn_id!r}: "
                                         f"{result.status.name}, {result.failed_count} of {len(result)} "
                                         "service(s) failed (none matched if 0: check the connection's config)")


class _CheckedAppriseNotifier(AppriseNotifier):
    @cached_property
    def hook(self) -> AppriseHook:
        return _CheckedAppriseHook(apprise_conn_id=self.apprise_conn_id)


def send(channel: Channel, message: Message, context: Mapping[str, Any] | None = None,
         notify_type: NotifyType = NotifyType.WARNING) -> None:
    """Send one message through the channel's provider notifier; raises when it did not go."""
    if channel.name == "email":
        notifier: BaseNotifier = SmtpNotifier(to=channel.to or "", from_email=channel.from_email,
                                              subject=message.title, html_content=message.html(),
                                              files=list(message.files) or None, smtp_conn_id=channel.conn_id)
    else:
        notifier = _CheckedAppriseNotifier(body=message.text(), title=message.title, notify_type=notify_type,
                                           apprise_conn_id=channel.conn_id)
    # notify(), not notifier(context): calling a notifier renders its fields as Jinja templates first, and a
    # "{{" in an error text or a handle would break the message or be evaluated.
    notifier.notify(cast("Context", dict(context or {})))


# ------------------------------------------------------------------------------------------------ ledger


def read_ledger(path: Path) -> dict[str, dict[str, dict]]:
    """What was sent: {channel: {episode key: {alert_type, account_key, first_day, last_day, sent_at, run_id}}}."""
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        # Starting afresh would resend every alert of the lookback window: let a person decide.
        raise ValueError(f"{path} is not a valid alerts ledger ({error}); repair it, or delete it to resend "
                         "the alerts of the lookback window") from None


def write_ledger(path: Path, ledger: dict) -> None:
    """Atomically: write aside, then rename over, so that a crash never leaves half a ledger."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with aside.open("w", encoding="utf-8") as handle:
        json.dump(ledger, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)


# ---------------------------------------------------------------------------------------------- episodes


@dataclass
class Episode:
    """Consecutive days of one alert type on one account: one message, however many nights it stays true."""
    rows: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.rows[0]["alert_key"]  # rpt_alerts' alert_type|account_key|date_day of the first day

    @property
    def first_day(self) -> dt.date:
        return self.rows[0]["date_day"]

    @property
    def last_day(self) -> dt.date:
        return self.rows[-1]["date_day"]

    @property
    def latest(self) -> dict:
        return self.rows[-1]

    def record(self, run_id: str) -> dict:
        return {"alert_type": self.latest["alert_type"], "account_key": self.latest["account_key"],
                "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
                "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": run_id}


ALERTS_SQL = """
select alerts.alert_key, alerts.alert_type, alerts.account_key, alerts.platform, alerts.date_day, alerts.severity,
       alerts.observed_value, alerts.baseline_value, alerts.baseline_stddev, alerts.window_posts,
       alerts.baseline_posts, accounts.brand_name, accounts.handle
from marts.rpt_alerts as alerts
left join marts.dim_accounts as accounts on alerts.account_key = accounts.account_key
where alerts.date_day <= ?
order by alerts.alert_type, alerts.account_key, alerts.date_day
"""


def read_episodes(settings: Settings, day: dt.date, drift_only: bool = False) -> list[Episode]:
    """Every alert episode up to the day (never later ones: re-running an old date sees what it saw then): the
    marts' (rpt_alerts) and the schema drift monitor's, or the latter only."""
    # The same connection configuration as the other tasks: in one process (dag.test) DuckDB shares an open
    # database only between connections configured alike. Nothing is written.
    con = connect(settings)
    try:
        rows = []
        if not drift_only:
            cursor = con.execute(ALERTS_SQL, [day])
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        rows += _drift_rows(con, day)
    finally:
        con.close()
    rows.sort(key=lambda row: (row["alert_type"], row["account_key"], row["date_day"]))
    episodes: list[Episode] = []
    for row in rows:  # ordered by alert type, account and day
        if not episodes or not _continues(episodes[-1], row):
            episodes.append(Episode())
        episodes[-1].rows.append(row)
    return episodes


DRIFT_SQL = """
select platform, stream, field, change, detail, accounts, since, _logical_date as date_day
from raw._schema_drift where _logical_date <= ?
order by platform, stream, field, change, _logical_date
"""


def _drift_rows(con, day: dt.date) -> list[dict]:
    """The schema drift monitor's findings (expectations.drift) as alert rows: one episode per platform, stream,
    field and change, over the consecutive nights it is found."""
    try:
        cursor = con.execute(DRIFT_SQL, [day])
    except duckdb.CatalogException:  # no night checked by the raw suites yet
        return []
    names = [column[0] for column in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        subject = f"{row['platform']}/{row['stream']}/{row['field']}/{row['change']}"
        rows.append({**row, "alert_type": "schema_drift", "account_key": subject,
                     "alert_key": f"schema_drift|{subject}|{row['since']}"})
    return rows


def _continues(episode: Episode, row: Mapping[str, Any]) -> bool:
    same = (episode.latest["alert_type"], episode.latest["account_key"]) == (row["alert_type"], row["account_key"])
    return same and (row["date_day"] - episode.last_day).days == 1


def sent_record(episode: Episode, sent: dict[str, dict]) -> dict | None:
    """The ledger's record of this episode, if it was sent. Each night rebuilds the marts, and re-read days
    can move an episode's edges (a late comment turns the day before into an alert too, or fills the gap
    between two episodes), so any sent episode of the same account and type that overlaps or touches this
    one counts, not only one with the same first day."""
    for record in sent.values():
        if (record["alert_type"], record.get("account_key")) != (episode.latest["alert_type"],
                                                             episode.latest["account_key"]):
            continue
        first, last = dt.date.fromisoformat(record["first_day"]), dt.date.fromisoformat(record["last_day"])
        if first <= episode.last_day + dt.timedelta(days=1) and episode.first_day <= last + dt.timedelta(days=1):
            return record
    return None


# ---------------------------------------------------------------------------------------------- messages


def _account_label(row: Mapping[str, Any]) -> str:
    handle = row.get("handle") or row["account_key"]
    platform = PLATFORM_NAMES.get(row["platform"], str(row["platform"]).capitalize())
    return f"{handle if handle.startswith('@') else '@' + handle} on {platform}"


def _number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _figures(row: Mapping[str, Any]) -> str:
    if row["alert_type"] == "negative_spike":
        return (f"{_number(row['observed_value'], 0)} negative comments, replies and mentions vs a 28-day mean of "
                f"{_number(row['baseline_value'])} (standard deviation {_number(row['baseline_stddev'])}); "
                f"severity {_number(row['severity'])} standard deviations above the mean")
    return (f"median next-day organic reach rate {_percent(row['observed_value'])} ({row['window_posts']} posts "
            f"published in the 7 days before) vs {_percent(row['baseline_value'])} ({row['baseline_posts']} posts "
            f"in the 28 days before those); severity {_number(row['severity'], 2)}: "
            f"{_percent(row['severity'])} lower")


def report_lines(day: dt.date, data: Path) -> list[str]:
    lines = [f"Report: {paths.report_file(data, day)}"]
    base_url = os.environ.get(REPORT_BASE_URL_ENV)
    if base_url:
        relative = paths.report_file(data, day).relative_to(paths.reports_dir(data)).as_posix()
        lines.append(f"Report URL: {base_url.rstrip('/')}/{relative}")
    return lines


DRIFT_CHANGES = {
    "disappeared": "is no longer sent",
    "new_field": "is new",
    "all_null": "holds only nulls",
    "all_zero": "holds only zeros",
    "type_changed": "changed type",
}


def drift_message(episode: Episode, day: dt.date, data: Path) -> Message:
    """A schema drift finding: which platform, stream and field changed, how, since when, for which accounts."""
    row = episode.latest
    platform = PLATFORM_NAMES.get(row["platform"], str(row["platform"]).capitalize())
    what = DRIFT_CHANGES.get(row["change"], row["change"])
    since = min(item["since"] for item in episode.rows)
    return Message(
        title=f"[Shared media] Schema drift: {platform} {row['stream']}, field {row['field']} {what}, since {since}",
        lines=[
            f"Platform: {platform}",
            f"Stream: {row['stream']}",
            f"Field: {row['field']}",
            f"Change: {row['change']} ({what})",
            f"Since: {since}" + (f", still on {episode.last_day}" if episode.last_day > since else ""),
            f"Accounts: {row['accounts']}",
            f"Detail ({episode.last_day}): {row['detail']}",
            f"Data Docs: {paths.validation_dir(data, episode.last_day) / 'data_docs' / 'raw' / 'index.html'}",
            *report_lines(day, data),
        ],
    )


def alert_message(episode: Episode, day: dt.date, data: Path) -> Message:
    row = episode.latest
    if row["alert_type"] == "schema_drift":
        return drift_message(episode, day, data)
    brand = row.get("brand_name") or row["account_key"]
    what = ALERT_NAMES.get(row["alert_type"], row["alert_type"])
    since = (f"{episode.first_day}" if episode.first_day == episode.last_day
             else f"{episode.first_day}, still on {episode.last_day}")
    return Message(
        title=f"[Shared media] {what[0].upper() + what[1:]}: {brand}, {_account_label(row)}, {episode.first_day}",
        lines=[
            f"Brand: {brand}",
            f"Account: {_account_label(row)} ({row['account_key']})",
            f"Alert: {what}",
            f"Day: {since}",
            f"Figures ({episode.last_day}): {_figures(row)}",
            *report_lines(day, data),
        ],
    )


# -------------------------------------------------------------------------------------------- new alerts


def sunset_key(notice: SunsetNotice) -> str:
    return f"api_sunset|{notice.api}|{notice.version}"


def sunset_message(notice: SunsetNotice, day: dt.date, data: Path) -> Message:
    return Message(
        title=f"[Shared media] API version sunset: {notice.version} ({notice.api}) since {notice.sunset}",
        lines=[f"Alert: {notice.message}",
               "Until the pin moves, the platform may refuse the requests (LinkedIn answers 426) or serve another "
               "version whose metrics differ (Meta).", *report_lines(day, data)],
    )


def deliver_new_alerts(settings: Settings, day: dt.date, run_id: str) -> dict:
    """Send each new alert of `marts.rpt_alerts` once, to every configured channel, and return a summary.

    An alert episode (consecutive days of one alert type on one account) is sent once, when first seen, not
    every night it stays true; the ledger (`core.paths.alerts_ledger`) records what each channel was sent,
    so re-running a date or the next night sends nothing again, and a channel that failed is retried on
    the next run. Only episodes with an alert day in the lookback window, the `extraction.lookback_days`
    days ending on `day`, count as new: a first run over a year of history does not send a year of old
    alerts. A failing channel is logged and left for the next run; it never fails the task or stops the
    other channels.
    """
    channels, skipped = configured_channels()
    window_start = day - dt.timedelta(days=settings.extraction.lookback_days - 1)
    episodes = [episode for episode in read_episodes(settings, day) if episode.last_day >= window_start]
    # Only a passed sunset is an alert; one ahead is a warning on the report's pages. Today's date, not the
    # logical date's: the platform stops serving the version on a real day.
    sunsets = [notice for notice in sunset_notices(settings) if notice.passed]
    summary: dict[str, Any] = {"day": day.isoformat(), "considered": len(episodes), "sent": {}, "failed": {},
                               "skipped": skipped, "api_sunsets": [sunset_key(notice) for notice in sunsets]}
    if not channels:
        log.info("alerts: %d alert episode(s) since %s, no channel configured", len(episodes), window_start)
        return summary
    ledger_path = paths.alerts_ledger(settings.data)
    ledger = read_ledger(ledger_path)
    for channel in channels:
        sent = ledger.setdefault(channel.name, {})
        summary["sent"][channel.name], summary["failed"][channel.name] = _deliver(
            channel, episodes, sent, day, run_id, settings.data, lambda: write_ledger(ledger_path, ledger))
        if not summary["failed"][channel.name]:  # a channel that just failed would only time out again
            done, left = _deliver_sunsets(channel, sunsets, sent, day, run_id, settings.data,
                                          lambda: write_ledger(ledger_path, ledger))
            summary["sent"][channel.name] += done
            summary["failed"][channel.name] += left
    write_ledger(ledger_path, ledger)
    log.info("alerts: %s", summary)
    return summary


def deliver_drift_alerts(settings: Settings, day: dt.date, run_id: str) -> dict:
    """Send the new schema drift findings (raw._schema_drift) right after the load, whether or not the night is
    then published: a drift that blocks the gate must still reach people. Same ledger as every alert, so
    `deliver_new_alerts` after the publish does not send them again."""
    channels, skipped = configured_channels()
    window_start = day - dt.timedelta(days=settings.extraction.lookback_days - 1)
    episodes = [episode for episode in read_episodes(settings, day, drift_only=True)
                if episode.last_day >= window_start]
    summary: dict[str, Any] = {"day": day.isoformat(), "considered": len(episodes), "sent": {}, "failed": {},
                               "skipped": skipped}
    if not channels:
        return summary
    ledger_path = paths.alerts_ledger(settings.data)
    ledger = read_ledger(ledger_path)
    for channel in channels:
        summary["sent"][channel.name], summary["failed"][channel.name] = _deliver(
            channel, episodes, ledger.setdefault(channel.name, {}), day, run_id, settings.data,
            lambda: write_ledger(ledger_path, ledger))
    write_ledger(ledger_path, ledger)
    log.info("schema drift alerts: %s", summary)
    return summary


def _deliver(channel: Channel, episodes: list[Episode], sent: dict[str, dict], day: dt.date, run_id: str,
             data: Path, save) -> tuple[int, int]:
    """Send the channel the episodes it has not had; returns (sent, left for the next run)."""
    pending = []
    for episode in episodes:
        record = sent_record(episode, sent)
        if record is None:
            pending.append((episode.key, alert_message(episode, day, data), episode.record(run_id)))
        else:  # follow the episode as it lasts, so that its record still matches when its first day shifts
            record["last_day"] = max(record["last_day"], episode.last_day.isoformat())
    return _send_pending(channel, pending, sent, save)


def _send_pending(channel: Channel, pending: list[tuple[str, Message, dict]], sent: dict[str, dict],
                  save) -> tuple[int, int]:
    """Send each (ledger key, message, ledger record) in turn, recording each as it goes; returns (sent, left for
    the next run)."""
    for done, (key, message, record) in enumerate(pending):
        try:
            send(channel, message)
        except Exception as error:  # any provider or network error: keep the rest for the next run
            # Stop at the first failure: a server that is down would make every further try wait its timeout.
            log.warning("alerts: the %s channel failed (%s: %s); %d alert(s) left for the next run",
                        channel.name, type(error).__name__, error, len(pending) - done)
            return done, len(pending) - done
        sent[key] = record
        save()  # after each message: a crash halfway must not resend those already gone
    return len(pending), 0


def _deliver_sunsets(channel: Channel, notices: list[SunsetNotice], sent: dict[str, dict], day: dt.date,
                     run_id: str, data: Path, save) -> tuple[int, int]:
    """Send each passed sunset the channel has not had, once (the ledger keys it by API and version)."""
    pending = [(sunset_key(notice), sunset_message(notice, day, data),
                {"alert_type": "api_sunset", "api": notice.api, "version": notice.version,
                 "sunset": notice.sunset.isoformat(),
                 "sent_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": run_id})
               for notice in notices if sunset_key(notice) not in sent]
    return _send_pending(channel, pending, sent, save)


# ------------------------------------------------------------------------------------------ task failure


def _exception_text(error: object) -> str:
    if isinstance(error, BaseException):
        return f"{type(error).__name__}: {error}"
    return str(error) if error else "(no exception in the context)"


def _logical_day(context: Mapping[str, Any]) -> dt.date | None:
    when = context.get("logical_date") or getattr(context.get("dag_run"), "run_after", None)
    return when.date() if when is not None else None


def failure_message(context: Mapping[str, Any], validation_results: bool = False) -> Message:
    """What failed, when and why, from the context Airflow hands an on_failure_callback."""
    ti = context.get("ti") or context.get("task_instance")
    dag = context.get("dag")
    dag_id = getattr(dag, "dag_id", None) or getattr(ti, "dag_id", "?")
    task_id = getattr(ti, "task_id", None) or getattr(context.get("task"), "task_id", "?")
    map_index = getattr(ti, "map_index", -1)
    task = f"{task_id}[{map_index}]" if map_index is not None and map_index >= 0 else task_id
    day = _logical_day(context)
    logical_date = context.get("logical_date")
    try_number = getattr(ti, "try_number", None)
    lines = [
        f"DAG: {dag_id}",
        f"Task: {task}" + (f" (try {try_number})" if try_number else ""),
        f"Logical date: {logical_date.isoformat() if logical_date else day}",
        f"Run: {context.get('run_id') or getattr(ti, 'run_id', '?')}",
        f"Error: {_exception_text(context.get('exception'))}",
    ]
    if validation_results and day is not None:
        lines.append(f"Validation results: {paths.validation_dir(paths.data_dir(), day) / 'validation.json'}")
    log_url = getattr(ti, "log_url", None)
    if isinstance(log_url, str):
        lines.append(f"Log: {log_url}")
    return Message(title=f"[Shared media] Task failed: {dag_id}.{task}, {day}", lines=lines)


class TaskFailureNotifier(BaseNotifier):
    """An on_failure_callback that sends the failure to every configured channel; with none, it does nothing.

    Airflow 3 runs a task's callbacks in the task's own process, on the task object parsed from the DAG file
    (the serialized DAG keeps only `has_on_failure_callback`), and calls the notifier with the task's context.
    It holds one flag, so it copies and pickles as operators need.
    """

    def __init__(self, validation_results: bool = False):
        super().__init__()
        self.validation_results = validation_results

    def notify(self, context) -> None:
        channels, _ = configured_channels()
        if not channels:
            return
        message = failure_message(context, self.validation_results)
        for channel in channels:
            try:
                send(channel, message, context, notify_type=NotifyType.FAILURE)
            except Exception as error:  # one channel down must not keep the message from the others
                log.error("alerts: could not send the failure of %s to the %s channel (%s: %s)",
                          message.title, channel.name, type(error).__name__, error)


def failure_notifier(validation_results: bool = False) -> TaskFailureNotifier:
    """For a task's `on_failure_callback`; `validation_results=True` (the quality gate) adds the path of the
    day's Great Expectations results."""
    return TaskFailureNotifier(validation_results=validation_results)
