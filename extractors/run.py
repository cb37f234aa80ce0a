"""Extract one account for one logical date: every stream of its platform, landed with a manifest."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from core import catalog
from core.config import Account, Settings
from core.landing import Prepared, Record, landing_line, write_manifest, write_stream
from core.paths import capture_file, capture_manifest_file, landing_dir, manifest_file, state_file, stream_file
from core.secrets import Credential, TokenStore, credential_for, find_credential, missing_message, simulated_credential
from core.window import window_start
from extractors import bluesky, facebook, ga4, instagram, linkedin, mastodon, threads, tiktok, x, youtube
from extractors.base import (
    IN_PROCESS_HOST,
    AuthError,
    Client,
    ExtractorError,
    Findings,
    QuotaExhausted,
    RunContext,
)
from extractors.versions import notice_for, pinned_api

log = logging.getLogger(__name__)

# Each platform's extractor module: its CLIENT and its STREAMS, named as in core.catalog.
EXTRACTORS = {module.CLIENT.platform: module
              for module in (instagram, mastodon, x, bluesky, ga4, facebook, youtube, linkedin, tiktok, threads)}


# The platforms whose tokens do not expire on their own (a Meta Page token, Mastodon's): nothing to renew.
LONG_LIVED = {"instagram", "facebook", "mastodon"}


class ExtractionIncomplete(ExtractorError):
    """Some streams failed; what they did read is landed and the manifest says which."""


def run_context(settings: Settings, snapshot_date: dt.date, first_run_date: dt.date | None = None) -> RunContext:
    """The posts a night re-reads. The account's first night (and any night up to it) backfills from the
    configured start date; later nights re-read the lookback window (core.window). Both depend only on the
    logical date and the first night, so running a date again reads exactly what it read before."""
    if first_run_date is None or snapshot_date <= first_run_date:
        return RunContext(snapshot_date, settings.extraction.start_date)
    lookback_start = window_start(snapshot_date, settings.extraction.lookback_days)
    return RunContext(snapshot_date, max(settings.extraction.start_date, lookback_start))


def read_state(settings: Settings, platform: str, account_id: str) -> dict:
    path = state_file(settings.data, platform, account_id)
    return json.loads(path.read_text()) if path.exists() else {}


def write_state(settings: Settings, platform: str, account_id: str, snapshot_date: dt.date, manifest: dict) -> None:
    """The cursor of each account and stream: the first night, and each stream's last night and outcome."""
    state = read_state(settings, platform, account_id)
    first = state.get("first_run_date")
    state["first_run_date"] = min(first, snapshot_date.isoformat()) if first else snapshot_date.isoformat()
    streams = state.setdefault("streams", {})
    for name, info in manifest["streams"].items():
        previous = streams.get(name, {}).get("last_date")
        if previous is None or previous <= snapshot_date.isoformat():
            streams[name] = {"last_date": snapshot_date.isoformat(), "status": info["status"], "rows": info["rows"]}
    path = state_file(settings.data, platform, account_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(state, indent=2, sort_keys=True))
    os.replace(partial, path)


def open_client(settings: Settings, account: Account, transport: httpx.BaseTransport | None = None,
                sleep: Callable[[float], None] = time.sleep, credential: Credential | None = None,
                max_attempts: int = 6) -> Client:
    """The account's client, with its credential (core.secrets) and the token store for rotated ones."""
    base_url = None
    if transport is not None and account.base_url is None:
        base_url = f"{IN_PROCESS_HOST}/{account.platform}"
    pinned = pinned_api(settings.extraction, account.platform)
    return EXTRACTORS[account.platform].CLIENT(
        account, credential or credential_for(account, settings.extraction.source), base_url=base_url,
        transport=transport, sleep=sleep, version=pinned[1].version if pinned else None,
        store=TokenStore(settings.data), max_attempts=max_attempts)


def check_credential(settings: Settings, account: Account, transport: httpx.BaseTransport | None = None) -> dict:
    """What `python -m warehouse check-credentials` prints for one account: its credential's kind and where
    it was found, then whether an access token was obtained and the API accepted it (the account's first
    stream read up to its first record), or what is wrong."""
    row = {"account": account.key, "handle": account.handle, "platform": account.platform,
           "connection_id": account.connection_id, "kind": "-", "where": "-", "ok": False}
    found = find_credential(account)
    if found is None and settings.extraction.source != "simulator":
        return {**row, "result": missing_message(account)}
    credential = found or simulated_credential(account)
    row.update(kind=credential.kind, where=credential.where)
    client = open_client(settings, account, transport, lambda _: None, credential, max_attempts=2)
    try:
        obtained = client.check()
        first = EXTRACTORS[account.platform].STREAMS[0]()
        context = RunContext(client.now().date() - dt.timedelta(days=1), client.now().date() - dt.timedelta(days=1))
        next(iter(first.records(client, context, [])), None)
    except ExtractorError as error:
        return {**row, "result": str(error)}
    finally:
        client.close()
    note = ""
    if not client.renewable() and account.platform not in LONG_LIVED:
        note = "; it cannot be renewed from here: replace it before it expires (README, Platforms)"
    return {**row, "ok": True, "result": f"{obtained}; {first.name} read{note}"}


