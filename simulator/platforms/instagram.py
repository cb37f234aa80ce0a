"""Instagram Graph API: user, user insights, media (cursor paging), media insights, comments."""

from __future__ import annotations

import datetime as dt

from simulator.community import naming
from simulator.platforms.graph import check_token, cursor_page, graph_error, graph_timestamp
from simulator.protocol import GRAPH_VERSION, ApiError, Request, Response
from simulator.world import Post, World, platform_id

MEDIA_SHAPE = {
    "image": ("IMAGE", "FEED"),
    "carousel": ("CAROUSEL_ALBUM", "FEED"),
    "video": ("VIDEO", "FEED"),
    "short_video": ("VIDEO", "REELS"),
}
# Media insights metrics of the pinned Graph version; impressions was retired in 2025 (v22+).
MEDIA_METRICS = {"reach", "saved", "shares", "views", "total_interactions", "likes", "comments"}






def expired_token_error() -> ApiError:
    return graph_error(401, 190, "Error validating access token: Session has expired.", subcode=463)


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    error = graph_error(400, 4, "(#4) Application request limit reached", kind="OAuthException")
    error.response.headers["X-App-Usage"] = '{"call_count":100,"total_time":40,"total_cputime":12}'
    return error






def _account_key(user_id: str) -> str:
    return f"instagram:{user_id}"


def _post(world: World, media_id: str, as_of: dt.datetime) -> Post:
    post = world.find_post("instagram", media_id)
    if post is not None and post.published_at <= as_of:
        return post
    raise graph_error(400, 100, f"Unsupported get request. Object with ID '{media_id}' does not exist",
                 "GraphMethodException", 33)


