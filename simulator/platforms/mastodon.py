"""Mastodon REST API v1: account, statuses (Link-header paging), status context (replies)."""

from __future__ import annotations

import datetime as dt
import hashlib

from simulator.api import ApiError, Request, Response, iso_z
from simulator.world import Comment, Post, World


def expired_token_error() -> ApiError:
    return ApiError(401, {"error": "The access token is invalid"})


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    reset = (as_of + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return ApiError(429, {"error": "Too many requests"},
                    {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})


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
        "following_count": 120, "statuses_count": len(world.posts_as_of(key, as_of)),
    }


def _commenter(author: str) -> dict:
    return {"id": str(int(hashlib.sha256(author.encode()).hexdigest()[:12], 16)), "username": author,
            "acct": f"{author}@other.example", "display_name": author}


MEDIA = {"image": "image", "video": "video"}


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
        "content": f"<p>{post.caption} <a href=\"{link}\">{link}</a></p>",
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
        "language": comment.language, "content": f"<p>{comment.text}</p>", "account": author,
        "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "media_attachments": [], "tags": [],
    }


def account(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    key = f"mastodon:{params['account_id']}"
    if key not in world.profiles:
        raise ApiError(404, {"error": "Record not found"})
    return Response(200, _account(world, key, as_of), {})


def statuses(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    key = f"mastodon:{params['account_id']}"
    limit = min(int(request.query.get("limit", 20)), 40)
    newest_first = sorted(world.posts_as_of(key, as_of), key=lambda post: int(post.post_id), reverse=True)
    if request.query.get("max_id"):
        newest_first = [post for post in newest_first if int(post.post_id) < int(request.query["max_id"])]
    page = newest_first[:limit]
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


ROUTES = [
    (r"/api/v1/accounts/(?P<account_id>\d+)", account),
    (r"/api/v1/accounts/(?P<account_id>\d+)/statuses", statuses),
    (r"/api/v1/statuses/(?P<status_id>\d+)/context", context),
]
