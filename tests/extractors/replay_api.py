"""Recorded API answers served in-process by an httpx.MockTransport: the one replay helper of the extractor tests.

Two ways to serve them, over the same `Reply`:
- `RecordedApi` answers by path and paging parameter (Instagram, Mastodon). Each fixture file under
  fixtures/<platform>/ is one recorded answer. A plain JSON document is a 200 body (the Instagram pages); a
  `{"status", "headers", "body"}` wrapper keeps the answer's status and headers too (Mastodon pages, whose
  paging is in the Link header, and every error answer).
- `QueuedApi` answers in order with payload files of platform_<platform>/payloads/, the test giving each
  one's status and headers (`api.then("page_1").then("too_many", 429, {...})`).

The platform_* tests' fixtures (`api`, `client`, `context`, `sim_settings`) are in conftest.py; a platform's
own conftest only names its recorded account and the simulated world's second one. No test opens a socket
or sleeps: the transport is in-process and `sleep` is a list's append.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from core.config import Account, Brand, Campaign, Extraction, Influencer, Rival, Settings, Simulator
from core.paths import stream_file
from core.secrets import simulated_credential
from extractors.base import RunContext
from extractors.instagram import BusinessDiscovery
from extractors.run import EXTRACTORS, extract_account, run_context, write_state
from publishing.docs import environment  # noqa: F401 - the staging tests' environment, with dbt_run
from simulator.api import Faults, simulator_transport

FIXTURES = Path(__file__).parent / "fixtures"

# The token the recorded Graph `paging.next` links carry, and the one the tests' clients are given: a token
# that leaked anywhere would be found by looking for this exact string.
INSTAGRAM_TOKEN = "EAAJZCzXrecordedFAKEtokenMaisonLumiere0ZDZD"
MASTODON_TOKEN = "mastodonRecordedFakeToken-9hQe2Lw7sKd0pXn4"
INSTAGRAM_ID = "17841400000000101"
MASTODON_ID = "109000000000000101"
INSTAGRAM_KEY = f"instagram:{INSTAGRAM_ID}"
MASTODON_KEY = f"mastodon:{MASTODON_ID}"
GRAPH_HOST = "https://graph.facebook.com"
MASTODON_HOST = "https://mastodon.social"
SNAPSHOT = dt.date(2026, 10, 15)
RECORDED_AT = dt.datetime(2026, 10, 15, 3, 0, tzinfo=dt.UTC)  # the Date header of the recordings
MEDIA_CURSOR_2 = "QVFIUnB6LXJ1ZA2"  # `after` of instagram/media/page_1.json
MEDIA_CURSOR_3 = "QVFIUnRsZAWJ0ZA4"  # `after` of instagram/media/page_2.json
STATUS_MAX_2 = "113300000000000005"  # `max_id` of the next link of mastodon/statuses/page_1.json
STATUS_MAX_3 = "113300000000000002"  # `max_id` of the next link of mastodon/statuses/page_2.json
ABSENT = None  # a query value meaning "this parameter is not in the request"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict
    content: bytes

    def truncated(self) -> Reply:
        """The same answer cut short in transit, as a dropped connection leaves it."""
        return Reply(self.status, self.headers, self.content[: len(self.content) // 2])


def recorded(name: str) -> Reply:
    raw = (FIXTURES / f"{name}.json").read_bytes()
    document = json.loads(raw)
    if isinstance(document, dict) and {"status", "headers", "body"} <= document.keys():
        body = document["body"]
        content = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
        return Reply(document["status"], document["headers"], content)
    return Reply(200, {"Content-Type": "application/json; charset=UTF-8"}, raw)


@dataclass
class Route:
    path: str
    query: dict[str, str | None]
    replies: list[Reply]

    def matches(self, request: httpx.Request) -> bool:
        params = request.url.params
        return request.url.path == self.path and all(
            (name not in params) if value is ABSENT else params.get(name) == value
            for name, value in self.query.items()
        )


class ReplayApi:
    """What both servers share: every request is kept, and the answer is the `Reply` that `answer` picks."""

    requests: list[httpx.Request]

    def answer(self, request: httpx.Request) -> Reply:
        raise NotImplementedError

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.answer(request)
        return httpx.Response(reply.status, headers=reply.headers, content=reply.content, request=request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]


class QueuedApi(ReplayApi):
    """Answers with queued (payload file, status, headers) in order, whatever was asked."""

    def __init__(self, payloads: Path):
        self.payloads = payloads
        self.replies: list[Reply] = []
        self.requests = []

    def then(self, payload: str, status: int = 200, headers: dict | None = None) -> QueuedApi:
        content = (self.payloads / f"{payload}.json").read_bytes()
        self.replies.append(Reply(status, {"content-type": "application/json", **(headers or {})}, content))
        return self

    def answer(self, request: httpx.Request) -> Reply:
        assert self.replies, f"no recorded answer left for {request.url.path}"
        return self.replies.pop(0)


@dataclass
class RecordedApi(ReplayApi):
    """Answers by path and paging parameter; a route's replies are served in order, the last one repeated."""

    host: str
    routes: list[Route] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, path: str, *replies: Reply | str, **query: str | None) -> RecordedApi:
        """Answer requests for `path` (whose query has these values) with these replies, replacing any."""
        self.routes = [route for route in self.routes if (route.path, route.query) != (path, query)]
        self.routes.append(Route(path, query, [recorded(r) if isinstance(r, str) else r for r in replies]))
        return self

    def answer(self, request: httpx.Request) -> Reply:
        assert f"{request.url.scheme}://{request.url.host}" == self.host, request.url.host
        matches = [route for route in self.routes if route.matches(request)]
        # The most specific route wins: one naming a parameter's value (Business Discovery's `fields` on the
        # user's own path) over the path's plain answer.
        most = max((len(route.query) for route in matches), default=0)
        matches = [route for route in matches if len(route.query) == most]
        # Name the path and parameter names only: the query holds the token.
        assert len(matches) == 1, (
            f"{len(matches)} recorded answers for {request.url.path} {sorted(request.url.params)}")
        replies = matches[0].replies
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def requested(self, path: str, **query: str) -> int:
        return sum(Route(path, query, []).matches(request) for request in self.requests)


