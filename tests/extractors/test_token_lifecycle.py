"""Tokens that renew: each client obtains its access token from the connection's long-lived credential through
the (simulated) platform's token endpoint, renews it when it expires in the middle of a run, keeps a rotated
refresh token, and names the account and the remedy when the credential is revoked. Nothing leaks."""

from __future__ import annotations

import datetime as dt
import json
import logging
import stat

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from replay_api import landed_stream, simulated_connection, simulated_settings

from core.config import Account, Brand, Extraction, Settings, Simulator
from core.secrets import Credential, TokenStore, env_name, simulated_credential
from extractors.base import AuthError
from extractors.run import extract_account
from simulator.api import Faults, transport
from simulator.world import World

DAY = dt.date(2026, 10, 6)
NORTHWIND = {
    "x": "1580000000000000202",
    "tiktok": "-000Northwind4lQ2mXaZrT0aBcDeFgH202",
    "youtube": "UCnorthwind0000000000202",
    "bluesky": "did:plc:z72i7hdynmk6r22z27h6tvur",
    "linkedin": "81234202",
    "facebook": "104000000000202",
    "mastodon": "109000000000000202",
}
LUMIERE = {
    "x": "1580000000000000101",
    "tiktok": "-000MaisonLumiere9pK3vYbN1qWeRtY101",
    "youtube": "UCmaisonlumiere000000101",
    "bluesky": "did:plc:maisonlumiere0000000000a",
    "linkedin": "81234101",
    "facebook": "104000000000101",
    "mastodon": "109000000000000101",
}
# Time moves with each request (simulated seconds): a token that lives 10 steps is renewed (a tenth of its
# lifetime early) before the request that would find it expired; `LONG_LIVED` tokens outlast the night.
STEP = {"seconds_per_request": 10.0}
SHORT_LIVED = {**STEP, "token_lifetime_seconds": 100.0}
LONG_LIVED = {**STEP, "token_lifetime_seconds": 86400.0}
# Tokens that expire every other request, and answers that do not say so: the client learns it from a 401.
UNANNOUNCED = {"seconds_per_request": 30.0, "token_lifetime_seconds": 60.0, "announce_token_expiry": False}


def world(platform: str, monkeypatch, tmp_path, credential: dict | None = None) -> tuple[Settings, Account]:
    """Northwind and Maison Lumière on one platform; Northwind's connection holds `credential` (by default the
    long-lived credential an operator stores, in the simulator's formats) in SMW_CONN_<ID>."""
    handle = ".bsky.social" if platform == "bluesky" else ""
    account = Account(platform=platform, account_id=NORTHWIND[platform], handle=f"northwind{handle}",
                      connection_id=f"{platform}_northwind")
    sibling = Account(platform=platform, account_id=LUMIERE[platform], handle=f"maisonlumiere{handle}",
                      connection_id=f"{platform}_lumiere")
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(env_name(sibling.connection_id), simulated_connection(sibling))
    monkeypatch.setenv(env_name(account.connection_id),
                       json.dumps(credential) if credential is not None else simulated_connection(account))
    return simulated_settings(account, sibling), account


def night(settings: Settings, faults: Faults | None = None) -> httpx.WSGITransport:
    simulated = World(settings, through=DAY)
    return transport(simulated, simulated.now(DAY), faults)


def rows(manifest: dict) -> dict[str, int]:
    return {name: info["rows"] for name, info in manifest["streams"].items()}


def test_a_token_that_expires_mid_run_is_renewed_before_it_does(monkeypatch, tmp_path, caplog):
    # GIVEN a YouTube night whose tokens outlast it, and the same night where they live 10 requests' time
    settings, account = world("youtube", monkeypatch, tmp_path)
    clean = extract_account(settings, account.key, DAY, "clean", transport=night(settings, Faults(**LONG_LIVED)),
                            sleep=lambda _: None)
    caplog.set_level(logging.INFO)
    short = night(settings, Faults(**SHORT_LIVED))

    # WHEN the account is extracted through it
    manifest = extract_account(settings, account.key, DAY, "short", transport=short, sleep=lambda _: None)

    # THEN the token was renewed ahead of each announced expiry: no request was refused, and every stream read
    # the rows of the night without expiry
    assert clean.get("token_renewals") == 0
    assert manifest["token_renewals"] >= manifest["requests"] // 10 >= 1
    assert [record for record in caplog.records if "access token was refused" in record.getMessage()] == []
    assert rows(manifest) == rows(clean)
    assert {info["status"] for info in manifest["streams"].values()} == {"complete"}


