"""Facebook Pages (Graph API): page, published_posts (cursor paging), post insights, post comments."""

from __future__ import annotations

import datetime as dt
import hashlib

from simulator.platforms.graph import check_token, cursor_page, graph_error, graph_timestamp
from simulator.protocol import ApiError, Request, Response
from simulator.world import Post, World

ATTACHMENT = {
    "photo": ("photo", "photo"),
    "link": ("link", "share"),
    "video": ("video", "video_inline"),
    "reel": ("video", "video_inline"),
}
STATUS_TYPE = {
    "text": "mobile_status_update",
    "photo": "added_photos",
    "link": "shared_story",
    "video": "added_video",
    "reel": "added_video",
}
# Post insights of 2026: impressions metrics were retired for every version (Nov 2025, June 2025 for the
# unique ones); views (post_media_view) and viewers (post_total_media_view_unique) replace them.
POST_METRICS = {"post_media_view", "post_total_media_view_unique", "post_reactions_by_type_total"}






def expired_token_error() -> ApiError:
    return graph_error(400, 190, "Error validating access token: Session has expired.", subcode=463)


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    error = graph_error(400, 32, "(#32) Page request limit reached")
    error.response.headers["X-Business-Use-Case-Usage"] = (
        '{"0":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":30,'
        '"estimated_time_to_regain_access":1}]}'
    )
    return error






def post_id(world: World, post: Post) -> str:
    """Page post ids are `{page-id}_{post-id}`."""
    return f"{world.profiles[post.account_key].account.account_id}_{post.post_id}"


def comment_id(post: Post, comment) -> str:
    return f"{post.post_id}_{comment.comment_id}"


def _post(world: World, object_id: str, as_of: dt.datetime) -> Post:
    post = world.find_post("facebook", object_id.partition("_")[2]) if "_" in object_id else None
    if post is not None and post.published_at <= as_of:
        return post
    raise graph_error(
        400,
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist",
        "GraphMethodException",
        33,
    )


def top_level_comments(post: Post, as_of: dt.datetime) -> int:
    """comments.summary(total_count) counts with the default `toplevel` filter: replies are not counted."""
    return post.top_level_count(as_of)


def reactions_by_type(likes: int) -> dict[str, int]:
    love, haha, wow = likes // 6, likes // 40, likes // 50
    return {
        key: value
        for key, value in {"like": likes - love - haha - wow, "love": love, "haha": haha, "wow": wow}.items()
        if value
    }


