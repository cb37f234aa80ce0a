"""Bluesky app view (AT Protocol XRPC): getProfile, getAuthorFeed (cursor paging), getPostThread, and
searchPosts (others' posts mentioning an account or carrying a hashtag)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache
from typing import Any

from simulator.community import Mention, naming, tagged
from simulator.protocol import ApiError, Request, Response, iso_z
from simulator.rivals import Rival
from simulator.world import Comment, Post, World

# Bluesky reports no impressions, reach or saves to third parties: likes, reposts, quotes, replies only.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def expired_token_error() -> ApiError:
    return ApiError(400, {"error": "ExpiredToken", "message": "Token has expired"})


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    reset = int(as_of.timestamp()) + 1
    return ApiError(
        429,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": str(reset),
            "ratelimit-policy": "3000;w=300",
        },
    )


def _check_token(request: Request) -> None:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise ApiError(401, {"error": "AuthenticationRequired", "message": "Authentication Required"})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def tid(moment: dt.datetime, identity: str) -> str:
    """A record key in the TID form: microseconds since the epoch and a clock id, base32-sortable."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | (int(_digest(identity)[:4], 16) % 1024)
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


@lru_cache(maxsize=1 << 16)  # a commenter's did is asked for again for each of its comments and mentions
def did_of(author: str) -> str:
    digest = int(_digest(author)[:30], 16)
    return "did:plc:" + "".join(TID_ALPHABET[(digest >> (5 * i)) & 31] for i in range(24))


def post_uri(world: World, post: Post) -> str:
    did = world.profiles[post.account_key].account.account_id
    return f"at://{did}/app.bsky.feed.post/{tid(post.published_at, post.post_id)}"


def comment_uri(world: World, post: Post, comment: Comment) -> str:
    did = world.profiles[post.account_key].account.account_id if comment.is_brand else did_of(comment.author)
    return f"at://{did}/app.bsky.feed.post/{tid(comment.created_at, comment.comment_id)}"


def _cid(uri: str) -> str:
    return "bafyrei" + _digest(uri)[:52]


def top_level_replies(post: Post, as_of: dt.datetime) -> int:
    """replyCount counts direct replies; the brand's answers reply to the comments."""
    return post.top_level_count(as_of)


def _key(world: World, actor: str) -> str:
    for key, profile in world.profiles.items():
        if key.startswith("bluesky:") and actor in (profile.account.account_id, profile.account.handle):
            return key
    raise ApiError(400, {"error": "InvalidRequest", "message": "Profile not found"})


def _author(world: World, key: str) -> dict:
    profile = world.profiles[key]
    return {
        "did": profile.account.account_id,
        "handle": profile.account.handle,
        "displayName": profile.brand.name,
        "labels": [],
        "createdAt": "2023-05-02T10:00:00.000Z",
    }


def _facets(text: str, tags: tuple[str, ...], link: str | None) -> list[dict]:
    """Rich-text facets index UTF-8 bytes, not characters."""
    data = text.encode()
    facets = []
    for tag in tags:
        start = data.find(tag.encode())
        facets.append(
            {
                "$type": "app.bsky.richtext.facet",
                "index": {"byteStart": start, "byteEnd": start + len(tag.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag.lstrip("#")}],
            }
        )
    if link:
        start = data.find(b"shop.example")
        facets.append(
            {
                "$type": "app.bsky.richtext.facet",
                "index": {"byteStart": start, "byteEnd": len(data)},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
            }
        )
    return facets


def _embeds(post: Post, link: str, did: str) -> tuple[dict | None, dict | None]:
    blob = {"$type": "blob", "ref": {"$link": _cid(post.post_id)}, "mimeType": "image/jpeg", "size": 183211}
    cdn = f"https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{_cid(post.post_id)}@jpeg"
    if post.content_type == "image":
        return (
            {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": blob}]},
            {"$type": "app.bsky.embed.images#view", "images": [{"thumb": cdn, "fullsize": cdn, "alt": ""}]},
        )
    if post.content_type == "video":
        video = {**blob, "mimeType": "video/mp4", "size": 4812331}
        return (
            {"$type": "app.bsky.embed.video", "video": video},
            {
                "$type": "app.bsky.embed.video#view",
                "cid": _cid(post.post_id),
                "playlist": f"https://video.bsky.app/watch/{did}/{_cid(post.post_id)}/playlist.m3u8",
            },
        )
    if post.content_type == "link":
        external = {"uri": link, "title": "Shop", "description": ""}
        return (
            {"$type": "app.bsky.embed.external", "external": external},
            {"$type": "app.bsky.embed.external#view", "external": external},
        )
    return None, None


def _post_view(world: World, post: Post, as_of: dt.datetime) -> dict:
    counters = post.counters(as_of)
    profile = world.profiles[post.account_key]
    link = post.link()
    text = f"{post.caption} shop.example/p" if post.content_type == "link" else post.caption
    uri = post_uri(world, post)
    record: dict[str, Any] = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": iso_z(post.published_at),
        "langs": [profile.brand.language],
        "facets": _facets(text, post.hashtags, link if post.content_type == "link" else None),
    }
    embed, embed_view = _embeds(post, link, profile.account.account_id)
    view = {
        "uri": uri,
        "cid": _cid(uri),
        "author": _author(world, post.account_key),
        "record": record,
        "replyCount": top_level_replies(post, as_of),
        "repostCount": counters["shares"] - counters["shares"] // 5,
        "likeCount": counters["likes"],
        "quoteCount": counters["shares"] // 5,
        "indexedAt": iso_z(post.published_at + dt.timedelta(seconds=1)),
        "labels": [],
    }
    if embed:
        record["embed"] = embed
        view["embed"] = embed_view
    return view