def extract_account(
    settings: Settings,
    account_key: str,
    snapshot_date: dt.date,
    run_id: str,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Land every stream of one account; return its manifest. Raises AuthError at once on a bad token.

    `transport` replaces the network (an in-process API: the simulator, recorded payloads); requests then go
    to http://simulator.local/<platform> unless the account names its own base URL."""
    brand, account = settings.account(account_key)
    module = EXTRACTORS[account.platform]
    if settings.extraction.source == "simulator" and transport is None:
        raise ValueError(f"{account.key}: the simulated source needs the simulator's transport "
                         "(warehouse.pipeline passes it)")
    pinned = pinned_api(settings.extraction, account.platform)
    client = open_client(settings, account, transport, sleep)
    first_run = read_state(settings, account.platform, account.account_id).get("first_run_date")
    context = run_context(settings, snapshot_date, dt.date.fromisoformat(first_run) if first_run else None)
    context.hashtags = tuple(sorted({tag for campaign in brand.campaigns for tag in campaign.hashtags}))
    # a brand's rivals on a platform are read once, through its first account there
    if account == next(own for own in brand.accounts if own.platform == account.platform):
        context.rivals = tuple(rival.handle for rival in brand.rivals if rival.platform == account.platform)
    landing = landing_dir(settings.data)
    started = dt.datetime.now(dt.UTC)
    streams: dict[str, dict] = {}  # each stream's file, rows, checksum and outcome, as the manifest lists them
    manifest: dict[str, object] = {
        "platform": account.platform, "account_id": account.account_id, "account_key": account.key,
        "logical_date": snapshot_date.isoformat(), "window_start": context.window_start.isoformat(),
        "run_id": run_id, "started_at": started.isoformat(), "streams": streams}
    if pinned:
        api_version: dict[str, object] = {"version": pinned[1].version, "sunset": pinned[1].sunset.isoformat()}
        notice = notice_for(*pinned, started.date())
        if notice is not None:
            # A warning in the 30 days before the pinned version's sunset, an alert once it has passed; the
            # pipeline reports and alerts on extractors.versions.sunset_notices once a night.
            (log.error if notice.passed else log.warning)("%s: %s", account.key, notice.message)
            api_version["notice"] = notice.as_dict()
        manifest["api_version"] = api_version
    try:
        _land_streams(client, module.STREAMS, catalog.streams_of(account.platform), context, streams,
                      lambda name: stream_file(landing, account.platform, name, snapshot_date, account.account_id))
    finally:
        _close(client, manifest)
        if streams:
            write_manifest(manifest_file(landing, account.platform, snapshot_date, account.account_id), manifest)
            write_state(settings, account.platform, account.account_id, snapshot_date, manifest)
    failed = [name for name, info in streams.items() if info["status"] == "failed"]
    if failed:
        raise ExtractionIncomplete(f"{account.key}: streams {', '.join(failed)} failed; see the manifest")
    return manifest


def capture_account(
    settings: Settings,
    account_key: str,
    at: dt.datetime,
    run_id: str,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict | None:
    """One intra-day capture of an account: the streams its API serves only while they live (core.catalog,
    intraday: Instagram and Facebook stories), landed under the UTC date of `at` in a folder of their own, with
    a manifest of their own (core.paths.capture_file); the nightly load of that date loads every capture of it.
    None for a platform without such streams. Capturing the same moment again replaces that capture."""
    _, account = settings.account(account_key)
    module = EXTRACTORS[account.platform]
    declared = catalog.streams_of(account.platform, intraday=True)
    if not declared:
        return None
    if settings.extraction.source == "simulator" and transport is None:
        raise ValueError(f"{account.key}: the simulated source needs the simulator's transport")
    at = at.astimezone(dt.UTC).replace(microsecond=0)
    client = open_client(settings, account, transport, sleep)
    landing = landing_dir(settings.data)
    streams: dict[str, dict] = {}
    manifest: dict[str, object] = {
        "platform": account.platform, "account_id": account.account_id, "account_key": account.key,
        "logical_date": at.date().isoformat(), "captured_at": at.isoformat(), "run_id": run_id,
        "started_at": dt.datetime.now(dt.UTC).isoformat(), "streams": streams}
    # The stories live now, whatever the capture's window: the context's dates are the capture's day.
    context = RunContext(at.date(), at.date())
    try:
        _land_streams(client, module.CAPTURE_STREAMS, declared, context, streams,
                      lambda name: capture_file(landing, account.platform, name, at, account.account_id))
    finally:
        _close(client, manifest)
        if streams:
            write_manifest(capture_manifest_file(landing, account.platform, at, account.account_id), manifest)
    failed = [name for name, info in streams.items() if info["status"] == "failed"]
    if failed:
        raise ExtractionIncomplete(f"{account.key}: capture {at.isoformat()}: streams {', '.join(failed)} "
                                   "failed; see the manifest")
    return manifest


def _close(client: Client, manifest: dict) -> None:
    """Closes an extraction's or a capture's client and writes what it cost into its manifest."""
    manifest.update(finished_at=dt.datetime.now(dt.UTC).isoformat(), requests=client.stats.requests,
                    retries=client.stats.retries, waited_seconds=round(client.stats.waited_seconds, 3))
    if client.stats.token_requests:
        manifest.update(token_requests=client.stats.token_requests, token_renewals=client.stats.renewals)
    client.close()


def _land_streams(client: Client, classes, declared: tuple[catalog.Stream, ...], context: RunContext,
                  streams: dict[str, dict], file_for: Callable[[str], Path]) -> None:
    """Read and land each stream in order, a parent's records kept for the streams read under it; each
    stream's file, rows, checksum, outcome and findings go to `streams` (the manifest's entries)."""
    by_name = {item.name: item for item in declared}
    parents_of = {item.parent for item in declared if item.parent}
    kept: dict[str, list[dict]] = {}
    for stream_class in classes:
        stream = stream_class()
        parent = by_name[stream.name].parent
        outcome = {"status": "complete"}
        client.findings = Findings()
        records = stream.records(client, context, kept.get(parent, []) if parent else [])
        if stream.name in parents_of:
            kept[stream.name] = []
            records = _tee(records, kept[stream.name])
        info = write_stream(file_for(stream.name), _guard(_redacted(records, client.redact), outcome))
        findings = client.findings.manifest()
        streams[stream.name] = {**info, **outcome, **findings}
        if outcome["status"] != "complete":
            log.warning("%s %s: %s", client.account.key, stream.name, outcome["error"])
        if findings:
            log.warning("%s %s: %s", client.account.key, stream.name, _summary(findings))


def _tee(records: Iterator[Record], sink: list[dict]) -> Iterator[Record]:
    for record, parent_id in records:
        sink.append(record)
        yield record, parent_id


def _redacted(records: Iterator[Record], redact: Callable[[str], str]) -> Iterator[Record]:
    """Records as received, but for the token: Graph field expansions (a comment's `replies{...}`) carry
    their own `paging.next` link, and those links hold the access token.

    Walking every string of every record is slow, so each record is serialized once, as the line it lands
    as, and walked only if that text holds something redaction would change (the token, or an
    `access_token=`); otherwise the landing writes that very text. (A string that redaction would change
    shows in the line as well: a token holds nothing JSON escapes, and whatever follows `access_token=`
    stays a character the pattern accepts once escaped.)"""
    for record, parent_id in records:
        line = landing_line(record, parent_id)
        if redact(line) == line:
            yield Prepared(record, parent_id, line)
        else:
            yield _redact_strings(record, redact), parent_id


def _redact_strings(value, redact: Callable[[str], str]):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_strings(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_strings(item, redact) for item in value]
    return value


def _summary(findings: dict) -> str:
    """One line of what a stream met without stopping (the manifest holds the details)."""
    parts = []
    for name in ("missing_fields", "skipped"):
        if name in findings:
            parts.append(f"{name.replace('_', ' ')} " + ", ".join(f"{k}: {v}" for k, v in findings[name].items()))
    if "item_error_count" in findings:
        parts.append(f"{findings['item_error_count']} item(s) skipped on their own error")
    if "dropped_metrics" in findings:
        dropped = findings["dropped_metrics"]
        parts.append("dropped metrics " + ", ".join(f"{d['metric']} ({d['scope']})" for d in dropped))
    if "api_error_count" in findings:
        parts.append(f"{findings['api_error_count']} error(s) beside the data")
    if "gaps" in findings:
        parts.append("not read " + ", ".join(f"{g['from']} to {g['to']}" for g in findings["gaps"]))
    return "; ".join(parts)


def _guard(records: Iterator[Record], outcome: dict) -> Iterator[Record]:
    """Keep what a stream read before it stopped; a quota stop is clean, other API errors fail it. An answer of
    an unexpected shape (a field missing where the stream cannot do without it) fails that stream alone: the
    account's later streams still run."""
    try:
        yield from records
    except AuthError:
        raise
    except QuotaExhausted as error:
        outcome.update(status="quota_exhausted", error=str(error))
    except ExtractorError as error:
        outcome.update(status="failed", error=str(error))
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        outcome.update(status="failed", error=f"unexpected answer shape: {type(error).__name__} {error}")
