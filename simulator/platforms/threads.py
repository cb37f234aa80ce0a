"""Meta's Threads API (graph.threads.net/v1.0): a profile's threads (newest first, since/until, cursor paging),
a thread's lifetime insights, its conversation (every reply, flattened), and the profile's insights.

The world counts shares as one figure; Threads splits them into reposts, quotes and (in development) shares:
a tenth are served as shares, a quarter of the rest as quotes and the others as reposts, so that the three add
up to the world's figure and each grows with it."""

from __future__ import annotations

import datetime as dt

from simulator.platforms.graph import check_token, cursor_page, graph_error, graph_timestamp
from simulator.protocol import ApiError, Request, Response
from simulator.world import Comment, Post, World

V = r"v1\.0"
MEDIA_TYPE = {"text": "TEXT_POST", "image": "IMAGE", "video": "VIDEO", "link": "TEXT_POST"}
MEDIA_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
USER_METRICS = ("views", "likes", "replies", "reposts", "quotes", "clicks", "followers_count",
                "follower_demographics")
TITLES = {"views": "Views", "likes": "Likes", "replies": "Replies", "reposts": "Reposts", "quotes": "Quotes",
          "shares": "Shares", "followers_count": "Followers count"}


def expired_token_error() -> ApiError:
    return graph_error(401, 190, "Error validating access token: Session has expired.", subcode=463)


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    return graph_error(400, 4, "(#4) Application request limit reached", kind="OAuthException")