@pytest.mark.parametrize("platform", ["x", "tiktok", "youtube", "bluesky"])
def test_an_unannounced_expiry_is_renewed_once_and_the_request_asked_again(platform, monkeypatch, tmp_path, caplog):
    # GIVEN token answers without expires_in (Bluesky's session tokens are opaque: the same), tokens that live a
    # minute, and time moving 30 s per request: the first the client hears of an expiry is the API's refusal
    settings, account = world(platform, monkeypatch, tmp_path)
    caplog.set_level(logging.INFO)
    faults = Faults(**UNANNOUNCED)

    # WHEN the account is extracted
    manifest = extract_account(settings, account.key, DAY, "r", transport=night(settings, faults), sleep=lambda _: None)

    # THEN each refusal was followed by one renewal and the request asked again: every stream completed with
    # rows, and no refusal counted as a retry
    refused = [record for record in caplog.records if "access token was refused" in record.getMessage()]
    assert len(refused) == manifest["token_renewals"] >= 1
    assert {info["status"] for info in manifest["streams"].values()} == {"complete"}
    assert all(count > 0 for count in rows(manifest).values())
    assert manifest["retries"] == 0


def test_a_rotated_refresh_token_is_kept_and_used_by_the_next_run(monkeypatch, tmp_path):
    # GIVEN X's refresh token in the connection (environment), and one simulated X for two runs
    settings, account = world("x", monkeypatch, tmp_path)
    configured = simulated_credential(account).get("refresh_token")
    shared = night(settings)

    # WHEN the night is extracted twice against the same X (which spent the configured token the first time)
    extract_account(settings, account.key, DAY, "first", transport=shared, sleep=lambda _: None)
    stored = json.loads(TokenStore(settings.data).path(account.connection_id).read_text())
    second = extract_account(settings, account.key, DAY, "second", transport=shared, sleep=lambda _: None)

    # THEN the first run kept the rotated token (owner-only file), and the second ran on it, not on the spent one
    path = TokenStore(settings.data).path(account.connection_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stored["refresh_token"] not in (configured, None)
    assert configured in shared.app.tokens.spent and stored["refresh_token"] in shared.app.tokens.spent
    assert {info["status"] for info in second["streams"].values()} == {"complete"}
    assert json.loads(path.read_text())["refresh_token"] in shared.app.tokens.refresh


def test_the_store_yields_to_a_new_credential_stored_by_the_operator(tmp_path):
    # GIVEN a rotated token kept for a connection whose configured token it replaced
    store = TokenStore(tmp_path)
    old = Credential("x_brand", "x", "environment", {"client_id": "c", "refresh_token": "configured-1"})
    with store.locked("x_brand"):
        store.save(old, "rotated-2")
    with store.locked("x_brand"):
        store.save(old, "rotated-3")  # rotated again: still from the one the connection holds
    # WHEN the connection still holds the original, or the operator pasted a new one
    new = Credential("x_brand", "x", "environment", {"client_id": "c", "refresh_token": "operator-new"})
    # THEN the latest rotated one is used while it descends from the connection's; the operator's new one wins
    assert store.refresh_token(old) == "rotated-3"
    assert store.refresh_token(new) == "operator-new"


def test_a_revoked_refresh_token_names_the_account_and_what_to_do(monkeypatch, tmp_path, caplog):
    # GIVEN X where the brand revoked the app's access
    caplog.set_level(logging.DEBUG)
    settings, account = world("x", monkeypatch, tmp_path)
    faults = Faults(revoked=frozenset({account.key}))

    # WHEN the account is extracted
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r", transport=night(settings, faults), sleep=lambda _: None)

    # THEN the error says which account, what X said, how to get a new credential and where to store it
    message = str(raised.value)
    for expected in ("x account northwind", account.key, "refused the refresh token", "Value passed for the token "
                     "was invalid", "offline.access", "x_northwind", "SMW_CONN_X_NORTHWIND"):
        assert expected in message, expected
    # AND no secret of the credential is in it, nor in the logs
    credential = simulated_credential(account)
    assert [secret for secret in credential.secrets() if secret in message + caplog.text] == []


def test_access_revoked_in_the_middle_of_a_run_stops_the_account_with_what_it_read(monkeypatch, tmp_path):
    # GIVEN TikTok, where the user disconnects the app after the first requests of the night
    settings, account = world("tiktok", monkeypatch, tmp_path)
    simulated = night(settings)
    app = simulated.app

    class RevokingAfterTwo(httpx.BaseTransport):
        def handle_request(self, request):
            if app.requests == 2:
                app.tokens.revoke("tiktok", account.account_id)
            return simulated.handle_request(request)

    # WHEN the account is extracted
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r", transport=RevokingAfterTwo(), sleep=lambda _: None)

    # THEN the API's refusal led to one renewal attempt, which TikTok refused: the error says so
    assert "refused the refresh token" in str(raised.value) and "invalid_grant" in str(raised.value)
    assert "TikTok Login Kit" in str(raised.value)
    # AND what was read before is landed under the manifest that says where the run stopped
    assert landed_stream(settings, account.key, "user", DAY)


def test_a_linkedin_token_without_programmatic_refresh_is_used_until_it_is_refused(monkeypatch, tmp_path):
    # GIVEN a LinkedIn connection holding a 60-day access token alone (no refresh token: not an MDP partner)
    token = f"simulated-token.{NORTHWIND['linkedin']}"
    settings, account = world("linkedin", monkeypatch, tmp_path, {"access_token": token})
    clean = extract_account(settings, account.key, DAY, "r", transport=night(settings), sleep=lambda _: None)
    # WHEN LinkedIn refuses it
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r", transport=night(settings, Faults(expired_token=True)),
                        sleep=lambda _: None)
    # THEN the night ran on it without any token request, and the refusal says how to get a new one
    assert "token_requests" not in clean and rows(clean)["posts"] > 0
    assert "Developer Portal" in str(raised.value) and token not in str(raised.value)


