"""TikTok Display API v2: user info, the user's videos (POST /v2/video/list/, newest first, paged by a
millisecond cursor) and videos by id (POST /v2/video/query/). Every answer carries `error` ({"code": "ok"}
on success); only the fields asked for in `fields` are returned."""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right

from simulator.protocol import ApiError, Request, Response
from simulator.world import Post, World

# The Display API has no comments endpoint and reports no reach, saves or impressions.
USER_FIELDS = {"open_id", "union_id", "avatar_url", "display_name", "bio_description", "profile_deep_link",
               "is_verified", "username", "follower_count", "following_count", "likes_count", "video_count"}
VIDEO_FIELDS = {"id", "create_time", "cover_image_url", "share_url", "video_description", "duration", "height",
                "width", "title", "embed_html", "embed_link", "like_count", "comment_count", "share_count",
                "view_count"}
DURATION = {"short_video": (9, 60), "video": (61, 600)}
MAX_COUNT = 20


def _log_id(*parts: object) -> str:
    return "2026" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:28].upper()


def _error(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, {"data": {}, "error": {"code": code, "message": message, "log_id": _log_id(code)}})


def expired_token_error() -> ApiError:
    return _error(401, "access_token_invalid", "The access token is invalid or not found in the request.")


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    return _error(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")


def _ok(data: dict, request: Request) -> Response:
    return Response(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": _log_id(request.path)}},
                    {})


def _account(world: World, request: Request) -> str:
    """The token's user: the simulated token names nobody, so the `x-tiktok-open-id` test header, or the
    world's only TikTok account, says whose it is."""
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise expired_token_error()
    keys = [key for key in world.profiles if key.startswith("tiktok:")]
    wanted = request.headers.get("x-tiktok-open-id")
    if wanted and f"tiktok:{wanted}" in world.profiles:
        return f"tiktok:{wanted}"
    if len(keys) != 1:
        raise _error(401, "access_token_invalid", "The access token does not name one simulated user.")
    return keys[0]


def _fields(request: Request, allowed: set[str]) -> list[str]:
    fields = [field for field in request.query.get("fields", "").split(",") if field]
    unknown = [field for field in fields if field not in allowed]
    if not fields or unknown:
        raise _error(400, "invalid_params", f"Invalid fields: {','.join(unknown) or '(none)'}")
    return fields


def video_id(post: Post) -> str:
    return str(7_300_000_000_000_000_000 + int(post.post_id) % 10**17)


def _video(world: World, post: Post, as_of: dt.datetime, fields: list[str]) -> dict:
    counters = post.counters(as_of)
    handle = world.profiles[post.account_key].account.handle
    low, high = DURATION[post.content_type]
    vid = video_id(post)
    values = {
        "id": vid,
        "create_time": int(post.published_at.timestamp()),
        "cover_image_url": f"https://p16-sign.tiktokcdn-us.com/obj/tos-useast5-p-0068/{vid}?x-expires=1",
        "share_url": f"https://www.tiktok.com/@{handle}/video/{vid}",
        "video_description": f"{post.caption} {post.link()}",
        "duration": low + int(post.post_id) % (high - low + 1),
        "height": 1920,
        "width": 1080,
        "title": post.caption,
        "embed_html": f'<blockquote class="tiktok-embed" data-video-id="{vid}"></blockquote>',
        "embed_link": f"https://www.tiktok.com/player/v1/{vid}",
        "like_count": counters["likes"],
        "comment_count": counters["comments"],
        "share_count": counters["shares"],
        "view_count": counters["views"],
    }
    return {field: values[field] for field in fields}


def user_info(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    key = _account(world, request)
    fields = _fields(request, USER_FIELDS)
    profile = world.profiles[key]
    day = (as_of - dt.timedelta(microseconds=1)).date()
    posts = world.posts_as_of(key, as_of)
    values = {
        "open_id": profile.account.account_id,
        "union_id": "c9c60f44-" + profile.account.account_id[-12:],
        "avatar_url": f"https://p16-sign.tiktokcdn-us.com/avatar/{profile.account.account_id}.jpeg",
        "display_name": profile.brand.name,
        "bio_description": profile.brand.name,
        "profile_deep_link": f"https://vm.tiktok.com/{profile.account.handle}",
        "is_verified": True,
        "username": profile.account.handle,
        "follower_count": world.followers(key, day),
        "following_count": 12,
        "likes_count": sum(post.counters(as_of)["likes"] for post in posts),
        "video_count": len(posts),
    }
    return _ok({"user": {field: values[field] for field in fields}}, request)


def _body(request: Request) -> dict:
    return request.body if isinstance(request.body, dict) else {}


def video_list(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Newest first; `cursor` is the create_time (ms) below which the next page starts; has_more false last."""
    key = _account(world, request)
    fields = _fields(request, VIDEO_FIELDS)
    body = _body(request)
    count = body.get("max_count", 10)
    if not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise _error(400, "invalid_params", "max_count must be between 1 and 20")
    cursor = body.get("cursor")

    def build() -> tuple[list[Post], list[float]]:  # once per user and night: each page is a slice
        ordered = sorted(world.posts_as_of(key, as_of), key=lambda post: post.published_at, reverse=True)
        return ordered, [-(post.published_at.timestamp() * 1000) for post in ordered]

    ordered, negated = world.memo(("tiktok.videos", key, as_of), build)
    start = 0
    if cursor is not None and ordered:
        start = bisect_right(negated, -int(cursor))  # newest first: the posts below the cursor are a suffix
    page = ordered[start:start + count]
    next_cursor = int(page[-1].published_at.timestamp() * 1000) if page else int(as_of.timestamp() * 1000)
    return _ok({"videos": [_video(world, post, as_of, fields) for post in page], "cursor": next_cursor,
                "has_more": len(ordered) - start > count}, request)


def video_query(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """The user's own videos among `filters.video_ids` (at most 20); an unknown id is left out."""
    key = _account(world, request)
    fields = _fields(request, VIDEO_FIELDS)
    ids = (_body(request).get("filters") or {}).get("video_ids") or []
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_COUNT:
        raise _error(400, "invalid_params", "filters.video_ids must hold 1 to 20 ids")

    def build() -> dict[str, Post]:
        return {video_id(post): post for post in world.posts(key)}

    known = world.memo(("tiktok.ids", key), build)
    videos = [_video(world, known[vid], as_of, fields) for vid in ids
              if vid in known and known[vid].published_at <= as_of]
    return _ok({"videos": videos}, request)


ROUTES = [
    (r"/v2/user/info/", user_info),
    (r"/v2/video/list/", video_list),
    (r"/v2/video/query/", video_query),
]
