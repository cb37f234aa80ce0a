"""Mastodon v1 extractor against recorded answers (with their headers): Link paging, window, retries, auth."""

from __future__ import annotations

import json

import pytest
from replay_api import (
    ABSENT,
    FIXTURES,
    MASTODON_ID,
    MASTODON_KEY,
    MASTODON_TOKEN,
    STATUS_MAX_2,
    STATUS_MAX_3,
    client_for,
    context_for,
    ids,
    landed,
    recorded,
    run,
)

from extractors.base import AuthError
from extractors.mastodon import Statuses, plain_text

ACCOUNT = f"/api/v1/accounts/{MASTODON_ID}"
STATUSES = f"/api/v1/accounts/{MASTODON_ID}/statuses"
ALL_STATUSES = [f"11330000000000000{n}" for n in range(6, 0, -1)]  # newest first, as Mastodon pages them


def context_path(status_id: str) -> str:
    return f"/api/v1/statuses/{status_id}/context"


def fixture_body(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["body"]


def test_several_pages_are_followed_by_the_link_header(mastodon_api, sleeps, landing_env):
    # GIVEN statuses over three recorded pages linked by rel="next", all inside a 28-day lookback
    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps, lookback_days=28)

    # THEN each page is read once, the next ones by the max_id of the Link header
    streams = manifest["streams"]
    assert ids(streams["statuses"]["file"]) == ALL_STATUSES
    assert mastodon_api.requested(STATUSES, max_id=ABSENT) == 1
    assert mastodon_api.requested(STATUSES, max_id=STATUS_MAX_2) == 1
    assert mastodon_api.requested(STATUSES, max_id=STATUS_MAX_3) == 1
    # AND the first page asks for the account's own posts only, 40 at a time
    first = mastodon_api.requests[1]
    assert dict(first.url.params) == {"limit": "40", "exclude_replies": "true", "exclude_reblogs": "true"}
    # AND the replies are the descendants of each status that has any, under that status
    replies = landed(streams["replies"]["file"])
    assert [(line["parent_id"], line["record"]["id"]) for line in replies] == [
        ("113300000000000006", "113300000000090001"), ("113300000000000006", "113300000000090002"),
        ("113300000000000004", "113300000000090003"), ("113300000000000002", "113300000000090004")]
    assert streams["account"]["rows"] == 1
    assert {info["status"] for info in streams.values()} == {"complete"}
    # AND the token travels as a bearer header on every call, never in a URL
    assert all(r.headers["authorization"] == f"Bearer {MASTODON_TOKEN}" for r in mastodon_api.requests)
    assert not any(MASTODON_TOKEN in str(r.url) for r in mastodon_api.requests)
    assert sleeps == []


@pytest.mark.parametrize(
    ("last_page", "expected"),
    [
        pytest.param("mastodon/statuses/page_3", ALL_STATUSES[:2] + ALL_STATUSES[5:],
                     id="link-without-rel-next"),
        pytest.param("mastodon/statuses/last_no_link", ALL_STATUSES[:4], id="no-link-header"),
        pytest.param("mastodon/statuses/last_empty", ALL_STATUSES[:2], id="empty-array"),
    ],
)
def test_each_kind_of_last_page_ends_paging(mastodon_api, sleeps, last_page, expected):
    # GIVEN a first page whose rel="next" leads to a page of this kind
    mastodon_api.on(STATUSES, last_page, max_id=STATUS_MAX_2)
    client = client_for(MASTODON_KEY, mastodon_api, sleeps)

    # WHEN the statuses stream is read
    records = [record["id"] for record, _ in Statuses().records(client, context_for(28), [])]

    # THEN both pages are read and nothing more is asked for
    assert records == expected
    assert mastodon_api.paths() == [STATUSES, STATUSES]
    assert mastodon_api.requested(STATUSES, max_id=STATUS_MAX_3) == 0


def test_lookback_window_stops_paging(mastodon_api, sleeps, landing_env):
    # GIVEN a 7-day lookback (window from 2026-10-09) and a 2nd page that reaches a status of 2026-10-06
    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps, lookback_days=7)

    # THEN statuses from the window start on land, the older one is not, and the 3rd page is not asked for
    assert manifest["window_start"] == "2026-10-09"
    assert ids(manifest["streams"]["statuses"]["file"]) == ALL_STATUSES[:4]
    assert mastodon_api.requested(STATUSES, max_id=STATUS_MAX_3) == 0
    # AND no context is read for the settled status (it has a reply), only for the two in the window with any
    assert mastodon_api.requested(context_path("113300000000000002")) == 0
    assert [r.url.path for r in mastodon_api.requests if r.url.path.endswith("/context")] == [
        context_path("113300000000000006"), context_path("113300000000000004")]