def page(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    key = f"facebook:{params['page_id']}"
    if key not in world.profiles:
        raise graph_error(
            400, 100, f"Object with ID '{params['page_id']}' does not exist", "GraphMethodException", 33
        )
    profile = world.profiles[key]
    day = (as_of - dt.timedelta(microseconds=1)).date()
    followers = world.followers(key, day)
    return Response(
        200,
        {
            "id": params["page_id"],
            "name": profile.brand.name,
            "username": profile.account.handle,
            "link": f"https://www.facebook.com/{profile.account.handle}",
            "followers_count": followers,
            "fan_count": int(followers * 0.93),
        },
        {},
    )


def published_posts(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    key = f"facebook:{params['page_id']}"

    def build() -> list[Post]:  # once per page, `since` and night: each page of the listing is a slice
        posts = sorted(world.posts_as_of(key, as_of), key=lambda post: post.published_at, reverse=True)
        if request.query.get("since"):
            since = dt.datetime.fromtimestamp(int(request.query["since"]), dt.UTC)
            posts = [post for post in posts if post.published_at >= since]
        return posts

    posts = world.memo(("facebook.posts", key, as_of, request.query.get("since")), build)
    body = cursor_page(request, posts)  # page first, then shape only the page's posts
    items = []
    for post in body["data"]:
        counters = post.counters(as_of)
        link = post.link()
        item = {
            "id": post_id(world, post),
            "created_time": graph_timestamp(post.published_at),
            "message": f"{post.caption} {link}" if post.content_type == "link" else post.caption,
            # Facebook gives reels a /reel/ address: the only field that tells a reel from another video
            "permalink_url": (f"https://www.facebook.com/reel/{post.post_id}" if post.content_type == "reel"
                              else f"https://www.facebook.com/{params['page_id']}/posts/{post.post_id}"),
            "status_type": STATUS_TYPE[post.content_type],
            "reactions": {
                "data": [],
                "summary": {"total_count": counters["likes"], "viewer_reaction": "NONE"},
            },
            "comments": {
                "data": [],
                "summary": {
                    "order": "ranked",
                    "total_count": top_level_comments(post, as_of),
                    "can_comment": True,
                },
            },
        }
        if counters["shares"]:
            item["shares"] = {"count": counters["shares"]}  # left out, not zero, while nobody shared
        if post.content_type in ATTACHMENT:
            media_type, kind = ATTACHMENT[post.content_type]
            attachment: dict[str, object] = {"media_type": media_type, "type": kind}
            if post.content_type == "link":
                attachment["unshimmed_url"] = link
            if media_type == "video":  # the attachment names its Video node
                attachment["target"] = {"id": video_id(post),
                                        "url": f"https://www.facebook.com/{params['page_id']}/videos/{video_id(post)}/"}
            item["attachments"] = {"data": [attachment]}
        items.append(item)
    body["data"] = items
    return Response(200, body, {})


def video_id(post: Post) -> str:
    """The id of a video post's Video node (its attachment's target)."""
    return str(int(hashlib.sha256(f"video:{post.post_id}".encode()).hexdigest()[:13], 16))


def was_live(post: Post) -> bool:
    """One in four of the world's Facebook videos (not reels) was broadcast live: only its Video node says so
    (live_status), the post is published as a video like any other."""
    draw = int(hashlib.sha256(f"live:{post.post_id}".encode()).hexdigest(), 16)
    return post.content_type == "video" and draw % 4 == 0


def video_nodes(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """GET /?ids=...&fields=...: the Video nodes asked for, keyed by id; live_status is set only on a video that
    was broadcast live (VOD: the broadcast is over and on demand)."""
    check_token(request)
    ids = [item for item in request.query.get("ids", "").split(",") if item]
    if not ids or len(ids) > 50:
        raise graph_error(400, 100, "(#100) ids must name between 1 and 50 objects")
    fields = set(request.query.get("fields", "id").split(","))
    body = {}
    for vid in ids:
        post = world.lookup("facebook", "video_id", video_id, vid)
        if post is None or post.published_at > as_of or ATTACHMENT.get(post.content_type, ("",))[0] != "video":
            raise graph_error(404, 803, f"(#803) Some of the aliases you requested do not exist: {vid}")
        node = {"id": vid}
        if "live_status" in fields and was_live(post):
            node["live_status"] = "VOD"
        body[vid] = node
    return Response(200, body, {})


def post_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    post = _post(world, params["object_id"], as_of)
    every = request.quirks.insights_refused_every
    if every and int(post.post_id) % every == 0:
        # A post whose object has no insights edge (users report it of reels): the call fails for that post.
        raise graph_error(400, 100, "(#100) Tried accessing nonexisting field (insights) on node type (Video)")
    requested = request.query.get("metric", "").split(",")
    unknown = [metric for metric in requested if metric not in POST_METRICS - request.quirks.retired_metrics]
    if unknown:
        # A retired or unknown metric fails the whole call, and the message does not say which one it is.
        raise graph_error(400, 100, "(#100) The value must be a valid insights metric")
    counters = post.counters(as_of)
    source = {
        "post_media_view": counters["views"],
        "post_total_media_view_unique": counters["reach"],
        "post_reactions_by_type_total": reactions_by_type(counters["likes"]),
    }
    data = [
        {
            "name": metric,
            "period": "lifetime",
            "values": [{"value": source[metric]}],
            "title": metric.replace("_", " ").title(),
            "description": "",
            "id": f"{params['object_id']}/insights/{metric}/lifetime",
        }
        for metric in requested
    ]
    return Response(200, {"data": data, "paging": {"previous": "", "next": ""}}, {})


def comments(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    check_token(request)
    post = _post(world, params["object_id"], as_of)

    def build() -> list:  # once per post, filter and night: the pages are cut from it
        page_id = world.profiles[post.account_key].account.account_id
        visible = post.visible_comments(as_of)
        stream = request.query.get("filter") == "stream"
        answers: dict[str, int] = {}
        for other in visible:
            if other.parent_id is not None:
                answers[other.parent_id] = answers.get(other.parent_id, 0) + 1
        items = []
        for comment in visible:
            if comment.parent_id is not None and not stream:
                continue  # the default `toplevel` filter leaves replies out
            item = {
                "id": comment_id(post, comment),
                "message": comment.text,
                "created_time": graph_timestamp(comment.created_at),
                "from": {"id": page_id, "name": world.profiles[post.account_key].brand.name}
                if comment.is_brand
                else {
                    "id": str(int(hashlib.sha256(comment.author.encode()).hexdigest()[:12], 16)),
                    "name": comment.author,
                },
                "like_count": 0,
                "comment_count": answers.get(comment.comment_id, 0),
            }
            if comment.parent_id is not None:
                item["parent"] = {"id": f"{post.post_id}_{comment.parent_id}"}
            items.append(item)
        return items

    memo_key = ("facebook.comments", post.post_id, request.query.get("filter"), as_of)
    return Response(200, cursor_page(request, world.memo(memo_key, build), limit_default=25), {})


V = r"v\d+\.\d+"  # any Graph version: the pinned one is in core.config
def stories(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """The Page's live stories (`GET /{page-id}/stories`), newest first: the Page keeps no story archive, so an
    expired story is not listed (ARCHIVED ones come back only with the archive on)."""
    check_token(request)
    key = f"facebook:{params['page_id']}"
    if key not in world.profiles:
        raise graph_error(400, 100, f"Object with ID '{params['page_id']}' does not exist", "GraphMethodException", 33)
    if request.query.get("status", "PUBLISHED") != "PUBLISHED":
        return Response(200, {"data": []}, {})
    body = cursor_page(request, world.stories.live(key, as_of))
    body["data"] = [{"post_id": f"{params['page_id']}_{story.story_id}", "status": "PUBLISHED",
                     "creation_time": int(story.published_at.timestamp()), "media_type": story.media_type.lower()
                     .replace("image", "photo"), "media_id": story.story_id,
                     "url": f"https://facebook.com/stories/{params['page_id']}/{story.story_id}/"}
                    for story in body["data"]]
    return Response(200, body, {})


ROUTES = [
    (rf"/{V}/?", video_nodes),
    (rf"/{V}/(?P<page_id>\d+)", page),
    (rf"/{V}/(?P<page_id>\d+)/published_posts", published_posts),
    (rf"/{V}/(?P<page_id>\d+)/stories", stories),
    (rf"/{V}/(?P<object_id>\d+_\d+)/insights", post_insights),
    (rf"/{V}/(?P<object_id>\d+_\d+)/comments", comments),
]