def instagram_routes() -> RecordedApi:
    """The whole recorded Instagram account: user, insights, follower demographics (one answer per breakdown),
    three media pages, their insights, comments, and the media that tag it (whose window ends inside the first
    page)."""
    api = RecordedApi(GRAPH_HOST)
    base = f"/v23.0/{INSTAGRAM_ID}"
    api.on(base, "instagram/user")
    api.on(f"{base}/insights", "instagram/user_insights", period="day")
    for breakdown in ("age", "gender", "country", "city"):
        api.on(f"{base}/insights", f"instagram/follower_demographics/{breakdown}", period="lifetime",
               breakdown=breakdown)
    api.on(f"{base}/media", "instagram/media/page_1", after=ABSENT)
    api.on(f"{base}/media", "instagram/media/page_2", after=MEDIA_CURSOR_2)
    api.on(f"{base}/media", "instagram/media/page_3", after=MEDIA_CURSOR_3)
    for path in sorted((FIXTURES / "instagram/media_insights").glob("*.json")):
        api.on(f"/v23.0/{path.stem}/insights", f"instagram/media_insights/{path.stem}")
    api.on("/v23.0/18060000000000001/comments", "instagram/comments/18060000000000001/page_1")
    api.on("/v23.0/18060000000000003/comments", "instagram/comments/18060000000000003/page_1", after=ABSENT)
    api.on("/v23.0/18060000000000003/comments", "instagram/comments/18060000000000003/page_2",
           after="QVFIUmMzcDEZA2")
    api.on("/v23.0/18060000000000005/comments", "instagram/comments/18060000000000005/page_1")
    api.on(f"{base}/tags", "instagram/tags/page_1", after=ABSENT)
    # the brand's rival, through Business Discovery: two pages, the second ending before any window
    api.on(base, "instagram/business_discovery/page_1", fields=discovery_fields("atelier_cire"))
    api.on(base, "instagram/business_discovery/page_2", fields=discovery_fields("atelier_cire", "QVFIUmFmdGVyMg"))
    api.on(f"{base}/tags", "instagram/tags/page_2", after="QVFIUlRhZA4")
    return api


