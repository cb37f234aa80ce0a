"""Both platforms: landing files are deterministic and reconcile with the manifest; the token never leaks."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from pathlib import Path

import pytest
from replay_api import (
    INSTAGRAM_ID,
    INSTAGRAM_KEY,
    INSTAGRAM_TOKEN,
    MASTODON_ID,
    MASTODON_KEY,
    MASTODON_TOKEN,
    MEDIA_CURSOR_2,
    Reply,
    instagram_routes,
    landed,
    mastodon_routes,
    recorded,
    run,
)
from test_token_lifecycle import DAY, NORTHWIND, UNANNOUNCED, night, world

from core.landing import read_manifest
from extractors.base import AuthError
from extractors.run import ExtractionIncomplete, extract_account, open_client
from simulator.api import Faults

PLATFORMS = [
    pytest.param(INSTAGRAM_KEY, instagram_routes, id="instagram"),
    pytest.param(MASTODON_KEY, mastodon_routes, id="mastodon"),
]


def landing_bytes(landing) -> dict[str, bytes]:
    return {str(path.relative_to(landing)): path.read_bytes()
            for path in sorted(landing.rglob("*.ndjson.gz"))}


@pytest.mark.parametrize(("key", "routes"), PLATFORMS)
def test_landing_files_are_byte_identical_when_run_twice(landing_env, sleeps, key, routes):
    # GIVEN the same recorded answers served to two runs of the same night, with different run ids
    first = run(key, routes(), sleeps, run_id="run-1")
    before = landing_bytes(landing_env)

    # WHEN the night is extracted again over the same landing area
    second = run(key, routes(), sleeps, run_id="run-2")

    # THEN every landing file is byte for byte the same, so are the checksums, and only run facts differ
    assert landing_bytes(landing_env) == before
    assert len(before) == len(first["streams"])
    assert {n: (s["rows"], s["sha256"]) for n, s in first["streams"].items()} == {
        n: (s["rows"], s["sha256"]) for n, s in second["streams"].items()}
    assert (first["run_id"], second["run_id"]) == ("run-1", "run-2")


@pytest.mark.parametrize(("key", "routes"), PLATFORMS)
def test_manifest_counts_and_checksums_match_the_files(landing_env, sleeps, key, routes):
    # GIVEN a recorded account
    # WHEN it is extracted
    manifest = run(key, routes(), sleeps, lookback_days=28)

    # THEN the manifest on disk is the one returned, its files relative to the data directory
    platform, account_id = key.split(":")
    manifest_path = landing_env / platform / "_manifests" / "2026-10-15" / f"{account_id}.json"
    stored = json.loads(manifest_path.read_text())
    assert {info["file"] for info in stored["streams"].values()} == {
        f"landing/{platform}/{name}/2026-10-15/{account_id}.ndjson.gz" for name in stored["streams"]}
    on_disk = read_manifest(manifest_path)
    assert on_disk == json.loads(json.dumps(manifest, default=str))
    # AND each stream's row count and sha256 are those of its file, which is valid gzip NDJSON
    for name, stream in on_disk["streams"].items():
        data = Path(stream["file"]).read_bytes()
        assert stream["sha256"] == hashlib.sha256(data).hexdigest(), name
        lines = gzip.decompress(data).decode("utf-8").splitlines()
        assert stream["rows"] == len(lines) == len(landed(stream["file"])) > 0, name
        assert f"/{platform}/{name}/2026-10-15/{account_id}.ndjson.gz" in stream["file"]
    assert not list(landing_env.rglob("*.partial"))


def leaks(token: str, landing, *texts: str) -> list[str]:
    """Where the token appears: landing files (as stored and decompressed), manifests, or the given texts."""
    found = []
    for path in sorted(landing.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            plain = gzip.decompress(raw) if path.name.endswith(".gz") else raw
            if token.encode() in raw or token.encode() in plain:
                found.append(str(path))
    found += [f"text {number}" for number, text in enumerate(texts) if token in text]
    return found


def test_instagram_token_never_leaks(landing_env, sleeps, caplog):
    # GIVEN recorded pages whose paging links (top-level and nested under a comment's replies) carry the
    # token, a throttled call, a stream that runs out of quota and a stream that fails on a next-page URL
    caplog.set_level(logging.DEBUG)
    api = instagram_routes()
    api.on(f"/v23.0/{INSTAGRAM_ID}", "instagram/errors/rate_limit_4", "instagram/user")
    api.on(f"/v23.0/{INSTAGRAM_ID}/insights", "instagram/errors/quota_80002", period="day")
    api.on("/v23.0/18060000000000003/comments", "instagram/errors/unsupported_get_100",
           after="QVFIUmMzcDEZA2")
    assert INSTAGRAM_TOKEN.encode() in recorded("instagram/media/page_1").content
    assert INSTAGRAM_TOKEN.encode() in recorded("instagram/comments/18060000000000001/page_1").content

    # WHEN the account is extracted (and fails on the comments stream), then again with an expired token
    with pytest.raises(ExtractionIncomplete) as incomplete:
        run(INSTAGRAM_KEY, api, sleeps, lookback_days=28)
    expired = instagram_routes().on(f"/v23.0/{INSTAGRAM_ID}", "instagram/errors/expired_token_401")
    with pytest.raises(AuthError) as auth:
        run(INSTAGRAM_KEY, expired, sleeps)

    # THEN the runs did what the answers said: one wait, a quota stop, a failure naming the (redacted) URL
    manifest = read_manifest(next(landing_env.rglob("_manifests/*/*.json")))
    assert sleeps == [60.0]
    assert manifest["streams"]["user_insights"]["status"] == "quota_exhausted"
    assert manifest["streams"]["comments"]["status"] == "failed"
    assert "access_token=***" in manifest["streams"]["comments"]["error"]
    assert any(record.levelno == logging.WARNING for record in caplog.records)
    # AND the token is nowhere: landed files, manifests, exception messages, logs
    assert leaks(INSTAGRAM_TOKEN, landing_env, str(incomplete.value), repr(incomplete.value), str(auth.value),
                 repr(auth.value), caplog.text) == []
    # AND the nested replies landed, their next link redacted rather than dropped
    comments = landed(manifest["streams"]["comments"]["file"])
    nested = comments[0]["record"]["replies"]
    assert nested["data"][0]["id"] == "17900000000000012"
    assert "access_token=***" in nested["paging"]["next"]


def test_mastodon_token_never_leaks(landing_env, sleeps, caplog, frozen_clock):
    # GIVEN a throttled call, a stream that runs out of quota and a stream that fails
    caplog.set_level(logging.DEBUG)
    api = mastodon_routes()
    api.on(f"/api/v1/accounts/{MASTODON_ID}", "mastodon/errors/rate_limit_retry_after", "mastodon/account")
    api.on(f"/api/v1/accounts/{MASTODON_ID}/statuses", "mastodon/errors/quota_reset",
           max_id="113300000000000002")
    api.on("/api/v1/statuses/113300000000000004/context", "mastodon/errors/not_found_404")

    # WHEN the account is extracted (and fails on the replies stream), then again with a revoked token
    with pytest.raises(ExtractionIncomplete) as incomplete:
        run(MASTODON_KEY, api, sleeps, lookback_days=28)
    revoked = mastodon_routes().on(f"/api/v1/accounts/{MASTODON_ID}", "mastodon/errors/invalid_token_401")
    with pytest.raises(AuthError) as auth:
        run(MASTODON_KEY, revoked, sleeps)

    # THEN the runs did what the answers said
    manifest = json.loads(next(landing_env.rglob("_manifests/*/*.json")).read_text())
    assert sleeps == [30.0]
    assert manifest["streams"]["statuses"]["status"] == "quota_exhausted"
    assert manifest["streams"]["replies"]["status"] == "failed"
    # AND the token is nowhere: landed files, manifests, exception messages, logs
    assert leaks(MASTODON_TOKEN, landing_env, str(incomplete.value), repr(incomplete.value), str(auth.value),
                 repr(auth.value), caplog.text) == []


def test_a_token_echoed_in_an_error_body_is_redacted(landing_env, sleeps, caplog):
    # GIVEN an error answer that echoes the request URL, token included, in its message
    caplog.set_level(logging.DEBUG)
    echoed = recorded("instagram/errors/unsupported_get_100")
    echo = f"GET /media?access_token={INSTAGRAM_TOKEN} Please read".encode()
    content = echoed.content.replace(b"Please read", echo)
    assert content != echoed.content
    api = instagram_routes().on(f"/v23.0/{INSTAGRAM_ID}/media",
                                Reply(echoed.status, echoed.headers, content), after=MEDIA_CURSOR_2)

    # WHEN the account is extracted and the media stream fails on it
    with pytest.raises(ExtractionIncomplete) as incomplete:
        run(INSTAGRAM_KEY, api, sleeps)

    # THEN the manifest keeps the error, with the token replaced
    manifest = json.loads(next(landing_env.rglob("_manifests/*/*.json")).read_text())
    assert manifest["streams"]["media"]["status"] == "failed"
    assert "Unsupported get request" in manifest["streams"]["media"]["error"]
    assert leaks(INSTAGRAM_TOKEN, landing_env, str(incomplete.value), caplog.text) == []


def test_no_token_of_a_renewing_run_leaks(monkeypatch, tmp_path, caplog):
    # GIVEN X with short-lived tokens (renewed on the API's refusal), rotating refresh tokens, a confidential
    # client, and 503s along the way
    caplog.set_level(logging.DEBUG)
    credential = {"client_id": "simulated-client", "client_secret": "app-secret-5c1e",
                  "refresh_token": f"simulated-refresh.x.{NORTHWIND['x']}"}
    settings, account = world("x", monkeypatch, tmp_path, credential)
    simulated = night(settings, Faults(**UNANNOUNCED, server_error_every=3))

    # WHEN the account is extracted, then again after X revoked it
    manifest = extract_account(settings, account.key, DAY, "r", transport=simulated, sleep=lambda _: None)
    simulated.app.tokens.revoke("x", account.account_id)
    with pytest.raises(AuthError) as raised:
        extract_account(settings, account.key, DAY, "r2", transport=simulated, sleep=lambda _: None)

    # THEN no secret (the client secret, the configured, rotated or issued tokens) is in the landing area, the
    # manifests, the error or the logs
    tokens = simulated.app.tokens
    secrets = [credential["client_secret"], credential["refresh_token"], *tokens.access, *tokens.refresh,
               *tokens.spent]
    assert manifest["token_renewals"] >= 1 and len(secrets) > 5
    landing = settings.data / "landing"
    assert [found for secret in secrets for found in leaks(secret, landing, str(raised.value), caplog.text)] == []


def test_every_token_a_client_obtained_is_redacted(monkeypatch, tmp_path):
    # GIVEN an X client whose tokens expire every other request, reading its user five times
    settings, account = world("x", monkeypatch, tmp_path)
    simulated = night(settings, Faults(**UNANNOUNCED))
    client = open_client(settings, account, simulated, lambda _: None)
    for _ in range(5):
        client.get(f"/2/users/{account.account_id}")
    # WHEN a text holding each token it was issued, used or spent passes through its redaction
    tokens = simulated.app.tokens
    issued = [*tokens.access, *tokens.refresh, *tokens.spent]
    redacted = client.redact(" ".join(issued))
    client.close()
    # THEN none is left (not only the first access token), and it renewed along the way
    assert client.stats.renewals >= 2 and len(issued) >= 6
    assert [token for token in issued if token in redacted] == []
