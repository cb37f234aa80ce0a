"""Credentials come from Airflow connections or the environment, never from files in git.

An account's connection holds its platform's long-lived credential (README, Platforms): an app password
(Bluesky), an OAuth refresh token with its app's client id and secret (X, TikTok, YouTube, GA4, LinkedIn), a
Google service account (GA4), or an access token that does not expire on its own (Meta's page tokens,
Mastodon, a LinkedIn 60-day token). The extractors exchange it for short-lived access tokens
(extractors.base.Client). Where it is read from:

- `SMW_CONN_<CONNECTION_ID>`: a JSON object of the fields below, or a bare string (the connection's password);
- else the Airflow connection `<connection_id>`: `login`, `password` and the keys of `extra`.

A platform that rotates its refresh tokens (X, TikTok) hands a new one at each refresh and the old one stops
working: the new one is written to the token store, `<data>/state/tokens/<connection_id>.json` (mode 0600),
and also into the Airflow connection when the credential came from one and the metadata database is
reachable. The store wins over the connection for as long as the connection still holds the refresh token
the stored one was rotated from (or the stored one itself); an operator who pastes a new credential into the
connection makes the store's entry stale, and it is ignored."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Account, Settings

log = logging.getLogger(__name__)

SIMULATOR_TOKEN = "simulated-token"
SIMULATED_REFRESH = "simulated-refresh"
SIMULATED_APP_PASSWORD = "simulated-app-password"
SIMULATED_CLIENT = "simulated-client"

# The platforms whose connection holds an OAuth refresh token (with the app's client id and secret) when it
# names a client id: the password is then the refresh token. TikTok calls its client id the client key.
REFRESHING = {"x": "client_id", "tiktok": "client_key", "youtube": "client_id", "ga4": "client_id"}
# Fields that name rather than authenticate: shown by check-credentials, never redacted.
NAMES = frozenset({"login", "identifier", "client_id", "client_key", "token_url", "subject", "scope"})


def env_name(connection_id: str) -> str:
    return f"SMW_CONN_{connection_id.upper()}"


@dataclass(frozen=True)
class Credential:
    """One account's long-lived credential, its fields named as the platform's documentation names them:
    `access_token`, `refresh_token`, `client_id` / `client_key`, `client_secret`, `app_password`,
    `identifier`, `service_account` (a Google key file's JSON)."""

    connection_id: str
    platform: str
    source: str  # "environment", "airflow" or "simulated"
    fields: Mapping[str, object] = field(default_factory=dict)

    @property
    def where(self) -> str:
        if self.source == "environment":
            return f"environment variable {env_name(self.connection_id)}"
        if self.source == "airflow":
            return f"Airflow connection '{self.connection_id}'"
        if self.source == "given":
            return "the token handed to the client"
        return "simulated (no connection set)"

    def get(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if isinstance(value, str) and value else None

    @property
    def service_account(self) -> dict | None:
        value = self.fields.get("service_account")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return None
        return value if isinstance(value, dict) else None

    @property
    def kind(self) -> str:
        """What the credential is, as check-credentials reports it."""
        if self.service_account:
            return "service account"
        if self.get("app_password"):
            return "app password"
        if self.get("refresh_token"):
            return "refresh token" + (" and access token" if self.get("access_token") else "")
        if self.get("access_token"):
            return "access token"
        return "nothing usable"

    def secrets(self) -> list[str]:
        """Every secret value the credential holds, for redaction (a service account's private key too)."""
        found = [value for name, value in self.fields.items() if isinstance(value, str) and value
                 and name not in NAMES and name != "service_account"]
        account = self.service_account or {}
        found += [str(account[name]) for name in ("private_key", "private_key_id") if account.get(name)]
        return found


def _fields(platform: str, login: str | None, password: str | None, extra: Mapping[str, object]) -> dict:
    """The connection's fields under the names the extractors read (the module docstring's rules)."""
    fields: dict[str, object] = {key: value for key, value in extra.items() if value not in (None, "")}
    if "token" in fields and "access_token" not in fields:  # the older `token` extra
        fields["access_token"] = fields.pop("token")
    if platform == "bluesky":
        if login:
            fields.setdefault("identifier", login)
        if password:
            fields.setdefault("app_password", password)
        return fields
    client_key = REFRESHING.get(platform, "client_id")
    if login:
        fields.setdefault(client_key, login)
    if password:
        renews = platform in REFRESHING and fields.get(client_key) and "refresh_token" not in fields
        fields.setdefault("refresh_token" if renews else "access_token", password)
    return fields


def find_credential(account: Account) -> Credential | None:
    """The account's credential from SMW_CONN_<ID> or its Airflow connection; None when neither exists."""
    variable = os.environ.get(env_name(account.connection_id))
    if variable:
        try:
            parsed = json.loads(variable)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            login, password = parsed.pop("login", None), parsed.pop("password", None)
            fields = _fields(account.platform, login, password, parsed)
        else:
            fields = _fields(account.platform, None, variable, {})
        return Credential(account.connection_id, account.platform, "environment", fields)
    connection = _airflow_connection(account.connection_id)
    if connection is None:
        return None
    fields = _fields(account.platform, connection.login, connection.password, connection.extra_dejson or {})
    return Credential(account.connection_id, account.platform, "airflow", fields)


def _airflow_connection(connection_id: str):
    """The Airflow connection: through the Task SDK inside a task (Airflow 3's workers ask the API server), else
    from Airflow's secrets backends and metadata database (the CLI: check-credentials); None if neither has it.
    Airflow is imported only when the environment has no credential: the CLI, the bulk workers and the tests
    run without it, and it costs a second to import."""
    try:
        from airflow.sdk import BaseHook

        return BaseHook.get_connection(connection_id)
    except Exception:  # noqa: BLE001 - not in a task, or no such connection: the metadata database next
        pass
    try:
        from airflow.models.connection import Connection

        return Connection.get_connection_from_secrets(connection_id)
    except Exception:  # noqa: BLE001 - no metadata database, or no such connection: nothing found
        return None


def simulated_credential(account: Account) -> Credential:
    """What an operator would store for the account, in the simulator's own formats: the extractors exchange
    it for short-lived tokens exactly as they would the real one."""
    platform, name = account.platform, account.account_id
    fields: dict[str, object]
    if platform == "bluesky":
        fields = {"identifier": account.handle, "app_password": f"{SIMULATED_APP_PASSWORD}.{name}"}
    elif platform in REFRESHING:
        fields = {REFRESHING[platform]: SIMULATED_CLIENT, "client_secret": "simulated-client-secret",
                  "refresh_token": f"{SIMULATED_REFRESH}.{platform}.{name}"}
    else:
        # A token names its account, as a real one does for the APIs that answer "for this token"
        # (Mastodon's notifications).
        fields = {"access_token": f"{SIMULATOR_TOKEN}.{name}"}
    return Credential(account.connection_id, platform, "simulated", fields)


def credential_for(account: Account, source: str) -> Credential:
    """The account's credential; the simulated source makes one up when none is configured."""
    found = find_credential(account)
    if found is not None:
        return found
    if source == "simulator":
        return simulated_credential(account)
    raise LookupError(missing_message(account))


def missing_message(account: Account) -> str:
    return (f"no credential for {account.platform} account {account.handle} ({account.key}): create the Airflow "
            f"connection '{account.connection_id}' or set {env_name(account.connection_id)} (README, Platforms)")


def missing_credentials(settings: Settings) -> list[str]:
    """One line per account whose credential is nowhere (a real source only: the simulator makes them up)."""
    if settings.extraction.source != "api":
        return []
    return [missing_message(account) for _, account in settings.accounts() if find_credential(account) is None]


class MissingCredentials(LookupError):
    """Accounts without a credential, all named at once, before the night extracts anything."""


def require_credentials(settings: Settings) -> None:
    """With a real source, every account's credential must exist when the run starts: one report names every
    missing one (whether each is valid is `python -m warehouse check-credentials`'s question)."""
    missing = missing_credentials(settings)
    if missing:
        raise MissingCredentials(f"{len(missing)} of {len(settings.accounts())} accounts have no credential; nothing "
                                 "was extracted:\n" + "\n".join(f"- {line}" for line in missing))


def token_for(account: Account, source: str) -> str:
    """The access token an account's connection holds as such (Meta, Mastodon, or a pasted one)."""
    credential = credential_for(account, source)
    token = credential.get("access_token")
    if token is None:
        raise LookupError(f"{account.key}: {credential.where} holds a {credential.kind}, not an access token")
    return token


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class TokenStore:
    """Rotated refresh tokens, one file per connection under <data>/state/tokens/, readable by the owner only.
    A lock file per connection keeps two extractions from spending the same single-use refresh token."""

    def __init__(self, data: Path):
        self.root = data / "state" / "tokens"

    def path(self, connection_id: str) -> Path:
        return self.root / f"{connection_id}.json"

    @contextlib.contextmanager
    def locked(self, connection_id: str) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        descriptor = os.open(self.root / f"{connection_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)

    def refresh_token(self, credential: Credential) -> str | None:
        """The latest refresh token for the connection: the stored one while the connection still holds the
        token it was rotated from (or the stored one itself), else the connection's own."""
        configured = credential.get("refresh_token")
        path = self.path(credential.connection_id)
        if not path.exists():
            return configured
        try:
            entry = json.loads(path.read_text())
        except ValueError:
            log.warning("token store %s is unreadable; using the connection's refresh token", path)
            return configured
        stored = entry.get("refresh_token")
        if configured is None or not stored:
            return stored or configured
        if _fingerprint(configured) in (entry.get("rotated_from_sha256"), _fingerprint(stored)):
            return stored
        return configured  # the operator stored a new credential since: the rotated one is stale

    def save(self, credential: Credential, refresh_token: str) -> None:
        """Keep a rotated refresh token (call inside `locked`), written aside and renamed, mode 0600."""
        configured = credential.get("refresh_token") or ""
        path = self.path(credential.connection_id)
        previous = {}
        if path.exists():
            with contextlib.suppress(ValueError):
                previous = json.loads(path.read_text())
        origin = previous.get("rotated_from_sha256")
        if origin is None or _fingerprint(configured) not in (origin, _fingerprint(previous.get("refresh_token", ""))):
            origin = _fingerprint(configured)
        entry = {"platform": credential.platform, "refresh_token": refresh_token, "rotated_from_sha256": origin,
                 "rotated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        partial = path.with_name(path.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(entry, handle)
        os.replace(partial, path)


def update_airflow_connection(credential: Credential, refresh_token: str) -> bool:
    """Write a rotated refresh token into the Airflow connection it came from; False when that is not possible
    (a connection from AIRFLOW_CONN_* or a secrets backend, or a task that may not reach the metadata
    database, as Airflow 3's workers may not): the token store then holds it alone."""
    if credential.source != "airflow":
        return False
    try:
        # Airflow's ORM, imported only here: the extractors never need it otherwise.
        from airflow.models.connection import Connection
        from airflow.utils.session import create_session

        with create_session() as session:
            connection = session.query(Connection).filter(Connection.conn_id == credential.connection_id).first()
            if connection is None:
                return False
            extra = connection.extra_dejson or {}
            if "refresh_token" in extra:
                extra["refresh_token"] = refresh_token
                connection.set_extra(json.dumps(extra))
            else:
                connection.set_password(refresh_token)
        return True
    except Exception as error:  # noqa: BLE001 - no metadata database from here: the store keeps the token
        log.info("connection %s not updated (%s); the rotated refresh token is in the token store",
                 credential.connection_id, type(error).__name__)
        return False
