"""Mastodon REST API v1: account, statuses (Link-header paging), status context (replies), mention
notifications and hashtag timelines (others' statuses)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_right
from typing import TypeVar

from simulator.community import Mention, naming, tagged
from simulator.protocol import ApiError, Request, Response, iso_z, page_link
from simulator.rivals import Rival
from simulator.world import Comment, Post, World, platform_id


def expired_token_error() -> ApiError:
    return ApiError(401, {"error": "The access token is invalid"})


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    reset = (as_of + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return ApiError(429, {"error": "Too many requests"},
                    {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})


# What Mastodon's formatter links in a status's text: URLs, #hashtags and @mentions (user or user@server).
TOKENS = re.compile(r"(?P<url>https?://[^\s<>\"]+)|(?<![\w/])#(?P<tag>\w+)|"
                    r"(?<![\w/])@(?P<user>\w+(?:[.-]\w+)*(?:@[\w.-]+\w)?)")
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
URL_SHOWN = 30  # characters of a URL shown before the ellipsis


def escape(text: str) -> str:
    """HTML-escape as Mastodon (Rails) does: & < > " and ' as &#39;."""
    return "".join(ESCAPES.get(char, char) for char in text)


def _link(url: str) -> str:
    """A URL as Mastodon writes it: the scheme (and www.) in an invisible span, the first 30 characters of
    the rest in the ellipsis span (shown with a trailing …), the remainder invisible."""
    prefix = re.match(r"https?://(www\.)?", url)
    head = prefix.group(0) if prefix else ""
    shown, hidden = url[len(head):][:URL_SHOWN], url[len(head):][URL_SHOWN:]
    return (f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
            f'<span class="invisible">{escape(head)}</span><span class="{"ellipsis" if hidden else ""}">'
            f'{escape(shown)}</span><span class="invisible">{escape(hidden)}</span></a>')


def html_content(text: str) -> str:
    """A status's text as Mastodon serves its `content`: escaped, URLs, hashtags and mentions linked,
    paragraphs in <p> and line breaks as <br />."""
    def linked(match: re.Match) -> str:
        if match.group("url"):
            return _link(match.group("url"))
        if match.group("tag"):
            tag = match.group("tag")
            return (f'<a href="https://mastodon.example/tags/{escape(tag.lower())}" class="mention hashtag" '
                    f'rel="tag">#<span>{escape(tag)}</span></a>')
        user, _, server = match.group("user").partition("@")
        return (f'<span class="h-card" translate="no"><a href="https://{escape(server or "mastodon.example")}/@'
                f'{escape(user)}" class="u-url mention">@<span>{escape(user)}</span></a></span>')

    def paragraph(part: str) -> str:
        out, last = [], 0
        for match in TOKENS.finditer(part):
            out += [escape(part[last:match.start()]), linked(match)]
            last = match.end()
        out.append(escape(part[last:]))
        return "".join(out).replace("\n", "<br />")

    return "".join(f"<p>{paragraph(part)}</p>" for part in text.split("\n\n"))


def _check_token(request: Request) -> None:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise ApiError(401, {"error": "The access token is invalid"})


def _account(world: World, key: str, as_of: dt.datetime) -> dict:
    profile = world.profiles[key]
    day = (as_of - dt.timedelta(microseconds=1)).date()
    handle = profile.account.handle
    return {
        "id": profile.account.account_id, "username": handle, "acct": handle, "display_name": profile.brand.name,
        "locked": False, "bot": False, "created_at": "2022-11-01T00:00:00.000Z", "note": "",
        "url": f"https://mastodon.example/@{handle}", "followers_count": world.followers(key, day),
        "following_count": 120, "statuses_count": world.count_posts_as_of(key, as_of),
    }


def _commenter(author: str, followers: int | None = None) -> dict:
    # a remote author's acct is user@server; a roster handle may already name its server
    username, _, server = author.partition("@")
    server = server or "other.example"
    digest = hashlib.sha256(author.encode()).hexdigest()
    return {"id": str(int(digest[:12], 16)), "username": username, "acct": f"{username}@{server}",
            "display_name": username, "url": f"https://{server}/@{username}",
            "followers_count": followers if followers is not None else 20 + int(digest[12:18], 16) % 3000}


MEDIA = {"image": "image", "video": "video"}

T = TypeVar("T")
# A listing newest first by id: its (id, item) pairs, and their negated ids to bisect (see _newest_first).
Listing = tuple[list[tuple[int, T]], list[int]]


