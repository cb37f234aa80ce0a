"""Bulk mode: land many nights of simulated history fast, with the very bytes the nightly HTTP extraction lands.

For each account and night, the extractor itself runs (same streams, paging, window and state file, same
landing files and manifest), but its requests are dispatched to the simulator's handlers as function calls:
no WSGI server, no sockets, no HTTP parsing. The world is generated account by account and night by night,
and an account's comments are dropped once its nights are landed, so memory stays bounded at any
`simulator.scale`.

    python -m simulator.bulk [--config warehouse.yml] [--days 90]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import time
from urllib.parse import parse_qs, unquote

import httpx

from simulator.api import Request, SimulatorApp
from simulator.world import World
from warehouse.config import Settings, load_settings

log = logging.getLogger(__name__)


class DirectTransport(httpx.BaseTransport):
    """Hands each request to the simulator's platform handlers in-process, as the WSGI app would see it."""

    def __init__(self, world: World, as_of: dt.datetime):
        self.app = SimulatorApp(world, as_of)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.app.requests += 1
        path = unquote(request.url.path)
        platform, _, rest = path.lstrip("/").partition("/")
        query = {key: values[-1] for key, values in parse_qs(request.url.query.decode("ascii")).items()}
        content = request.read()
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        simulated = Request(
            method=request.method,
            path="/" + rest,
            query=query,
            headers={key.lower(): value for key, value in request.headers.items()},
            base=f"{request.url.scheme}://{request.url.netloc.decode('ascii')}/{platform}",
            body=body,
        )
        response = self.app._dispatch(platform, simulated)
        payload = json.dumps(response.body, ensure_ascii=False).encode()
        headers = [("Content-Type", "application/json; charset=utf-8"), *response.headers.items()]
        return httpx.Response(response.status, headers=headers, content=payload, request=request)


class BulkWorld(World):
    """The world, keeping what depends on the configuration alone across nights and accounts.

    `World.forget_comments` empties the memo after every account and night (bounded memory); that also
    drops others' posts about the brands (`simulator.community.served`), which are the same for every night
    and account: regenerating them for every account and night (all brands, every day of the history) was
    half of the bulk landing's time. They are immutable and hold no comments, so they are kept here for the
    whole run (a few thousand small records per platform and unit of `simulator.scale`)."""

    LASTING = frozenset({"community"})

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self._lasting: dict[tuple, object] = {}

    def memo(self, key: tuple, build):
        if key and key[0] in self.LASTING:
            if key not in self._lasting:
                self._lasting[key] = build()
            return self._lasting[key]
        return super().memo(key, build)


@contextlib.contextmanager
def _fast_redaction():
    """The extractor walks every string of every record to redact tokens. Bulk mode serializes a record once
    and walks it only if the serialized text holds something redaction would change (the token, or an
    `access_token=`): the same records, for a fraction of the time."""
    import extractors.run as run

    original = run._redacted

    def redacted(records, redact):
        for record, parent_id in records:
            text = json.dumps(record, ensure_ascii=False)
            if redact(text) == text:
                yield record, parent_id
            else:
                yield run._redact_strings(record, redact), parent_id

    run._redacted = redacted
    try:
        yield
    finally:
        run._redacted = original


def land_history(settings: Settings, days: list[dt.date], run_id: str = "bulk") -> dict:
    """Land every account of the configuration for every night in `days`; return a summary."""
    with _fast_redaction():
        return _land_history(settings, days, run_id)


def _land_history(settings: Settings, days: list[dt.date], run_id: str) -> dict:
    from extractors.run import extract_account

    started = time.perf_counter()
    world = BulkWorld(settings)
    nights = sorted(set(days))
    summary: dict = {"nights": len(nights), "accounts": {}, "rows": 0, "files": 0}
    for _, account in settings.accounts():
        rows = files = 0
        for day in nights:
            manifest = extract_account(settings, account.key, day, run_id,
                                       transport=DirectTransport(world, world.now(day)), sleep=lambda _: None)
            rows += sum(info["rows"] for info in manifest["streams"].values())
            files += len(manifest["streams"])
            # Nothing published two months before the night is read again: its comments can go.
            world.forget_comments(account.key, world.now(day) - dt.timedelta(days=60))
        world.forget_account(account.key)
        summary["accounts"][account.key] = {"rows": rows, "files": files}
        summary["rows"] += rows
        summary["files"] += files
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None)
    parser.add_argument("--days", type=int, default=None, help="nights from the start date (default: history)")
    parser.add_argument("--scale", type=float, default=None, help="override simulator.scale")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    if args.scale is not None:
        scaled = settings.simulator.model_copy(update={"scale": args.scale})
        settings = settings.model_copy(update={"simulator": scaled})
    count = args.days or settings.simulator.history_days
    start = settings.extraction.start_date
    summary = land_history(settings, [start + dt.timedelta(days=offset) for offset in range(count)])
    print(json.dumps({key: value for key, value in summary.items() if key != "accounts"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