@pytest.mark.parametrize(
    ("answer", "wait"),
    [
        pytest.param("mastodon/errors/rate_limit_retry_after", 30.0, id="429-retry-after"),
        pytest.param("mastodon/errors/rate_limit_reset", 300.0, id="429-x-ratelimit-reset"),
    ],
)
def test_rate_limit_waits_as_the_headers_say_then_succeeds(
    mastodon_api, sleeps, landing_env, frozen_clock, answer, wait
):
    # GIVEN the account call first answers 429 (Retry-After, or only X-RateLimit-Reset 5 minutes after the
    # recording's Date), then succeeds
    mastodon_api.on(ACCOUNT, answer, "mastodon/account")

    # WHEN the account is extracted at the recording's time
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)

    # THEN the client sleeps once for that long, asks again, and the account lands
    assert sleeps == [wait]
    assert (manifest["retries"], manifest["waited_seconds"]) == (1, wait)
    assert mastodon_api.requested(ACCOUNT) == 2
    assert landed(manifest["streams"]["account"]["file"])[0]["record"] == fixture_body("mastodon/account")


def test_quota_exhausted_stops_the_stream_cleanly(mastodon_api, sleeps, landing_env, frozen_clock):
    # GIVEN the second statuses page answers 429 with a reset 30 minutes away, over the 900 s the run may wait
    mastodon_api.on(STATUSES, "mastodon/errors/quota_reset", max_id=STATUS_MAX_2)

    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)

    # THEN statuses stop as quota_exhausted with the first page landed, without waiting or asking again
    statuses = manifest["streams"]["statuses"]
    assert statuses["status"] == "quota_exhausted"
    assert "retry in 1800s" in statuses["error"]
    assert ids(statuses["file"]) == ALL_STATUSES[:2]
    assert sleeps == []
    assert mastodon_api.requested(STATUSES, max_id=STATUS_MAX_2) == 1
    # AND the other streams complete: the replies of what was read, the account
    assert manifest["streams"]["account"]["status"] == "complete"
    assert manifest["streams"]["replies"]["status"] == "complete"
    assert manifest["streams"]["replies"]["rows"] == 2


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(recorded("mastodon/errors/service_unavailable_503"), id="http-503-html"),
        pytest.param(recorded("mastodon/statuses/page_2").truncated(), id="truncated-body"),
    ],
)
def test_transient_failure_is_retried_then_succeeds(mastodon_api, sleeps, landing_env, failure):
    # GIVEN the second statuses page first fails in transit, then comes whole
    mastodon_api.on(STATUSES, failure, "mastodon/statuses/page_2", max_id=STATUS_MAX_2)

    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)

    # THEN the client backs off once (at most 1 s on the first retry) and reads the page again
    assert len(sleeps) == 1 and 0.0 <= sleeps[0] <= 1.0
    assert mastodon_api.requested(STATUSES, max_id=STATUS_MAX_2) == 2
    assert manifest["retries"] == 1
    # AND nothing is lost or doubled
    assert ids(manifest["streams"]["statuses"]["file"]) == ALL_STATUSES[:4]
    assert manifest["streams"]["statuses"]["status"] == "complete"


def test_invalid_token_fails_at_once_without_retry(mastodon_api, sleeps, landing_env):
    # GIVEN a revoked token: Mastodon answers 401 with a Doorkeeper WWW-Authenticate header
    mastodon_api.on(ACCOUNT, "mastodon/errors/invalid_token_401")

    # WHEN the account is extracted
    with pytest.raises(AuthError) as raised:
        run(MASTODON_KEY, mastodon_api, sleeps)

    # THEN the error names the platform, the account and the connection to fix, and not the token
    message = str(raised.value)
    for expected in ("mastodon", "maisonlumiere", MASTODON_KEY, "mastodon_maison_lumiere",
                     "SMW_CONN_MASTODON_MAISON_LUMIERE", "The access token is invalid"):
        assert expected in message
    assert MASTODON_TOKEN not in message
    # AND exactly one request was made: no retry, no wait, nothing landed
    assert len(mastodon_api.requests) == 1
    assert sleeps == []
    assert not landing_env.exists() or not any(path.is_file() for path in landing_env.rglob("*"))


def test_optional_fields_missing_still_land(mastodon_api, sleeps, landing_env):
    # GIVEN a status posted from the web (no `application`), with no language detected and no card,
    # and a status with no reply
    status = fixture_body("mastodon/statuses/page_1")[1]
    assert "application" not in status and status["language"] is None and status["card"] is None
    assert status["replies_count"] == 0

    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)

    # THEN it lands as received, with its plain text beside
    assert landed(manifest["streams"]["statuses"]["file"])[1] == {
        "parent_id": None,
        "record": {**status, "content_text": "Portes ouvertes samedi. "
                                             "https://shop.example/p?utm_source=mastodon&utm_medium=social&utm_content=md-5"}}
    # AND a status without replies costs no context call
    assert mastodon_api.requested(context_path(status["id"])) == 0
    assert manifest["streams"]["replies"]["status"] == "complete"