def test_linkedin_with_programmatic_refresh_renews_its_60_day_token(monkeypatch, tmp_path):
    # GIVEN an access token LinkedIn already refuses, with a refresh token and the app's client in the connection
    settings, account = world("linkedin", monkeypatch, tmp_path, {
        "access_token": "sim-access.linkedin.81234202.999", "refresh_token": "simulated-refresh.linkedin.81234202",
        "client_id": "simulated-client", "client_secret": "s"})
    # WHEN the account is extracted THEN the refused token was renewed once and the night completed
    manifest = extract_account(settings, account.key, DAY, "r", transport=night(settings), sleep=lambda _: None)
    assert manifest["token_renewals"] == 1 and rows(manifest)["posts"] > 0


def ga4_settings(monkeypatch, tmp_path, credential: dict) -> tuple[Settings, Account]:
    monkeypatch.setenv("SMW_DATA_DIR", str(tmp_path))
    account = Account(platform="ga4", account_id="351000202", handle="northwind.com", connection_id="ga4_northwind")
    x = Account(platform="x", account_id=NORTHWIND["x"], handle="northwind", connection_id="x_northwind")
    monkeypatch.setenv(env_name(account.connection_id), json.dumps(credential))
    settings = Settings(extraction=Extraction(start_date=dt.date(2026, 10, 1), lookback_days=7),
                        simulator=Simulator(seed=7, history_days=20),
                        brands=[Brand(brand_id="northwind", name="Northwind", timezone="America/New_York",
                                      ga4_property_id="351000202", accounts=[x, account])])
    return settings, account


def service_account(email: str) -> tuple[dict, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return {"type": "service_account", "client_email": email, "private_key_id": "k1", "private_key": pem,
            "token_uri": "https://oauth2.googleapis.com/token"}, public


def test_ga4_reads_with_a_service_account_signed_rs256(monkeypatch, tmp_path, caplog):
    # GIVEN a GA4 connection holding a service account key, whose public key Google (the simulator) knows
    caplog.set_level(logging.DEBUG)
    email = "reader@brand-analytics.iam.gserviceaccount.com"
    key, public = service_account(email)
    settings, account = ga4_settings(monkeypatch, tmp_path, {"service_account": key})
    simulated = night(settings, Faults(service_accounts={email: public}))

    # WHEN the property is extracted
    manifest = extract_account(settings, account.key, DAY, "r", transport=simulated, sleep=lambda _: None)

    # THEN its signed assertion was accepted and the night read; the private key is nowhere in the logs
    assert manifest["token_requests"] == 1 and rows(manifest)["sessions_daily"] > 0
    assert key["private_key"] not in caplog.text and "PRIVATE KEY" not in caplog.text


def test_a_service_account_google_does_not_know_is_refused_clearly(monkeypatch, tmp_path):
    # GIVEN a key whose signature does not match the one registered for its e-mail
    email = "reader@brand-analytics.iam.gserviceaccount.com"
    key, _ = service_account(email)
    _, other_public = service_account(email)
    settings, account = ga4_settings(monkeypatch, tmp_path, {"service_account": key})
    # WHEN extracted THEN the error names the service account and Google's answer
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r",
                        transport=night(settings, Faults(service_accounts={email: other_public})),
                        sleep=lambda _: None)
    assert "refused the service account: HTTP 400 invalid_grant: Invalid JWT Signature" in str(raised.value)


def test_youtube_refuses_a_service_account_before_asking(monkeypatch, tmp_path):
    key, _ = service_account("reader@brand.iam.gserviceaccount.com")
    settings, account = world("youtube", monkeypatch, tmp_path, {"service_account": key})
    simulated = night(settings)
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r", transport=simulated, sleep=lambda _: None)
    assert "NoLinkedYouTubeAccount" in str(raised.value) and simulated.app.requests == 0


@pytest.mark.parametrize(("platform", "remedy"), [
    pytest.param("facebook", "grant_type=fb_exchange_token", id="facebook"),
    pytest.param("mastodon", "Preferences, Development", id="mastodon"),
])
def test_a_long_lived_token_refused_says_how_to_get_a_new_one(platform, remedy, monkeypatch, tmp_path):
    # GIVEN a platform without a refresh flow whose token the API refuses (Meta: code 190; Mastodon: revoked)
    settings, account = world(platform, monkeypatch, tmp_path)
    simulated = night(settings, Faults(expired_token=True))
    # WHEN extracted THEN the account fails at once, without a token request, saying how to get a new token
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r", transport=simulated, sleep=lambda _: None)
    assert remedy in str(raised.value) and f"'{account.connection_id}'" in str(raised.value)
    assert simulated.app.token_requests == 0 and simulated.app.requests == 1