def _reply_view(world: World, post: Post, comment: Comment, parent_uri: str, root: str | None = None) -> dict:
    """`root` is the post's uri when the caller has it already."""
    uri = comment_uri(world, post, comment)
    root = root or post_uri(world, post)
    author = (
        _author(world, post.account_key)
        if comment.is_brand
        else {"did": did_of(comment.author), "handle": f"{comment.author}.bsky.social", "labels": []}
    )
    return {
        "uri": uri,
        "cid": _cid(uri),
        "author": author,
        "record": {
            "$type": "app.bsky.feed.post",
            "text": comment.text,
            "createdAt": iso_z(comment.created_at),
            "langs": [comment.language],
            "reply": {
                "root": {"uri": root, "cid": _cid(root)},
                "parent": {"uri": parent_uri, "cid": _cid(parent_uri)},
            },
        },
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 0,
        "quoteCount": 0,
        "indexedAt": iso_z(comment.created_at + dt.timedelta(seconds=1)),
        "labels": [],
    }


def _rival_author(rival: Rival) -> dict:
    return {"did": rival.account_id, "handle": rival.handle, "displayName": rival.name, "labels": [],
            "createdAt": "2023-04-11T09:00:00.000Z"}


def _rival_profile(world: World, rival: Rival, as_of: dt.datetime) -> Response:
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(200, {**_rival_author(rival), "description": "",
                          "followersCount": world.rivals.followers(rival, day), "followsCount": 240,
                          "postsCount": len(world.rivals.posts_as_of(rival, as_of)),
                          "indexedAt": iso_z(as_of - dt.timedelta(hours=1))}, {})


def _rival_feed(world: World, request: Request, rival: Rival, as_of: dt.datetime, limit: int) -> Response:
    """A rival's author feed: its posts newest first, as a feed of others' posts shows them (public counts)."""
    posts = sorted(world.rivals.posts_as_of(rival, as_of), key=lambda post: post.published_at, reverse=True)
    start = int(request.query["cursor"].rpartition("::")[2]) if request.query.get("cursor") else 0
    chunk = posts[start:start + limit]
    feed = []
    for post in chunk:
        counters = post.counters(as_of)
        uri = f"at://{rival.account_id}/app.bsky.feed.post/{tid(post.published_at, post.post_id)}"
        feed.append({"post": {
            "uri": uri, "cid": _cid(uri), "author": _rival_author(rival),
            "record": {"$type": "app.bsky.feed.post", "text": post.caption, "createdAt": iso_z(post.published_at),
                       "langs": ["en"]},
            "replyCount": counters["comments"], "repostCount": counters["shares"] - counters["shares"] // 5,
            "likeCount": counters["likes"], "quoteCount": counters["shares"] // 5,
            "indexedAt": iso_z(post.published_at + dt.timedelta(seconds=1)), "labels": []}})
    body: dict = {"feed": feed}
    if start + limit < len(posts):
        body["cursor"] = f"{iso_z(chunk[-1].published_at)}::{start + limit}"
    return Response(200, body, {})


