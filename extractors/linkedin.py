"""LinkedIn Community Management API (versioned /rest): lifetime follower statistics with the organization's
follower total (networkSizes), the organization's posts, their share statistics and their comments (with the
replies to them). An account's account_id is the numeric organization id; its token is a member's OAuth token
with an ADMINISTRATOR role on the page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import httpx

from core.config import Extraction
from extractors.base import ApiRefusal, Client, Grant, Record, RunContext, Stream, parse_json, retry_after

# One pinned version for every call: LinkedIn supports a version for at least a year, then answers 426. The pin
# and its sunset live in core.config (extraction.linkedin_api); extractors.run hands the configured one over.
LINKEDIN_VERSION = Extraction.model_fields["linkedin_api"].default.version
PAGE_SIZE = 100
STATS_PER_CALL = 20  # post urns per share statistics call, kept well inside the URL length limit
# LinkedIn's throttles answer 429 without Retry-After; the daily ones (".. DAY limit ..") reset at midnight UTC.
WINDOW_SECONDS = 60.0


TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"


class LinkedInClient(Client):
    """A member's access token lives 60 days. LinkedIn gives refresh tokens (365 days from the first
    authorization, not extended by a refresh) only to approved Marketing Developer Platform partners: with
    one, and the app's client id and secret, in the connection's extra, the client renews the access token
    itself; without, the operator renews it before the 60 days are out (check-credentials says when)."""

    platform = "linkedin"
    default_base_url = "https://api.linkedin.com"
    version = LINKEDIN_VERSION
    renew_hint = ("Generate a new access token as a page administrator (LinkedIn Developer Portal, OAuth token "
                  "tool; scopes r_organization_social, r_organization_social_feed, rw_organization_admin), "
                  "or a new refresh token if the app has programmatic refresh")

    def renewable(self) -> bool:
        return bool(self.credential.get("refresh_token") and self.credential.get("client_id")
                    and self.credential.get("client_secret"))

    def obtain(self, refresh_token: str | None) -> Grant:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token or "",
                "client_id": self.credential.get("client_id") or "",
                "client_secret": self.credential.get("client_secret") or ""}
        return self.refresh_grant(self.endpoint(TOKEN_URL), form)

    def auth_headers(self) -> dict[str, str]:
        return {**super().auth_headers(), "LinkedIn-Version": self.version, "X-Restli-Protocol-Version": "2.0.0"}

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        if response.status_code != 429:
            return None
        try:
            message = str(json.loads(response.content).get("message", ""))
        except (ValueError, AttributeError):
            message = ""
        if " DAY limit" in message:
            return float("inf")  # no wait within the run helps before midnight UTC
        wait = retry_after(response)
        return WINDOW_SECONDS if wait is None else wait

    @property
    def organization(self) -> str:
        return f"urn:li:organization:{self.account.account_id}"

    def pages(self, url: str, params: dict) -> Iterator[dict]:
        """start/count paging: the last page is one with no elements, or whose start + count reaches `total`
        (without `total`, one shorter than asked for)."""
        start = 0
        while True:
            body = parse_json(self.get(url, {**params, "start": start, "count": PAGE_SIZE}))
            yield body
            elements, paging = body.get("elements") or [], body.get("paging") or {}
            count = int(paging.get("count") or PAGE_SIZE)
            start = int(paging.get("start") or start) + count
            total = paging.get("total")
            if not elements or (start >= int(total) if total is not None else len(elements) < count):
                return


def restli(value: str) -> str:
    """A URN as Rest.li 2.0 wants it inside a query or path: every reserved character percent-encoded."""
    return quote(value, safe="")


def urn_of(statistics: dict) -> str | None:
    return statistics.get("share") or statistics.get("ugcPost")


class FollowerStatistics(Stream[LinkedInClient]):
    """Lifetime follower counts by facet (no timeIntervals): one element for the organization, with the
    organization's follower total from the Organization Lookup API's networkSizes (`firstDegreeSize` of the
    COMPANY_FOLLOWED_BY_MEMBER edge) attached under `networkSize`, as received. The facets cannot give the
    total: each lists its top 100 values only, and their organicFollowerCount already includes the paid
    followers. A networkSizes call the API refuses is recorded; the element still lands (staging then sums
    the largest facet present, a lower bound)."""

    name = "follower_statistics"

    def records(self, client: LinkedInClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        params = {"q": "organizationalEntity", "organizationalEntity": client.organization}
        body = parse_json(client.get("/rest/organizationalEntityFollowerStatistics", params))
        elements = body.get("elements") or [{"organizationalEntity": client.organization}]
        try:
            size = parse_json(client.get(f"/rest/networkSizes/{restli(client.organization)}",
                                         {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}))
        except ApiRefusal as error:
            client.item_error(f"networkSizes {client.organization}", error)
            size = None
        for element in elements:
            yield ({**element, "networkSize": size} if size is not None else element), client.account.account_id


class Posts(Stream[LinkedInClient]):
    """The organization's posts published since the window start, newest first."""

    name = "posts"

    def records(self, client: LinkedInClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        since = context.window_start_utc.timestamp() * 1000
        params = {"author": client.organization, "q": "author", "sortBy": "CREATED"}
        for page in client.pages("/rest/posts", params):
            for post in page.get("elements") or []:
                if not post.get("id"):
                    client.skip("post without id")
                    continue
                published = post.get("publishedAt") or post.get("createdAt")
                if not isinstance(published, int | float):
                    client.skip("post without publishedAt or createdAt")  # in no window, no mart; counted
                    continue
                if published < since:
                    return
                yield post, client.account.account_id


class ShareStatistics(Stream[LinkedInClient]):
    """Lifetime totalShareStatistics of the window's posts: shares and ugcPosts are asked for in their own
    List() parameters, built by hand (httpx would encode the parentheses and commas Rest.li needs)."""

    name = "share_statistics"

    def records(self, client: LinkedInClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        urns = [post["id"] for post in parents if post.get("id")]
        for field, prefix in (("shares", "urn:li:share:"), ("ugcPosts", "urn:li:ugcPost:")):
            chosen = [urn for urn in urns if urn.startswith(prefix)]
            for start in range(0, len(chosen), STATS_PER_CALL):
                listed = ",".join(restli(urn) for urn in chosen[start:start + STATS_PER_CALL])
                query = (f"q=organizationalEntity&organizationalEntity={restli(client.organization)}"
                         f"&{field}=List({listed})")
                body = parse_json(client.get(f"/rest/organizationalEntityShareStatistics?{query}"))
                for element in body.get("elements") or []:
                    yield {**element, "post_urn": urn_of(element)}, urn_of(element)


class Comments(Stream[LinkedInClient]):
    """The comments on each post that has any, then the replies to each comment that has some
    (`commentsSummary`); a reply carries `parentComment`. All are landed under the post's urn."""

    name = "comments"

    def records(self, client: LinkedInClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for statistics in parents:
            post = urn_of(statistics)
            if not post or not int((statistics.get("totalShareStatistics") or {}).get("commentCount") or 0):
                continue
            for comment in self._comments(client, post):
                yield comment, post
                summary = comment.get("commentsSummary") or {}
                if int(summary.get("aggregatedTotalComments") or summary.get("totalFirstLevelComments") or 0):
                    urn = comment.get("commentUrn") or comment.get("$URN")
                    if not urn:
                        client.missing("commentUrn")  # its replies cannot be asked for
                        continue
                    for reply in self._comments(client, urn):
                        yield reply, post

    @staticmethod
    def _comments(client: LinkedInClient, urn: str) -> Iterator[dict]:
        for page in client.pages(f"/rest/socialActions/{restli(urn)}/comments", {}):
            yield from page.get("elements") or []


STREAMS: tuple[type[Stream[LinkedInClient]], ...] = (FollowerStatistics, Posts, ShareStatistics, Comments)
CLIENT: type[LinkedInClient] = LinkedInClient