def mastodon_routes() -> RecordedApi:
    """The whole recorded Mastodon account: the account, three statuses pages, the replies' contexts and the
    mention notifications (the brand has no campaign: no hashtag timeline is read)."""
    api = RecordedApi(MASTODON_HOST)
    api.on(f"/api/v1/accounts/{MASTODON_ID}", "mastodon/account")
    statuses = f"/api/v1/accounts/{MASTODON_ID}/statuses"
    api.on(statuses, "mastodon/statuses/page_1", max_id=ABSENT)
    api.on(statuses, "mastodon/statuses/page_2", max_id=STATUS_MAX_2)
    api.on(statuses, "mastodon/statuses/page_3", max_id=STATUS_MAX_3)
    for path in sorted((FIXTURES / "mastodon/context").glob("*.json")):
        api.on(f"/api/v1/statuses/{path.stem}/context", f"mastodon/context/{path.stem}")
    api.on("/api/v1/notifications", "mastodon/notifications/page_1")
    api.on("/api/v1/timelines/tag/EclatDautomne", "mastodon/tags/EclatDautomne")
    # the brand's rival, a remote account its instance knows
    api.on("/api/v1/accounts/lookup", "mastodon/rival_account", acct="bougiesdusud@piaille.fr")
    api.on("/api/v1/accounts/110200000000000777/statuses", "mastodon/rival_statuses")
    return api


def discovery_fields(rival: str, after: str | None = None) -> str:
    """The `fields` Business Discovery is asked for one rival's page (extractors.instagram.BusinessDiscovery)."""
    stream = BusinessDiscovery
    media = f"media{f'.after({after})' if after else ''}.limit({stream.PAGE}){{{stream.MEDIA_FIELDS}}}"
    return f"business_discovery.username({rival}){{{stream.FIELDS},{media}}}"


def make_settings(lookback_days: int = 7) -> Settings:
    return Settings.model_validate({
        "extraction": {"start_date": "2026-10-01", "lookback_days": lookback_days, "source": "api"},
        "brands": [{
            "brand_id": "maison_lumiere", "name": "Maison Lumière", "timezone": "Europe/Paris",
            "language": "fr",
            "accounts": [
                {"platform": "instagram", "account_id": INSTAGRAM_ID, "handle": "maisonlumiere",
                 "connection_id": "instagram_maison_lumiere", "base_url": GRAPH_HOST},
                {"platform": "mastodon", "account_id": MASTODON_ID, "handle": "maisonlumiere",
                 "connection_id": "mastodon_maison_lumiere", "base_url": MASTODON_HOST},
            ],
            "campaigns": [{"campaign_id": "rentree_eclat", "hashtags": ["#EclatDautomne"], "start_date": "2026-10-05",
                           "end_date": "2026-10-25", "utm_campaign": "automne_2026"}],
            "rivals": [{"platform": "instagram", "handle": "atelier_cire"},
                       {"platform": "mastodon", "handle": "bougiesdusud@piaille.fr"}],
        }],
    })


def landed(path: str | Path) -> list[dict]:
    """The lines of one gzip NDJSON landing file."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def ids(path: str | Path) -> list[str]:
    return [line["record"]["id"] for line in landed(path)]


def run(key: str, api: RecordedApi, sleeps: list[float], *, lookback_days: int = 7,
        run_id: str = "run-1") -> dict:
    """Extract one recorded account for the recorded night, as the nightly task does on a night after the
    account's first (the first night backfills from the start date instead of the lookback window)."""

    settings = make_settings(lookback_days)
    _, account = settings.account(key)
    write_state(settings, account.platform, account.account_id, SNAPSHOT - dt.timedelta(days=1), {"streams": {}})
    return extract_account(settings, key, SNAPSHOT, run_id, transport=api.transport, sleep=sleeps.append)


def client_for(key: str, api: RecordedApi, sleeps: list[float], **options):
    """The platform's client for one recorded account, over the recorded answers."""
    settings = make_settings()
    _, account = settings.account(key)
    token = INSTAGRAM_TOKEN if account.platform == "instagram" else MASTODON_TOKEN
    return EXTRACTORS[account.platform].CLIENT(account, token, transport=api.transport, sleep=sleeps.append,
                                              **options)


def context_for(lookback_days: int):
    return run_context(make_settings(lookback_days), SNAPSHOT, first_run_date=SNAPSHOT - dt.timedelta(days=1))


# --- the platform_* tests: a recorded account, and a simulated world of two brands --------------------------
PLATFORM_TESTS = Path(__file__).parent
RECORDED_CONTEXT = RunContext(snapshot_date=dt.date(2026, 10, 20), window_start=dt.date(2026, 10, 14))


def payloads_of(account: Account) -> Path:
    return PLATFORM_TESTS / f"platform_{account.platform}" / "payloads"