def _status(world: World, post: Post, as_of: dt.datetime) -> dict:
    counters = post.counters(as_of)
    link = post.link()
    media = MEDIA.get(post.content_type)
    return {
        "id": post.post_id, "created_at": iso_z(post.published_at), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": world.profiles[post.account_key].brand.language,
        "uri": f"https://mastodon.example/users/x/statuses/{post.post_id}",
        "url": f"https://mastodon.example/@x/{post.post_id}",
        "replies_count": counters["comments"], "reblogs_count": counters["shares"],
        "favourites_count": counters["likes"],
        "content": html_content(f"{post.caption} {link}"),
        "account": _account(world, post.account_key, as_of),
        "media_attachments": [{"id": f"{post.post_id}1", "type": media}] if media else [],
        "tags": [{"name": tag.lstrip("#"), "url": f"https://mastodon.example/tags/{tag.lstrip('#')}"}
                 for tag in post.hashtags],
        "card": {"url": link, "title": "Shop", "type": "link"} if post.content_type == "link" else None,
    }


def _reply(world: World, post: Post, comment: Comment) -> dict:
    author = (_account(world, post.account_key, comment.created_at) if comment.is_brand
              else _commenter(comment.author))
    return {
        "id": comment.comment_id, "created_at": iso_z(comment.created_at),
        "in_reply_to_id": comment.parent_id or post.post_id, "visibility": "public",
        "language": comment.language, "content": html_content(comment.text), "account": author,
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "media_attachments": [], "tags": [],
    }


