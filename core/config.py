"""The typed warehouse configuration: brands, their accounts per platform, time zones, start date."""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.paths import PROJECT_ROOT, data_dir, warehouse_path

DEFAULT_CONFIG = PROJECT_ROOT / "warehouse.yml"

Platform = Literal[
    "facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "mastodon", "bluesky", "ga4", "threads"
]


class _Strict(BaseModel):
    # A misspelt key must fail loudly rather than be ignored with its default silently used.
    model_config = ConfigDict(extra="forbid", frozen=True)


# Platforms whose tokens one issuer gives, so that one credential may serve both: a Meta Page token reads the
# Page and its Instagram account; a Google refresh token granted both scopes reads YouTube and GA4.
TOKEN_ISSUER = {"instagram": "meta", "facebook": "meta", "youtube": "google", "ga4": "google"}


class Account(_Strict):
    platform: Platform
    account_id: str = Field(min_length=1, description="The platform's own id of the owned account.")
    handle: str = Field(min_length=1)
    connection_id: str = Field(
        min_length=1,
        description="Airflow connection (or SMW_CONN_<ID> environment variable) holding the token.",
    )
    base_url: str | None = Field(default=None, description="Override the API host (tests, proxies).")

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.account_id}"


class Campaign(_Strict):
    campaign_id: str = Field(pattern=r"^[a-z0-9_]+$")
    hashtags: list[str] = Field(min_length=1, description="Campaign hashtags, with their leading #.")
    start_date: dt.date
    end_date: dt.date
    utm_campaign: str = Field(pattern=r"^[A-Za-z0-9_\-]+$", description="The tag its links carry.")

    @field_validator("hashtags")
    @classmethod
    def _hashtags(cls, value: list[str]) -> list[str]:
        for tag in value:
            if not tag.startswith("#") or len(tag) < 2 or any(char.isspace() for char in tag):
                raise ValueError(f"a hashtag starts with # and has no spaces, not {tag!r}")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> Campaign:
        if self.end_date < self.start_date:
            raise ValueError(f"campaign {self.campaign_id} ends ({self.end_date}) before it starts ({self.start_date})")
        return self

    @property
    def hashtag(self) -> str:
        return self.hashtags[0]

    def active(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class Influencer(_Strict):
    handle: str = Field(min_length=1)
    platform: Platform
    followers: int = Field(ge=0)
    fee: float | None = Field(default=None, ge=0, description="What the brand paid, if known.")
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


# The networks whose public figures of an account that is not the brand's can be read (competitor benchmarking):
# Instagram through Business Discovery on the brand's own account, Mastodon and Bluesky public profiles and
# author feeds, X user lookup and timelines, YouTube channels by handle and their uploads. See docs/DECISIONLOG.md,
# "Competitor benchmarking", for the others.
RIVAL_PLATFORMS = ("instagram", "mastodon", "bluesky", "x", "youtube")


class Rival(_Strict):
    """A rival account the brand compares itself with: its public figures are read nightly through the brand's
    own account on that platform."""

    platform: Literal["instagram", "mastodon", "bluesky", "x", "youtube"]
    handle: str = Field(min_length=1, description=(
        "Instagram: the business or creator username; Mastodon: user@instance (or user on the brand's own "
        "instance); Bluesky: the handle (name.bsky.social) or its DID; X: the username; YouTube: the channel's "
        "handle (@name)."))
    name: str | None = Field(default=None, description="How reports name it; the handle if not given.")

    @property
    def label(self) -> str:
        return self.name or self.handle


# A sentiment scorer's name as sentiment.registry knows it (the registry, a layer up, checks that it exists).
SCORER_NAME = r"^[a-z0-9][a-z0-9_-]*$"


class Sentiment(_Strict):
    scorer: str = Field(
        default="default", pattern=SCORER_NAME,
        description="The sentiment tier of the brands without their own: `default` (lexicons, fast) or `accurate` "
                    "(a multilingual embedding model and trained heads, slower); docs/sentiment.md. "
                    "SMW_SENTIMENT_SCORER, when set, replaces it (a brand's own sentiment_scorer still wins).")


class Brand(_Strict):
    brand_id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    timezone: str
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    accounts: list[Account] = Field(min_length=1)
    campaigns: list[Campaign] = Field(default_factory=list)
    influencers: list[Influencer] = Field(default_factory=list)
    rivals: list[Rival] = Field(default_factory=list, description=(
        "Rival accounts to benchmark against (rpt_competitor_benchmark), each on a platform where the brand "
        "has an account of its own."))
    ga4_property_id: str | None = Field(default=None, pattern=r"^[0-9]+$", description="GA4 property of the shop.")
    sentiment_scorer: str | None = Field(
        default=None, pattern=SCORER_NAME,
        description="This brand's sentiment tier (`default` or `accurate`); null: the global sentiment.scorer.")

    @model_validator(mode="after")
    def _unique_names(self) -> Brand:
        named: tuple[tuple[str, list[object]], ...] = (
            ("campaign", [c.campaign_id for c in self.campaigns]),
            ("utm_campaign", [c.utm_campaign for c in self.campaigns]),
            ("influencer", [(i.platform, i.handle) for i in self.influencers]),
            ("rival", [(r.platform, r.handle.lower()) for r in self.rivals]),
        )
        for label, values in named:
            duplicates = sorted({str(v) for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"{label} {', '.join(duplicates)} is listed twice in brand {self.brand_id}")
        own = {account.platform for account in self.accounts}
        for rival in self.rivals:
            if rival.platform not in own:
                raise ValueError(f"rival {rival.handle} of brand {self.brand_id} is on {rival.platform}, where the "
                                 "brand has no account: its figures are read through the brand's own account")
        ga4 = [account.account_id for account in self.accounts if account.platform == "ga4"]
        if self.ga4_property_id and ga4 and ga4 != [self.ga4_property_id]:
            raise ValueError(f"the ga4 account of brand {self.brand_id} must be its ga4_property_id "
                             f"{self.ga4_property_id}, not {', '.join(ga4)}")
        return self

    @property
    def ga4_property(self) -> str | None:
        """The brand's GA4 property: ga4_property_id, or the account_id of its `platform: ga4` account."""
        return self.ga4_property_id or next(
            (account.account_id for account in self.accounts if account.platform == "ga4"), None)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value


class Drift(_Strict):
    """A simulated API change, as platforms make them unannounced: from `since` (to `until`, if given) the
    simulator's answers on `platform` lose the field `field` (a dotted path in each item of a listing, or a
    Graph insights metric's name), or carry it under `rename_to` instead. It exercises the schema drift
    monitor (expectations.drift)."""

    platform: str = Field(min_length=1)
    field: str = Field(min_length=1)
    since: dt.date
    until: dt.date | None = None
    rename_to: str | None = None


class Simulator(_Strict):
    seed: int = 42
    history_days: int = Field(default=30, ge=1, le=3650)
    scale: float = Field(default=1.0, gt=0, description="Multiplies posts per day and audience sizes.")
    content_features: bool = Field(default=False, description=(
        "Plant calls to action, questions and contests in brand posts (with their lifts) and a few advocates "
        "per brand among the commenters."))
    story_capture_every_hours: int = Field(default=0, ge=0, le=24, description=(
        "The simulated history's intra-day story captures: every this many hours from midnight UTC, each day, "
        "as the shared_media_stories DAG takes them (0: the simulated history lands no story)."))
    drift: tuple[Drift, ...] = ()


class PinnedApi(_Strict):
    """An API version the extractors send, and the day its maker stops serving it, as published."""

    version: str = Field(min_length=1)
    sunset: dt.date


class Extraction(_Strict):
    start_date: dt.date
    lookback_days: int = Field(default=28, ge=1, le=365, description="Days of posts re-read every night.")
    source: Literal["simulator", "api"] = "simulator"
    # Meta's Graph API versions page: v23.0 is available until 2027-10-08 (Instagram and Facebook). LinkedIn
    # serves a monthly version for at least a year: 202607 not before 2027-07-01 (its migrations page gives the
    # day once announced). extractors.versions warns 30 days before a sunset and alerts once it has passed.
    graph_api: PinnedApi = PinnedApi(version="v23.0", sunset=dt.date(2027, 10, 8))
    linkedin_api: PinnedApi = PinnedApi(version="202607", sunset=dt.date(2027, 7, 1))


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Reports(_Strict):
    weekly_email_weekday: Weekday | None = Field(
        default="monday",
        description="The weekday of the logical dates whose brand reports (PDF) go out by email; null: none.")
    weekly_email_to: list[str] = Field(
        default_factory=list,
        description="Recipients of the weekly reports; empty: the `to` of the alerts' email connection.")
    workers: int | None = Field(
        default=None, ge=1,
        description="Processes drawing the brands' reports (page and PDF) side by side at publish; null: one per "
                    "CPU core this process may use, 1: one brand after the other.")

    def worker_count(self) -> int:
        return self.workers or len(os.sched_getaffinity(0))


class Retention(_Strict):
    days: int | None = Field(
        default=400, ge=1,
        description="Landing files and the raw rows of others' comments, replies and posts (and quarantined lines) "
                    "whose logical date is more than this many days before the night loaded are deleted "
                    "(loader.retention); null keeps them. The marts keep their aggregates and pseudonyms.")


# DuckDB's own default is 80 % of the machine's memory, which leaves too little to Python, Airflow and the
# landing workers beside it. Past the limit DuckDB spills to disk (the database file and <file>.tmp) instead of
# growing. (Not everything obeys it: a transaction's uncommitted rows grow past it, which is why the loader
# stages large nights, loader.load.STAGE_ROWS.) dbt reads the same variable (profiles.yml).
DEFAULT_DUCKDB_MEMORY_LIMIT = "50%"


# The loader's limits on bad input (README "Bad input"). A landed line longer than this is quarantined with its
# first bytes, never held whole in memory; a stream (one account's stream of a night) with more than this share
# of its lines quarantined is held: raw keeps what it had, every line of the night goes to the quarantine.
DEFAULT_MAX_LINE_BYTES = 10 * 1024 * 1024
DEFAULT_QUARANTINE_THRESHOLD = 0.5


def max_line_bytes() -> int:
    """The longest landed line the loader takes, in bytes: SMW_MAX_LINE_BYTES or 10 MiB."""
    return _env_number("SMW_MAX_LINE_BYTES", DEFAULT_MAX_LINE_BYTES, int, 1, None)


def quarantine_threshold() -> float:
    """The share of a stream's lines past which the stream is held: SMW_QUARANTINE_THRESHOLD (0 to 1) or 0.5."""
    return _env_number("SMW_QUARANTINE_THRESHOLD", DEFAULT_QUARANTINE_THRESHOLD, float, 0, 1)


def _env_number(name: str, default, kind, low, high):
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a {kind.__name__}") from None
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name}={text!r} is out of range ({low} to {high if high is not None else 'any'})")
    return value


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for every warehouse connection: SMW_DUCKDB_MEMORY_LIMIT (`8GB`, `40%`) or half
    the machine's memory."""
    return os.environ.get("SMW_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


class Settings(_Strict):
    extraction: Extraction
    simulator: Simulator = Simulator()
    reports: Reports = Reports()
    sentiment: Sentiment = Sentiment()
    retention: Retention = Retention()
    brands: list[Brand] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_accounts(self) -> Settings:
        """Each account once, and each connection for one platform: a connection holds one platform's
        credential, and a refresh token one platform rotates is written back to it (core.secrets), where it
        would replace the other platform's."""
        problems: list[tuple[tuple, str]] = []
        accounts: dict[str, tuple] = {}
        connections: dict[str, tuple[str, tuple]] = {}
        for b, brand in enumerate(self.brands):
            for a, account in enumerate(brand.accounts):
                where = ("brands", b, "accounts", a)
                first = accounts.setdefault(account.key, where)
                if first != where:
                    problems.append((where, f"account {account.key} is listed twice (first as {_dotted(first)})"))
                platform, used = connections.setdefault(account.connection_id, (account.platform, where))
                if TOKEN_ISSUER.get(platform, platform) != TOKEN_ISSUER.get(account.platform, account.platform):
                    problems.append((where + ("connection_id",),
                                     f"connection {account.connection_id} is already {platform}'s ({_dotted(used)}): "
                                     f"a connection holds one platform's credential, in that platform's form, and a "
                                     f"refresh token rotated for one would be written over the other's; give "
                                     f"{account.platform} its own"))
        if problems:
            raise AccountConflicts(problems)
        return self

    @property
    def warehouse(self) -> Path:
        return warehouse_path()

    @property
    def data(self) -> Path:
        return data_dir()

    def accounts(self) -> list[tuple[Brand, Account]]:
        return [(brand, account) for brand in self.brands for account in brand.accounts]

    def account(self, key: str) -> tuple[Brand, Account]:
        for brand, account in self.accounts():
            if account.key == key:
                return brand, account
        raise KeyError(f"no account {key!r} in the configuration")


class ConfigError(ValueError):
    """A configuration file that does not validate; the message names each field and its line."""


class AccountConflicts(ValueError):
    """Accounts that clash with one another (listed twice, a connection shared by two platforms), each with
    the location of the account at fault, so that the error gives its own line."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        super().__init__("; ".join(f"{_dotted(where)}: {message}" for where, message in problems))
        self.problems = problems


def _dotted(location: tuple) -> str:
    return ".".join(str(part) for part in location)


def _line_index(node: yaml.Node, path: tuple = (), index: dict | None = None) -> dict[tuple, int]:
    # pydantic reports a location as a tuple of keys and list positions; keep the YAML line of each.
    index = {} if index is None else index
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            index[path + (key_node.value,)] = key_node.start_mark.line + 1
            _line_index(value_node, path + (key_node.value,), index)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _line_index(item, path + (position,), index)
    return index


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the configuration named by the argument, SMW_CONFIG, or warehouse.yml."""
    config_path = Path(path or os.environ.get("SMW_CONFIG") or DEFAULT_CONFIG)
    text = config_path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{config_path}: not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_path}: expected a mapping at the top level")
    try:
        return Settings.model_validate(raw)
    except ValidationError as error:
        lines = _line_index(node) if node is not None else {}
        problems = []
        for problem in error.errors():
            conflicts = (problem.get("ctx") or {}).get("error")
            located = (conflicts.problems if isinstance(conflicts, AccountConflicts)
                       else [(tuple(problem["loc"]), problem["msg"])])
            for location, message in located:
                # The nearest enclosing node that exists in the file gives the line (a missing key has none).
                line = next(
                    (lines[location[:cut]] for cut in range(len(location), -1, -1) if location[:cut] in lines),
                    None,
                )
                message = re.sub(r"\(first as ([\w.]+)\)", lambda first: _first_line(str(first.group(1)), lines),
                                 str(message))
                message = re.sub(r"\((brands\.\d+\.accounts\.\d+)\)",
                                 lambda first: _first_line(str(first.group(1)), lines), message)
                problems.append(f"{config_path}:{line}: {_dotted(location) or '(top level)'}: {message}")
        raise ConfigError("invalid configuration\n" + "\n".join(problems)) from None


def _first_line(dotted: str, lines: dict[tuple, int]) -> str:
    """`(first as brands.0.accounts.2)` as the file's line: `(first at line 12)`."""
    location = tuple(int(part) if part.isdigit() else part for part in dotted.split("."))
    return f"(first at line {lines[location]})" if location in lines else f"({dotted})"
