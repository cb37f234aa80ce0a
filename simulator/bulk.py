"""Bulk mode: land many nights of simulated history fast, with the very bytes the nightly HTTP extraction lands.

For each account and night, the extractor itself runs (same streams, paging, window and state file, same
landing files and manifest), but its requests are dispatched to the simulator's handlers as function calls:
no WSGI server, no sockets, no HTTP parsing. The world is generated account by account and night by night,
and an account's comments are dropped once its nights are landed, so memory stays bounded at any
`simulator.scale`. Accounts are landed in parallel, one worker process per CPU.

    python -m simulator.bulk [--config warehouse.yml] [--days 90] [--workers N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import multiprocessing
import os
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import parse_qs, unquote

import httpx

from core.config import Settings, load_settings
from extractors.run import capture_account, extract_account
from simulator.api import Request, SimulatorApp, parse_body
from simulator.world import World

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
        body, form = parse_body(request.read(), request.headers.get("content-type", ""))
        simulated = Request(
            method=request.method,
            path="/" + rest,
            query=query,
            headers={key.lower(): value for key, value in request.headers.items()},
            base=f"{request.url.scheme}://{request.url.netloc.decode('ascii')}/{platform}",
            body=body,
            form=form,
            quirks=self.app.faults.quirks,
        )
        response = self.app._dispatch(platform, simulated)
        payload = json.dumps(response.body, ensure_ascii=False).encode()
        return httpx.Response(response.status, headers=self.app.headers(response), content=payload, request=request)


class BulkWorld(World):
    """The world, keeping what depends on the configuration alone across nights and accounts.

    `World.forget_comments` empties the memo after every account and night (bounded memory); that also
    drops others' posts about the brands (`simulator.community.served`), which are the same for every night
    and account: regenerating them for every account and night (all brands, every day of the history) was
    half of the bulk landing's time. They are immutable and hold no comments, so they are kept here for the
    whole run (a few thousand small records per platform and unit of `simulator.scale`)."""

    LASTING = frozenset({"community"})
    # A fleet's handlers ask for one brand's others' posts at a time (simulator.community._of_brands): the
    # last few brands are kept across accounts and nights (a worker lands a brand's accounts in a row).
    BRANDS_KEPT = 4

    def __init__(self, settings: Settings, through: dt.date | None = None):
        super().__init__(settings, through)
        self._lasting: dict[tuple, object] = {}
        self._brands: dict[tuple, object] = {}

    def memo(self, key: tuple, build):
        if key and key[0] in self.LASTING:
            if key not in self._lasting:
                self._lasting[key] = build()
            return self._lasting[key]
        if key and key[0] == "community-brand":
            if key not in self._brands:
                if len(self._brands) >= self.BRANDS_KEPT:
                    self._brands.pop(next(iter(self._brands)))
                self._brands[key] = build()
            return self._brands[key]
        return super().memo(key, build)


def land_history(settings: Settings, days: list[dt.date], run_id: str = "bulk", workers: int | None = None,
                 census: bool = False) -> dict:
    """Land every account of the configuration for every night in `days`; return a summary. With `census`,
    it also counts the world as of the last night: posts published, and comments and replies on them (free
    after a first night's backfill, which reads them all; otherwise old posts' comments are generated again).

    Accounts are landed side by side in `workers` processes (default: SMW_BULK_WORKERS, else one per CPU,
    never more than there are accounts): an account's nights depend on the seed, the configuration and its
    own state file only, so each process lands whole accounts, the same bytes as one process would."""
    nights = sorted(set(days))
    accounts = [account.key for _, account in settings.accounts()]
    workers = min(len(accounts), workers or _default_workers())
    started = time.perf_counter()
    if workers <= 1:
        landed = _land_accounts(BulkWorld(settings, through=nights[-1]), accounts, nights, run_id, census)
    else:
        landed = {}
        # Forked (no imports to repeat, no `if __name__ == "__main__"` needed in the caller's script) unless the
        # caller runs other threads, which a fork would copy mid-step: then spawned.
        context = multiprocessing.get_context("fork" if _forkable() else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_land_in_worker, settings, key, nights, run_id, census)
                       for key in _landing_order(accounts, workers)]
            try:
                for future in futures:
                    landed.update(future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    summary: dict = {"nights": len(nights), "accounts": {}, "rows": 0, "files": 0, "workers": workers}
    for key in accounts:
        summary["accounts"][key] = landed[key]
        summary["rows"] += landed[key]["rows"]
        summary["files"] += landed[key]["files"]
        if census:
            for name in ("posts", "comments"):
                summary[name] = summary.get(name, 0) + landed[key][name]
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def _forkable() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _default_workers() -> int:
    configured = os.environ.get("SMW_BULK_WORKERS")
    if configured:
        return max(1, int(configured))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Relative landing time of an account by platform (warehouse.yml, 89 nights): the longest go first, so that
# the last ones to finish are short and the processes end together.
PLATFORM_COST = {"x": 14, "mastodon": 9, "linkedin": 8, "bluesky": 5, "facebook": 3, "instagram": 3,
                 "youtube": 3, "tiktok": 1, "ga4": 1}


def _expected_cost(account_key: str) -> int:
    return PLATFORM_COST.get(account_key.partition(":")[0], 5)


def _landing_order(accounts: list[str], workers: int) -> list[str]:
    """A few accounts: the longest first. Many (a fleet of brands, simulator.fleet): brand by brand, as
    configured, so that a worker lands a brand's accounts one after the other and generates others' posts
    about that brand once, not once per account; the last brand's short accounts even out the end."""
    if len(accounts) > 8 * workers:
        return accounts
    return sorted(accounts, key=_expected_cost, reverse=True)