def test_mentions_and_campaign_hashtag_statuses_are_landed_as_received(mastodon_api, sleeps, landing_env):
    # GIVEN mention notifications (one before a 7-day window) and the brand's campaign hashtag timeline
    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)
    # THEN the notifications of the window land whole (type, account, status), the older one is left
    mentions = landed(manifest["streams"]["mentions"]["file"])
    assert [line["record"]["id"] for line in mentions] == ["113345000000000041", "113330000000000042"]
    assert mentions[0]["record"]["status"]["favourites_count"] == 9
    notification_calls = [r for r in mastodon_api.requests if r.url.path == "/api/v1/notifications"]
    assert notification_calls[0].url.params["types[]"] == "mention"
    # AND the hashtag's statuses land with the hashtag they were found under
    tagged = landed(manifest["streams"]["hashtag_statuses"]["file"])
    assert [(line["record"]["id"], line["parent_id"]) for line in tagged] == [("113340000000000051", "#EclatDautomne")]
    assert tagged[0]["record"]["account"]["followers_count"] == 230


def test_status_html_lands_with_its_plain_text(mastodon_api, sleeps, landing_env):
    # GIVEN statuses as Mastodon serves them: HTML with entities (&#39; &amp; &quot;), a mention and a hashtag
    # link, paragraphs, a line break, and a long link split into invisible and ellipsis spans
    mastodon_api.on(STATUSES, "mastodon/statuses/html_entities", max_id=ABSENT)
    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)
    # THEN each status lands as received, plus its text as a reader sees it: entities decoded, the link as its
    # whole URL (one word, its tags intact), the hashtag and the mention whole
    first = landed(manifest["streams"]["statuses"]["file"])[0]["record"]
    assert first["content"] == fixture_body("mastodon/statuses/html_entities")[0]["content"]
    assert first["content_text"] == (
        "L'atelier & la boutique : \"portes ouvertes\" avec @lea #EclatDautomne\n\n"
        "Réservez : https://shop.example/p?utm_source=mastodon&utm_medium=social&utm_campaign=automne_2026"
        "&utm_content=md-9\nÀ samedi")


def test_replies_mentions_and_hashtag_statuses_land_with_their_plain_text(mastodon_api, sleeps, landing_env):
    # GIVEN a reply, a mention notification and a hashtag status, each with HTML content
    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)
    # THEN each carries its decoded text beside its content
    replies = landed(manifest["streams"]["replies"]["file"])
    mention = landed(manifest["streams"]["mentions"]["file"])[0]["record"]["status"]
    tagged = landed(manifest["streams"]["hashtag_statuses"]["file"])[0]["record"]
    assert [line["record"]["content_text"] for line in replies] == [
        "Sublime ! Disponible en 38 ?", "Oui, du 34 au 46 !", "Is it linen?"]
    assert mention["content_text"] == "@maisonlumiere vos bougies sentent divinement bon"
    assert tagged["content_text"] == "Premier feu de cheminée #EclatDautomne"


def test_a_reply_with_entities_is_decoded(mastodon_api, sleeps, landing_env):
    # GIVEN a 28-day window, which reads the thread whose reply is `J&#39;adore`
    manifest = run(MASTODON_KEY, mastodon_api, sleeps, lookback_days=28)
    # THEN its text reads J'adore
    texts = {line["record"]["id"]: line["record"]["content_text"]
             for line in landed(manifest["streams"]["replies"]["file"])}
    assert texts["113300000000090004"] == "J'adore"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        pytest.param("<p>C&#39;est &quot;top&quot; &amp; pas cher &lt;3</p>", "C'est \"top\" & pas cher <3",
                     id="entities"),
        pytest.param('<p><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener" target="_blank">'
                     '<span class="invisible">https://</span><span class="">example.com/a?b=1&amp;c=2</span>'
                     '<span class="invisible"></span></a></p>', "https://example.com/a?b=1&c=2", id="short-link"),
        pytest.param('<p>x <a href="https://example.com/">example.com</a> y</p>', "x https://example.com/ y",
                     id="plain-anchor"),
        pytest.param('<p>see <a href="https://example.com/doc">the doc</a></p>', "see the doc https://example.com/doc",
                     id="anchor-with-own-text"),
        pytest.param("<p>one</p><p>two<br>three</p>", "one\n\ntwo\nthree", id="paragraphs"),
    ],
)
def test_plain_text_reads_mastodon_html(html, text):
    assert plain_text(html) == text


def test_statuses_without_their_time_or_id_are_skipped_and_counted(mastodon_api, sleeps, landing_env):
    # GIVEN a page whose second status has no created_at and whose third has no id
    mastodon_api.on(STATUSES, "mastodon/statuses/html_entities", max_id=ABSENT)
    # WHEN the account is extracted
    manifest = run(MASTODON_KEY, mastodon_api, sleeps)
    # THEN the account completes; neither lands (no window, no day, no key to load them under), and the
    # manifest counts both
    statuses = manifest["streams"]["statuses"]
    assert statuses["status"] == "complete"
    assert ids(statuses["file"]) == ["113300000000000009"]
    assert statuses["skipped"] == {"item without created_at": 1, "status without id": 1}
    assert all(info["status"] == "complete" for info in manifest["streams"].values())