def account(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    key = f"mastodon:{params['account_id']}"
    if key not in world.profiles:
        raise ApiError(404, {"error": "Record not found"})
    return Response(200, _account(world, key, as_of), {})


def _rival_account(world: World, rival: Rival, as_of: dt.datetime) -> dict:
    day = (as_of - dt.timedelta(microseconds=1)).date()
    username, _, server = rival.handle.lstrip("@").partition("@")
    server = server or "mastodon.example"
    return {"id": rival.account_id, "username": username, "acct": f"{username}@{server}",
            "display_name": rival.name, "locked": False, "bot": False, "created_at": "2022-12-01T00:00:00.000Z",
            "note": "", "url": f"https://{server}/@{username}", "followers_count": world.rivals.followers(rival, day),
            "following_count": 85, "statuses_count": len(world.rivals.posts_as_of(rival, as_of))}


def lookup(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """`GET /api/v1/accounts/lookup?acct=user@instance`: an account by its address (a rival; the brands'
    own accounts by their handle)."""
    _check_token(request)
    acct = request.query.get("acct", "")
    rival = world.rivals.find("mastodon", acct)
    if rival is not None:
        return Response(200, _rival_account(world, rival, as_of), {})
    for key, profile in world.profiles.items():
        if key.startswith("mastodon:") and profile.account.handle == acct:
            return Response(200, _account(world, key, as_of), {})
    raise ApiError(404, {"error": "Record not found"})


def _rival_statuses(world: World, request: Request, rival: Rival, as_of: dt.datetime, limit: int) -> Response:
    """A rival's public statuses, newest first, paged by max_id as an owned account's are."""
    listing = world.memo(("mastodon.rival", rival.account_id, as_of), lambda: _newest_first(
        [(int(post.post_id), post) for post in world.rivals.posts_as_of(rival, as_of)]))
    page = [post for _, post in _page(request, listing, limit)]
    account = _rival_account(world, rival, as_of)
    body: list[dict] = []
    for post in page:
        counters = post.counters(as_of)
        body.append({
            "id": post.post_id, "created_at": iso_z(post.published_at), "in_reply_to_id": None,
            "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
            "language": "en", "uri": f"{account['url']}/statuses/{post.post_id}",
            "url": f"{account['url']}/{post.post_id}", "replies_count": counters["comments"],
            "reblogs_count": counters["shares"], "favourites_count": counters["likes"],
            "content": html_content(post.caption), "account": account, "media_attachments": [], "tags": []})
    headers = {}
    if len(page) == limit:
        headers["Link"] = f'<{request.base}{request.path}?limit={limit}&max_id={page[-1].post_id}>; rel="next"'
    return Response(200, body, headers)


def statuses(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    key = f"mastodon:{params['account_id']}"
    limit = min(int(request.query.get("limit", 20)), 40)
    rival = world.rivals.find("mastodon", params["account_id"])
    if rival is not None:
        return _rival_statuses(world, request, rival, as_of, limit)
    newest_first = world.memo(("mastodon.statuses", key, as_of), lambda: _newest_first(
        [(int(post.post_id), post) for post in world.posts_as_of(key, as_of)]))
    page = [post for _, post in _page(request, newest_first, limit)]
    headers = {}
    if page:
        # The next link is sent while the page is full; the page after the last one is empty, as on Mastodon.
        links = [f'<{request.base}{request.path}?limit={limit}&min_id={page[0].post_id}>; rel="prev"']
        if len(page) == limit:
            links.insert(0, f'<{request.base}{request.path}?limit={limit}&max_id={page[-1].post_id}>; rel="next"')
        headers["Link"] = ", ".join(links)
    return Response(200, [_status(world, post, as_of) for post in page], headers)


def context(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    post = world.find_post("mastodon", params["status_id"])
    if post is None or post.published_at > as_of:
        raise ApiError(404, {"error": "Record not found"})
    return Response(200, {"ancestors": [],
                          "descendants": [_reply(world, post, comment) for comment in post.visible_comments(as_of)]},
                    {})


def _community_status(item: Mention) -> dict:
    status_id = platform_id("mastodon", item.created_at, item.mention_id)
    return {
        "id": status_id, "created_at": iso_z(item.created_at), "in_reply_to_id": None,
        "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public",
        "language": item.language, "uri": f"https://other.example/users/{item.author}/statuses/{status_id}",
        "url": f"https://other.example/@{item.author}/{status_id}",
        "replies_count": item.comments, "reblogs_count": item.shares, "favourites_count": item.likes,
        "content": html_content(item.text), "account": _commenter(item.author, item.author_followers),
        "media_attachments": [], "mentions": [], "tags": [{"name": tag.lstrip("#"), "url": f"https://mastodon.example/tags/{tag.lstrip('#')}"}
                                    for tag in item.hashtags],
    }


def _newest_first(items: list[tuple[int, T]]) -> Listing[T]:
    """A listing's items newest first by id (sorted once per listing), with their negated ids to bisect."""
    ordered = sorted(items, key=lambda item: item[0], reverse=True)
    return ordered, [-item[0] for item in ordered]


def _page(request: Request, listing: Listing[T], limit: int) -> list[tuple[int, T]]:
    """The first `limit` items of a _newest_first listing below the request's max_id, if any."""
    ordered, negated = listing
    start = bisect_right(negated, -int(request.query["max_id"])) if request.query.get("max_id") and ordered else 0
    return ordered[start:start + limit] if limit >= 0 else ordered[start:][:limit]


def _listing(request: Request, listing: Listing[dict]) -> Response:
    """Newest first by id, `limit` (at most 40) at a time; the Link header's next carries max_id."""
    limit = min(int(request.query.get("limit", 20)), 40)
    page = _page(request, listing, limit)
    headers = {}
    if len(page) == limit:
        headers["Link"] = f'<{page_link(request, max_id=page[-1][0])}>; rel="next"'
    return Response(200, [body for _, body in page], headers)


def notifications(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """The token owner's notifications; `types[]=mention` keeps the statuses that mention the account:
    replies to its posts and others' posts naming it. Simulated tokens end in their account's id."""
    _check_token(request)
    key = f"mastodon:{request.headers['authorization'].rpartition('.')[2]}"
    if key not in world.profiles:
        raise ApiError(401, {"error": "The access token is invalid"})
    kinds = request.query.get("types[]", "mention")
    if kinds != "mention":
        return Response(200, [], {})

    def build() -> Listing[dict]:
        items = []
        for post in world.posts_as_of(key, as_of):
            for comment in post.visible_comments(as_of):
                if not comment.is_brand:
                    status = _reply(world, post, comment)
                    items.append((int(comment.comment_id), status))
        items += [(int(status["id"]), status) for status in map(_community_status, naming(world, key, as_of))]
        return _newest_first([(status_id, {"id": str(status_id), "type": "mention", "created_at": status["created_at"],
                                           "account": status["account"], "status": status})
                              for status_id, status in items])

    return _listing(request, world.memo(("mastodon.notifications", key, as_of), build))


def tag_timeline(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Public statuses carrying the hashtag (case-insensitive), the brand's own left out here."""
    _check_token(request)

    def build() -> Listing[dict]:
        statuses = map(_community_status, tagged(world, "mastodon", {"#" + params["hashtag"]}, as_of))
        return _newest_first([(int(status["id"]), status) for status in statuses])

    return _listing(request, world.memo(("mastodon.tag", params["hashtag"].lower(), as_of), build))


ROUTES = [
    (r"/api/v1/accounts/lookup", lookup),
    (r"/api/v1/accounts/(?P<account_id>\d+)", account),
    (r"/api/v1/accounts/(?P<account_id>\d+)/statuses", statuses),
    (r"/api/v1/statuses/(?P<status_id>\d+)/context", context),
    (r"/api/v1/notifications", notifications),
    (r"/api/v1/timelines/tag/(?P<hashtag>\w+)", tag_timeline),
]