def split_shares(total: int) -> dict[str, int]:
    """The world's shares as Threads' reposts, quotes and shares (each non-decreasing as the total grows)."""
    shares = total // 10
    rest = total - shares
    return {"reposts": rest - rest // 4, "quotes": rest // 4, "shares": shares}


def lifetime(post: Post, as_of: dt.datetime) -> dict[str, int]:
    counters = post.counters(as_of)
    return {"views": counters.get("views", 0), "likes": counters.get("likes", 0),
            "replies": counters.get("comments", 0), **split_shares(counters.get("shares", 0))}


def _key(user_id: str) -> str:
    return f"threads:{user_id}"


def _post(world: World, media_id: str, as_of: dt.datetime) -> Post:
    post = world.find_post("threads", media_id)
    if post is None or post.published_at > as_of:
        raise graph_error(400, 100, f"Unsupported get request. Object with ID '{media_id}' does not exist",
                          "THApiException", 33)
    return post


def _moment(value: str) -> dt.datetime:
    """since/until as a Unix timestamp or an ISO date-time, as the threads edge accepts."""
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _thread(world: World, post: Post) -> dict:
    handle = world.profiles[post.account_key].account.handle
    text = f"{post.caption} {post.link()}"
    item = {
        "id": post.post_id, "media_product_type": "THREADS", "media_type": MEDIA_TYPE[post.content_type],
        "permalink": f"https://www.threads.net/@{handle}/post/{post.post_id[-11:]}", "text": text,
        "timestamp": graph_timestamp(post.published_at), "shortcode": post.post_id[-11:], "is_quote_post": False,
        "username": handle,
    }
    if post.content_type == "link":
        item["link_attachment_url"] = post.link()
    return item


def threads(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    key = _key(params["user_id"])
    if key not in world.profiles:
        raise graph_error(400, 100, f"Object with ID '{params['user_id']}' does not exist", "THApiException", 33)
    since = _moment(request.query["since"]) if request.query.get("since") else None
    until = min(_moment(request.query["until"]), as_of) if request.query.get("until") else as_of
    posts = world.memo(("threads.threads", key, as_of), lambda: world.posts_as_of(key, as_of))
    chosen = [post for post in reversed(posts) if post.published_at <= until
              and (since is None or post.published_at >= since)]
    body = cursor_page(request, [_thread(world, post) for post in chosen], limit_default=25)
    return Response(200, body, {})


def media_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    post = _post(world, params["media_id"], as_of)
    metrics = [metric for metric in request.query.get("metric", "").split(",") if metric]
    for index, metric in enumerate(metrics):
        if metric not in MEDIA_METRICS:
            raise graph_error(400, 100, f"(#100) metric[{index}] must be one of the following values: "
                              f"{', '.join(MEDIA_METRICS)}")
    values = lifetime(post, as_of)
    data = [{"name": metric, "period": "lifetime", "values": [{"value": values[metric]}], "title": TITLES[metric],
             "description": f"The number of {metric} on your post.",
             "id": f"{post.post_id}/insights/{metric}/lifetime"} for metric in metrics]
    return Response(200, {"data": data}, {})


def _reply(world: World, post: Post, comment: Comment) -> dict:
    handle = world.profiles[post.account_key].account.handle
    return {
        "id": comment.comment_id, "text": comment.text,
        "username": handle if comment.is_brand else comment.author.partition("@")[0],
        "timestamp": graph_timestamp(comment.created_at), "media_type": "TEXT_POST",
        "permalink": f"https://www.threads.net/@{handle}/post/{comment.comment_id[-11:]}",
        "replied_to": {"id": comment.parent_id or post.post_id}, "root_post": {"id": post.post_id},
        "is_reply": True, "hide_status": "NOT_HUSHED",
    }


def conversation(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Every reply of the thread at any depth, oldest first with reverse=false (newest first by default)."""
    check_token(request)
    post = _post(world, params["media_id"], as_of)
    replies = [_reply(world, post, comment) for comment in post.visible_comments(as_of)]
    if request.query.get("reverse", "true") != "false":
        replies.reverse()
    return Response(200, cursor_page(request, replies, limit_default=25), {})


def _gained(world: World, key: str, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """What the profile's posts gained between two moments (a post's counters settle within 47 days)."""
    total = dict.fromkeys(MEDIA_METRICS, 0)
    for post in world.posts_between(key, start - dt.timedelta(days=48), end):
        after, before = lifetime(post, end), lifetime(post, start)
        for metric in MEDIA_METRICS:
            total[metric] += after[metric] - before[metric]
    return total


def user_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Profile views as one value per day (ending at its end_time); likes, replies, reposts and quotes as totals over
    since..until (yesterday and today when omitted); followers_count as the current total."""
    check_token(request)
    key = _key(params["user_id"])
    if key not in world.profiles:
        raise graph_error(400, 100, f"Object with ID '{params['user_id']}' does not exist", "THApiException", 33)
    metrics = [metric for metric in request.query.get("metric", "").split(",") if metric]
    for index, metric in enumerate(metrics):
        if metric not in USER_METRICS:
            raise graph_error(400, 100, f"(#100) metric[{index}] must be one of the following values: "
                              f"{', '.join(USER_METRICS)}")
        if metric in ("clicks", "follower_demographics"):
            raise graph_error(400, 100, f"(#100) The {metric} metric is not served by this simulator")
    today = dt.datetime.combine((as_of - dt.timedelta(microseconds=1)).date(), dt.time(), tzinfo=dt.UTC)
    since = _moment(request.query["since"]) if request.query.get("since") else today - dt.timedelta(days=1)
    until = min(_moment(request.query["until"]), as_of) if request.query.get("until") else as_of
    days = []
    while since + dt.timedelta(days=1) <= until:
        days.append(since)
        since += dt.timedelta(days=1)
    gained = [(day, _gained(world, key, day, day + dt.timedelta(days=1))) for day in days]
    data = []
    for metric in metrics:
        item: dict = {"name": metric, "period": "day", "title": TITLES[metric],
                      "description": f"The number of {metric}.", "id": f"{params['user_id']}/insights/{metric}/day"}
        if metric == "followers_count":
            item["total_value"] = {"value": world.followers(key, (until - dt.timedelta(microseconds=1)).date())}
        elif metric == "views":
            # the profile's views (Threads counts views of the profile here, not of its posts): a few in a hundred
            # of the day's post views
            item["values"] = [{"value": values["views"] * 3 // 100,
                               "end_time": graph_timestamp(day + dt.timedelta(days=1))} for day, values in gained]
        else:
            item["total_value"] = {"value": sum(values[metric] for _, values in gained)}
        data.append(item)
    return Response(200, {"data": data}, {})


ROUTES = [
    (rf"/{V}/(?P<user_id>\d+)/threads", threads),
    (rf"/{V}/(?P<media_id>\d+)/insights", media_insights),
    (rf"/{V}/(?P<media_id>\d+)/conversation", conversation),
    (rf"/{V}/(?P<user_id>\d+)/threads_insights", user_insights),
]