def user(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    key = _account_key(params["user_id"])
    if key not in world.profiles:
        raise graph_error(400, 100, f"Object with ID '{params['user_id']}' does not exist", "GraphMethodException", 33)
    profile = world.profiles[key]
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(200, {
        "id": params["user_id"],
        "username": profile.account.handle,
        "followers_count": world.followers(key, day),
        "follows_count": 312,
        "media_count": world.count_posts_as_of(key, as_of),
    }, {})


def user_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    key = _account_key(params["user_id"])
    metrics = request.query.get("metric", "").split(",")
    if metrics != ["reach"] or request.query.get("period") != "day":
        raise graph_error(400, 100, "(#100) metric must be reach with period=day in this simulator")
    since = dt.datetime.fromtimestamp(int(request.query["since"]), dt.UTC)
    until = min(dt.datetime.fromtimestamp(int(request.query["until"]), dt.UTC), as_of)
    values = []
    day_start = since
    while day_start + dt.timedelta(days=1) <= until:
        day_end = day_start + dt.timedelta(days=1)
        # Accounts reach fewer people than the sum of their posts' reach (the same people see several).
        # A post's counters stop moving within 47 days (1 - exp(-age/tau) is exactly 1.0 in floats).
        gained = sum(post.metric("reach", day_end) - post.metric("reach", day_start)
                     for post in world.posts_between(key, day_start - dt.timedelta(days=48), day_end))
        values.append({"value": int(gained * 0.8), "end_time": graph_timestamp(day_end)})
        day_start = day_end
    return Response(200, {"data": [{
        "name": "reach", "period": "day", "values": values, "title": "Accounts reached",
        "description": "The number of unique accounts that have seen your content, at least once.",
        "id": f"{params['user_id']}/insights/reach/day",
    }]}, {})


def media(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    key = _account_key(params["user_id"])
    posts = world.memo(("instagram.media", key, as_of), lambda: sorted(  # once per listing: pages are slices
        world.posts_as_of(key, as_of), key=lambda post: post.published_at, reverse=True))
    body = cursor_page(request, posts)  # page first, then shape only the page's posts
    items = []
    for post in body["data"]:
        media_type, product = MEDIA_SHAPE[post.content_type]
        counters = post.counters(as_of)
        items.append({
            "id": post.post_id,
            "caption": f"{post.caption} {post.link()}",
            "media_type": media_type,
            "media_product_type": product,
            "permalink": f"https://www.instagram.com/p/{post.post_id}/",
            "timestamp": graph_timestamp(post.published_at),
            "username": world.profiles[key].account.handle,
            "like_count": counters["likes"],
            "comments_count": counters["comments"],
        })
    body["data"] = items
    return Response(200, body, {})


def media_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    post = _post(world, params["media_id"], as_of)
    requested = request.query.get("metric", "").split(",")
    unknown = [metric for metric in requested if metric not in MEDIA_METRICS]
    if unknown:
        # A retired metric fails the whole call, as the real Graph API does.
        allowed = ", ".join(sorted(MEDIA_METRICS))
        raise graph_error(400, 100, f"(#100) metric[0] must be one of the following values: {allowed}")
    counters = post.counters(as_of)
    source = {"reach": counters["reach"], "saved": counters["saves"], "shares": counters["shares"],
              "views": counters["views"], "likes": counters["likes"], "comments": counters["comments"]}
    source["total_interactions"] = counters["likes"] + counters["comments"] + counters["saves"] + counters["shares"]
    data = [{"name": metric, "period": "lifetime", "values": [{"value": source[metric]}],
             "title": metric.replace("_", " ").title(), "description": "",
             "id": f"{post.post_id}/insights/{metric}/lifetime"} for metric in requested]
    return Response(200, {"data": data}, {})


def comments(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    post = _post(world, params["media_id"], as_of)

    # Every page of one post's listing is cut from the same items: shape them once per post and night
    # (reshaping all of them for each page made a post's pages cost the square of its comments).
    def build() -> list:
        visible = post.visible_comments(as_of)
        replies: dict[str, list] = {}
        for comment in visible:
            if comment.parent_id:
                replies.setdefault(comment.parent_id, []).append(comment)

        def shape(comment) -> dict:
            return {"id": comment.comment_id, "text": comment.text, "timestamp": graph_timestamp(comment.created_at),
                    "username": comment.author, "like_count": 0}

        items = []
        for comment in visible:
            if comment.parent_id is None:
                item = shape(comment)
                if comment.comment_id in replies:
                    item["replies"] = {"data": [shape(reply) for reply in replies[comment.comment_id]]}
                items.append(item)
        return items

    items = world.memo(("instagram.comments", post.post_id, as_of), build)
    return Response(200, cursor_page(request, items, limit_default=50), {})


def insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    # Users and media share one id space and one /{id}/insights edge, as in the Graph API.
    if _account_key(params["object_id"]) in world.profiles:
        return user_insights(world, request, as_of, {"user_id": params["object_id"]})
    return media_insights(world, request, as_of, {"media_id": params["object_id"]})


V = GRAPH_VERSION.replace(".", r"\.")
def tags(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Media by others in which the account is tagged or @mentioned, newest first (cursor paging)."""
    check_token(request)
    key = _account_key(params["user_id"])
    if key not in world.profiles:
        raise graph_error(400, 100, f"Object with ID '{params['user_id']}' does not exist", "GraphMethodException", 33)
    items = world.memo(("instagram.tags", key, as_of), lambda: sorted(  # once per listing: pages are slices
        naming(world, key, as_of), key=lambda item: item.created_at, reverse=True))
    body = cursor_page(request, items)
    body["data"] = [{
        "id": platform_id("instagram", item.created_at, item.mention_id),
        "caption": item.text,
        "media_type": "IMAGE",
        "permalink": f"https://www.instagram.com/p/{platform_id('instagram', item.created_at, item.mention_id)}/",
        "timestamp": graph_timestamp(item.created_at),
        "username": item.author,
        "like_count": item.likes,
        "comments_count": item.comments,
    } for item in body["data"]]
    return Response(200, body, {})


ROUTES = [
    (rf"/{V}/(?P<user_id>\d+)", user),
    (rf"/{V}/(?P<object_id>\d+)/insights", insights),
    (rf"/{V}/(?P<user_id>\d+)/media", media),
    (rf"/{V}/(?P<user_id>\d+)/tags", tags),
    (rf"/{V}/(?P<media_id>\d+)/comments", comments),
]
