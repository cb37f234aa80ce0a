"""Mastodon REST API v1: the account, its statuses (Link-header paging), the replies in their context, the
mentions of the account (notifications) and others' statuses on the brand's campaign hashtags.

A status's `content` is HTML. Each status is landed as received plus `content_text`, its text as a reader sees
it (`plain_text`): entities decoded, a link as its plain URL, a hashtag as `#Tag`, a mention as `@user`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from extractors.base import ApiRefusal, Client, Record, RunContext, Stream, parse_json, parse_time

TEXT_FIELD = "content_text"


class MastodonClient(Client):
    platform = "mastodon"
    default_base_url = "https://mastodon.social"
    # Mastodon's access tokens do not expire; they end when revoked (the user, or the app, removed).
    renew_hint = ("Create a new access token for the brand's account (Preferences, Development, the application; "
                  "scopes read:accounts read:statuses read:notifications read:search)")

    def pages(self, url: str, params: dict) -> Iterator[list]:
        """Follow the Link header's rel="next"; a header without it, or an empty page, is the last."""
        while url:
            response = self.get(url, params)
            body = parse_json(response)
            yield body
            if not body:
                return
            url, params = response.links.get("next", {}).get("url", ""), {}


class _Text(HTMLParser):
    """Mastodon's status HTML as text. Mastodon writes a link as `<a href="URL"><span class="invisible">https://
    </span><span class="ellipsis">first 30 characters</span><span class="invisible">the rest</span></a>`,
    a hashtag as `<a class="mention hashtag">#<span>Tag</span></a>` and a mention as `<a class="u-url
    mention">@<span>user</span></a>`: a link becomes its URL, a hashtag or mention its text. Paragraphs and
    line breaks become newlines; entities (`&amp;`, `&quot;`, `&#39;`) are decoded by the parser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.link: dict | None = None  # the open <a>: its href, its kind and its text so far

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "br":
            self._put("\n")
        elif tag == "p" and self.parts:
            self._put("\n\n")
        elif tag == "a" and self.link is None:
            classes = set(named.get("class", "").split())
            self.link = {"href": named.get("href", ""), "text": [], "spans": False,
                         "label": bool(classes & {"mention", "hashtag"})}
        elif tag == "span" and self.link is not None:
            if set(named.get("class", "").split()) & {"invisible", "ellipsis"}:
                self.link["spans"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link is not None:
            link, self.link = self.link, None
            text = "".join(link["text"])
            href = link["href"]
            if link["label"] or not href:
                self._put(text)
            elif link["spans"] or _same_url(text, href):
                self._put(href)
            else:  # a link with a text of its own (Markdown-enabled servers): both
                self._put(f"{text} {href}")

    def handle_data(self, data: str) -> None:
        if self.link is not None:
            self.link["text"].append(data)
        else:
            self._put(data)

    def _put(self, text: str) -> None:
        self.parts.append(text)


def _same_url(text: str, href: str) -> bool:
    strip = re.compile(r"^[a-z]+://(www\.)?|/$|…$")
    return strip.sub("", text.strip()) in strip.sub("", href)


def plain_text(content: str) -> str:
    """A status's HTML `content` as plain text (see _Text)."""
    parser = _Text()
    parser.feed(content)
    parser.close()
    lines = ("".join(parser.parts)).split("\n")
    return "\n".join(re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in lines).strip()


def with_text(status: dict) -> dict:
    """The status as received, plus its plain text under `content_text` (when it has HTML content)."""
    content = status.get("content")
    return {**status, TEXT_FIELD: plain_text(content)} if isinstance(content, str) else status


def created(record: dict) -> dt.datetime | None:
    return parse_time(record.get("created_at"))


def _within(client: MastodonClient, url: str, params: dict, context: RunContext) -> Iterator[dict]:
    """A newest-first listing's records until the first one older than the window start. A record without
    its time belongs to no window and no day of the marts: it is skipped, and counted in the manifest."""
    for page in client.pages(url, params):
        for record in page:
            when = created(record)
            if when is None:
                client.skip("item without created_at")
                continue
            if when < context.window_start_utc:
                return
            yield record


class Account(Stream[MastodonClient]):
    name = "account"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        yield parse_json(client.get(f"/api/v1/accounts/{client.account.account_id}")), None


class Statuses(Stream[MastodonClient]):
    name = "statuses"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        url = f"/api/v1/accounts/{client.account.account_id}/statuses"
        params = {"limit": 40, "exclude_replies": "true", "exclude_reblogs": "true"}
        for record in _within(client, url, params, context):
            if not record.get("id"):
                client.skip("status without id")
                continue
            yield with_text(record), None


class Replies(Stream[MastodonClient]):
    name = "replies"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for status in parents:
            if not status.get("id") or not status.get("replies_count"):
                continue
            body = parse_json(client.get(f"/api/v1/statuses/{status['id']}/context"))
            for record in body.get("descendants", []):
                yield with_text(record), status["id"]


class Mentions(Stream[MastodonClient]):
    """Mention notifications of the token's account since the window start: replies to its posts (also
    read as replies) and others' statuses naming it."""

    name = "mentions"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for record in _within(client, "/api/v1/notifications", {"types[]": "mention", "limit": 40}, context):
            status = record.get("status")
            yield ({**record, "status": with_text(status)} if isinstance(status, dict) else record), None


class HashtagStatuses(Stream[MastodonClient]):
    """Public statuses on each campaign hashtag's timeline since the window start; the parent id is the
    hashtag, so a status carrying two of them lands twice and staging keeps it once."""

    name = "hashtag_statuses"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for hashtag in context.hashtags:
            url = f"/api/v1/timelines/tag/{hashtag.lstrip('#')}"
            for record in _within(client, url, {"limit": 40}, context):
                yield with_text(record), hashtag


class RivalAccounts(Stream[MastodonClient]):
    """Each rival's public account (`brands[].rivals`), found by its address through the brand's instance:
    `GET /api/v1/accounts/lookup?acct=<user@instance>`. The instance must know the account (a remote rival is
    known once someone on it follows or searches it); one it does not know is listed under `item_errors`."""

    name = "rival_accounts"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for rival in context.rivals:
            try:
                yield parse_json(client.get("/api/v1/accounts/lookup", {"acct": rival.lstrip("@")})), rival
            except ApiRefusal as error:
                client.item_error(f"rival_accounts/{rival}", error)


class RivalStatuses(Stream[MastodonClient]):
    """Each rival's own public statuses since the window start (no replies, no boosts), with their public
    counts; the parent id is the rival's account id."""

    name = "rival_statuses"

    def records(self, client: MastodonClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for account in parents:
            if not account.get("id"):
                continue
            url = f"/api/v1/accounts/{account['id']}/statuses"
            params = {"limit": 40, "exclude_replies": "true", "exclude_reblogs": "true"}
            for record in _within(client, url, params, context):
                if not record.get("id"):
                    client.skip("status without id")
                    continue
                yield with_text(record), account["id"]


STREAMS: tuple[type[Stream[MastodonClient]], ...] = (Account, Statuses, Replies, Mentions, HashtagStatuses,
                                                      RivalAccounts, RivalStatuses)
CLIENT: type[MastodonClient] = MastodonClient