class BulkLandingError(RuntimeError):
    """An account failed to land in a worker process (its own error, as text: not every error pickles)."""


def _land_accounts(world: BulkWorld, account_keys: list[str], nights: list[dt.date], run_id: str,
                   census: bool = False) -> dict:
    """Land these accounts for these nights, one account after the other."""
    return _land_serially(world, account_keys, nights, run_id, census)


def _land_in_worker(settings: Settings, account_key: str, nights: list[dt.date], run_id: str,
                    census: bool = False) -> dict:
    """One account, in a worker process."""
    try:
        return _land_accounts(_world(settings, nights[-1]), [account_key], nights, run_id, census)
    except Exception as error:
        raise BulkLandingError(f"landing {account_key}: {''.join(traceback.format_exception(error))}") from None


_worlds: dict[tuple[str, dt.date], BulkWorld] = {}


def capture_times(settings: Settings, day: dt.date) -> list[dt.datetime]:
    """The moments of a day (UTC) the intra-day DAG captures stories at, in the simulated history
    (`simulator.story_capture_every_hours`; none when 0)."""
    every = settings.simulator.story_capture_every_hours
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    return [start + dt.timedelta(hours=hour) for hour in range(0, 24, every)] if every else []


def _world(settings: Settings, through: dt.date) -> BulkWorld:
    """A worker process's world for these settings: it lands several accounts, and others' posts about the
    brands are generated once per process, not once per account."""
    key = (settings.model_dump_json(), through)
    if key not in _worlds:
        _worlds.clear()
        _worlds[key] = BulkWorld(settings, through=through)
    return _worlds[key]


def _land_serially(world: BulkWorld, account_keys: list[str], nights: list[dt.date], run_id: str,
                   census: bool = False) -> dict:
    settings = world.settings
    landed = {}
    for key in account_keys:
        started = time.perf_counter()
        rows = files = 0
        for day in nights:
            manifest = extract_account(settings, key, day, run_id,
                                       transport=DirectTransport(world, world.now(day)), sleep=lambda _: None)
            rows += sum(info["rows"] for info in manifest["streams"].values())
            files += len(manifest["streams"])
            for at in capture_times(settings, day):
                captured = capture_account(settings, key, at, run_id, transport=DirectTransport(world, at),
                                           sleep=lambda _: None)
                if captured is None:
                    break  # (a platform without stories)
                rows += sum(info["rows"] for info in captured["streams"].values())
                files += len(captured["streams"])
            if census and day == nights[-1]:
                # (before the comments are dropped: after a first night's backfill, they are all in memory)
                posts = world.posts_as_of(key, world.now(day))
                counted = {"posts": len(posts), "comments": sum(post.visible_count(world.now(day)) for post in posts)}
            # Nothing published two months before the night is read again: its comments can go.
            world.forget_comments(key, world.now(day) - dt.timedelta(days=60))
        # Everything generated for it goes, other accounts' posts too: a GA4 property's sessions come from the
        # posts of its brand's every account, which would otherwise stay for the worker's whole run.
        for generated in [key, *world.generated_accounts()]:
            world.forget_account(generated)
        landed[key] = {"rows": rows, "files": files, "seconds": round(time.perf_counter() - started, 2)}
        if census:
            landed[key].update(counted)
    return landed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=None)
    parser.add_argument("--days", type=int, default=None, help="nights from the start date (default: history)")
    parser.add_argument("--scale", type=float, default=None, help="override simulator.scale")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per CPU)")
    args = parser.parse_args(argv)
    settings = load_settings(args.config)
    if args.scale is not None:
        scaled = settings.simulator.model_copy(update={"scale": args.scale})
        settings = settings.model_copy(update={"simulator": scaled})
    count = args.days or settings.simulator.history_days
    start = settings.extraction.start_date
    summary = land_history(settings, [start + dt.timedelta(days=offset) for offset in range(count)],
                           workers=args.workers)
    print(json.dumps({key: value for key, value in summary.items() if key != "accounts"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