# A rival for Northwind on each platform that serves rivals' figures (core.config.RIVAL_PLATFORMS)
SIMULATED_RIVALS = {"instagram": "summitgear", "mastodon": "trailhead@outdoors.social",
                    "bluesky": "peakandpine.bsky.social", "x": "summitgear", "youtube": "@summitgear"}


def simulated_settings(account: Account, sibling: Account) -> Settings:
    """Two brands on one platform in the simulated world: Maison Lumière (`sibling`) and Northwind (`account`),
    Northwind with a campaign hashtag and an influencer, so that others' posts about it exist."""
    influencer = "trailtom.bsky.social" if account.platform == "bluesky" else "trailtom"
    return Settings(
        extraction=Extraction(start_date=dt.date(2026, 10, 1), lookback_days=7),
        simulator=Simulator(seed=7, history_days=20),
        brands=[
            Brand(brand_id="maison_lumiere", name="Maison Lumière", timezone="Europe/Paris", language="fr",
                  accounts=[sibling]),
            Brand(brand_id="northwind", name="Northwind", timezone="America/New_York", language="en",
                  accounts=[account],
                  campaigns=[Campaign(campaign_id="trail_season", hashtags=["#NorthwindTrails"],
                                      start_date=dt.date(2026, 10, 5), end_date=dt.date(2026, 10, 25),
                                      utm_campaign="trail_season_2026")],
                  influencers=[Influencer(handle=influencer, platform=account.platform, followers=23000, fee=400)],
                  rivals=[Rival(platform=account.platform, handle=SIMULATED_RIVALS[account.platform])]
                  if account.platform in SIMULATED_RIVALS else []),
        ],
    )


def landed_stream(settings: Settings, key: str, stream: str, day: dt.date) -> list[dict]:
    """The lines one stream of one account landed for `day`."""
    _, account = settings.account(key)
    return landed(stream_file(settings.data / "landing", account.platform, stream, day, account.account_id))


def extract_simulated(settings: Settings, key: str, day: dt.date, run_id: str = "run-1", faults=None,
                      sleep=lambda _: None) -> dict:
    """Extract one account through the in-process simulator, as the nightly task does."""
    return extract_account(settings, key, day, run_id, transport=simulator_transport(settings, day, faults),
                           sleep=sleep)


def check_faults_cost_retries_but_not_rows(settings: Settings, day: dt.date) -> None:
    """GIVEN the simulator answering every 5th request with the platform's rate limit, every 7th with a 503
    and cutting every 11th body in half, WHEN the Northwind account is extracted through it, THEN every
    stream completes with the rows of a clean run, after retries."""
    key = next(account.key for _, account in settings.accounts() if account.handle.startswith("northwind"))
    clean = extract_simulated(settings, key, day, "clean")
    waits: list[float] = []
    faults = Faults(rate_limit_every=5, server_error_every=7, truncate_every=11)
    faulty = extract_simulated(settings, key, day, "faulty", faults, waits.append)
    assert {name: info["rows"] for name, info in faulty["streams"].items()} == {
        name: info["rows"] for name, info in clean["streams"].items()
    }
    assert all(info["status"] == "complete" for info in faulty["streams"].values())
    assert faulty["retries"] > 0 and len(waits) == faulty["retries"]


def recorded_accounts(account: Account, sibling: Account):
    """A platform conftest's two fixtures: `account` (Northwind's, recorded under payloads/) and
    `sibling_account` (Maison Lumière's, the simulated world's other brand)."""
    import pytest

    return (pytest.fixture(name="account")(lambda: account),
            pytest.fixture(name="sibling_account")(lambda: sibling))


def simulated_connection(account: Account) -> str:
    """What an operator stores in the account's connection (an app password, a refresh token and its app's
    client...), in the simulator's formats, as SMW_CONN_<ID> holds it: the client obtains its access tokens
    from the simulated token endpoints."""
    return json.dumps(dict(simulated_credential(account).fields))


# --- staging recorded answers through dbt ---------------------------------------------------------------
def dbt_run(root: Path, models: list[str]) -> None:
    """`dbt run` of these models on SMW_WAREHOUSE, with dbt's target and logs under `root`."""
    subprocess.run([str(Path(sys.executable).parent / "dbt"), "run", "--select", *models, "--profiles-dir", ".",
                    "--target-path", str(root / "target"), "--log-path", str(root / "logs"), "--quiet"],
                   cwd=Path(__file__).resolve().parents[2] / "dbt_project", check=True, env=os.environ.copy())