def get_profile(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    rival = world.rivals.find("bluesky", request.query.get("actor", ""))
    if rival is not None:
        return _rival_profile(world, rival, as_of)
    key = _key(world, request.query.get("actor", ""))
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(
        200,
        {
            **_author(world, key),
            "description": "",
            "followersCount": world.followers(key, day),
            "followsCount": 180,
            "postsCount": world.count_posts_as_of(key, as_of),
            "indexedAt": iso_z(as_of - dt.timedelta(hours=1)),
        },
        {},
    )


def get_author_feed(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    limit = int(request.query.get("limit", 50))
    if not 1 <= limit <= 100:
        raise ApiError(400, {"error": "InvalidRequest", "message": "limit must be between 1 and 100"})
    rival = world.rivals.find("bluesky", request.query.get("actor", ""))
    if rival is not None:
        return _rival_feed(world, request, rival, as_of, limit)
    key = _key(world, request.query.get("actor", ""))

    def build() -> tuple[list[Post], dict[str, int]]:  # once per feed and night: each page is a slice
        posts = sorted(world.posts_as_of(key, as_of), key=lambda post: post.published_at, reverse=True)
        after: dict[str, int] = {}  # a record key -> where the page after it starts (its first post wins)
        for i, post in enumerate(posts):
            after.setdefault(tid(post.published_at, post.post_id), i + 1)
        return posts, after

    posts, after = world.memo(("bluesky.feed", key, as_of), build)
    start = 0
    if request.query.get("cursor"):
        # Opaque to clients: the sort time and record key of the last post served.
        start = after.get(request.query["cursor"].rpartition("::")[2], len(posts))
    chunk = posts[start : start + limit]
    body: dict = {"feed": [{"post": _post_view(world, post, as_of)} for post in chunk]}
    if start + limit < len(posts):
        last = chunk[-1]
        body["cursor"] = f"{iso_z(last.published_at)}::{tid(last.published_at, last.post_id)}"
    return Response(200, body, {})


def get_post_thread(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    uri = request.query.get("uri", "")
    did, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
    key = f"bluesky:{did}"
    by_rkey = world.memo(("bluesky.rkeys", key), lambda: {
        tid(item.published_at, item.post_id): item for item in world.posts(key)}) if key in world.profiles else {}
    post = by_rkey.get(rkey)
    post = post if post is not None and post.published_at <= as_of else None
    if post is None:
        raise ApiError(400, {"error": "NotFound", "message": f"Post not found: {uri}"})
    visible = post.visible_comments(as_of)
    answers_to: dict[str, list[Comment]] = {}
    for item in visible:
        if item.parent_id is not None:
            answers_to.setdefault(item.parent_id, []).append(item)

    def thread(comment: Comment, parent_uri: str) -> dict:
        answers = answers_to.get(comment.comment_id, [])
        view = _reply_view(world, post, comment, parent_uri, root["uri"])
        return {
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": view,
            "replies": [thread(answer, view["uri"]) for answer in answers],
        }

    root = _post_view(world, post, as_of)
    return Response(
        200,
        {
            "thread": {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": root,
                "replies": [thread(comment, root["uri"]) for comment in visible if comment.parent_id is None],
            }
        },
        {},
    )


def _community_view(world: World, item: Mention) -> dict:
    handle = item.author if "." in item.author else f"{item.author}.bsky.social"
    did = did_of(item.author)
    uri = f"at://{did}/app.bsky.feed.post/{tid(item.created_at, item.mention_id)}"
    facets = []  # rich-text facets index UTF-8 bytes, not characters
    for match in re.finditer(r"(?<!\S)([#@])(\S+)", item.text):
        start = len(item.text[:match.start()].encode())
        end = start + len(match.group(0).encode())
        if match.group(1) == "#":
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": match.group(2)}
        else:
            mentioned = next((key for key, profile in world.profiles.items() if key.startswith("bluesky:")
                              and profile.account.handle == match.group(2)), None)
            if mentioned is None:
                continue
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": world.profiles[mentioned].account.account_id}
        facets.append({"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end},
                       "features": [feature]})
    return {
        "uri": uri, "cid": _cid(uri), "author": {"did": did, "handle": handle, "labels": []},
        "record": {"$type": "app.bsky.feed.post", "text": item.text, "createdAt": iso_z(item.created_at),
                   "langs": [item.language], "facets": facets},
        "replyCount": item.comments, "repostCount": item.shares - item.shares // 5, "likeCount": item.likes,
        "quoteCount": item.shares // 5, "indexedAt": iso_z(item.created_at + dt.timedelta(seconds=2)), "labels": [],
    }


def search_posts(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """searchPosts with `sort=latest`: `mentions` (a handle or DID) and `tag` (without #) filter; `since`
    bounds the creation time; `cursor` is an offset, opaque to clients."""
    _check_token(request)
    if not request.query.get("q"):
        raise ApiError(400, {"error": "InvalidRequest", "message": 'Error: Params must have the property "q"'})
    limit = int(request.query.get("limit", 25))
    if not 1 <= limit <= 100:
        raise ApiError(400, {"error": "InvalidRequest", "message": "limit must be between 1 and 100"})

    def build() -> list[dict]:
        if request.query.get("mentions"):
            items = naming(world, _key(world, request.query["mentions"]), as_of)
        elif request.query.get("tag"):
            items = tagged(world, "bluesky", {"#" + request.query["tag"]}, as_of)
        else:
            items = []
        since = request.query.get("since")
        if since:
            floor = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
            items = [item for item in items if item.created_at >= floor]
        return [_community_view(world, item) for item in sorted(items, key=lambda item: item.created_at,
                                                                       reverse=True)]

    memo_key = ("bluesky.search", request.query.get("mentions"), request.query.get("tag"),
                request.query.get("since"), as_of)
    views = world.memo(memo_key, build)
    start = int(request.query.get("cursor") or 0)
    body: dict = {"posts": views[start:start + limit], "hitsTotal": len(views)}
    if start + limit < len(views):
        body["cursor"] = str(start + limit)
    return Response(200, body, {})


ROUTES = [
    (r"/xrpc/app\.bsky\.actor\.getProfile", get_profile),
    (r"/xrpc/app\.bsky\.feed\.getAuthorFeed", get_author_feed),
    (r"/xrpc/app\.bsky\.feed\.getPostThread", get_post_thread),
    (r"/xrpc/app\.bsky\.feed\.searchPosts", search_posts),
]
