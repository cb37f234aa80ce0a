"""YouTube Data API v3 (channels, uploads playlistItems, videos, commentThreads) and YouTube Analytics v2
(reports.query by day). Counts in the Data API are strings; the Analytics API's are numbers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from simulator.protocol import ApiError, Request, Response
from simulator.rivals import Rival, RivalPost
from simulator.world import Comment, Post, World

# YouTube reports no reach, impressions, saves or per-video shares in the Data API.
DURATION = {"video": "PT8M41S", "short": "PT42S", "live": "PT1H2M5S"}
MINUTES = {"video": 8.7, "short": 0.7, "live": 62.1}
ANALYTICS_METRICS = ("views", "estimatedMinutesWatched", "subscribersGained", "subscribersLost")


def _error(code: int, reason: str, message: str, domain: str = "youtube.quota", **extra: object) -> ApiError:
    # `code`, not `status`: Google's error body has a `status` of its own (UNAUTHENTICATED), passed in `extra`.
    return ApiError(code, {"error": {"code": code, "message": message,
                                     "errors": [{"message": message, "domain": domain, "reason": reason}],
                                     **extra}})


def expired_token_error() -> ApiError:
    return _error(401, "authError", "Request had invalid authentication credentials.", "global",
                  status="UNAUTHENTICATED")


def quota_exceeded_error() -> ApiError:
    return _error(403, "quotaExceeded", "The request cannot be completed because you have exceeded your quota.")


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    # The per-minute limit: a short wait lifts it, unlike the daily quota.
    return _error(403, "rateLimitExceeded", "The request cannot be completed because you have exceeded the "
                  "per-minute request limit.", "usageLimits")


def _check_token(request: Request) -> None:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise expired_token_error()


def _b64(identity: str, length: int) -> str:
    digest = hashlib.sha256(identity.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:length]


def video_id(post: Post) -> str:
    return _b64(f"video:{post.post_id}", 11)


def thread_id(comment: Comment) -> str:
    return "Ugz" + _b64(f"comment:{comment.comment_id}", 23)


def reply_id(parent: Comment, comment: Comment) -> str:
    return f"{thread_id(parent)}.{_b64(f'reply:{comment.comment_id}', 22)}"


def _channel_of(world: World, channel_id: str) -> str:
    key = f"youtube:{channel_id}"
    if key not in world.profiles:
        raise _error(404, "channelNotFound", f"Channel {channel_id} not found.", "youtube.channel")
    return key


def _video_post(world: World, vid: str) -> Post | None:
    return world.lookup("youtube", "video_id", video_id, vid)


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _page(request: Request, items: list, kind: str, default: int, top: int) -> dict:
    """`nextPageToken` while more remain; the last page has none."""
    limit = max(0, min(int(request.query.get("maxResults", default)), top))
    token = request.query.get("pageToken")
    start = int(base64.b64decode(token).decode()) if token else 0
    body = {"kind": kind, "etag": _b64(f"{kind}:{start}", 27), "items": items[start:start + limit],
            "pageInfo": {"totalResults": len(items), "resultsPerPage": limit}}
    if start + limit < len(items):
        body["nextPageToken"] = base64.b64encode(str(start + limit).encode()).decode()
    if start:
        body["prevPageToken"] = base64.b64encode(str(max(0, start - limit)).encode()).decode()
    return body


def rival_video_id(post: RivalPost) -> str:
    return _b64(f"video:{post.post_id}", 11)


def _rival_channel(world: World, rival: Rival, as_of: dt.datetime) -> dict:
    day = (as_of - dt.timedelta(microseconds=1)).date()
    posts = world.rivals.posts_as_of(rival, as_of)
    return {
        "kind": "youtube#channel", "etag": _b64(f"channel:{rival.account_id}:{day}", 27), "id": rival.account_id,
        "snippet": {"title": rival.name, "customUrl": f"@{rival.username.lower()}",
                    "publishedAt": "2013-02-01T10:00:00Z"},
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU" + rival.account_id[2:]}},
        "statistics": {"viewCount": str(sum(post.counters(as_of)["likes"] * 20 for post in posts)),
                       "subscriberCount": str(world.rivals.followers(rival, day)), "hiddenSubscriberCount": False,
                       "videoCount": str(len(posts))},
    }


def _rival_of_playlist(world: World, playlist: str) -> Rival | None:
    return world.rivals.find("youtube", "UC" + playlist[2:]) if playlist.startswith("UU") else None


def _rival_videos(world: World, ids: list[str], as_of: dt.datetime) -> list[dict]:
    """Rivals' videos among `ids`, as another channel's videos show them: public statistics, no analytics."""
    found = {rival_video_id(post): (rival, post)
             for rival in world.rivals.by_handle.values() if rival.platform == "youtube"
             for post in world.rivals.posts_as_of(rival, as_of)}
    items = []
    for vid in ids:
        if vid in found:
            rival, post = found[vid]
            counters = post.counters(as_of)
            items.append({
                "kind": "youtube#video", "etag": _b64(f"video:{post.post_id}:{as_of}", 27), "id": vid,
                "snippet": {"publishedAt": _when(post.published_at), "channelId": rival.account_id,
                            "title": post.caption, "description": post.caption, "liveBroadcastContent": "none"},
                "statistics": {"viewCount": str(counters["likes"] * 20), "likeCount": str(counters["likes"]),
                               "favoriteCount": "0", "commentCount": str(counters["comments"])}})
    return items


def channels(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    items = []
    if request.query.get("forHandle"):
        # another channel by its handle (`@name`, or the name): its public snippet, statistics and uploads
        rival = world.rivals.find("youtube", request.query["forHandle"])
        if rival is not None:
            items.append(_rival_channel(world, rival, as_of))
    for channel_id in filter(None, request.query.get("id", "").split(",")):
        key = f"youtube:{channel_id}"
        if key not in world.profiles:
            continue  # an unknown id is left out of `items`, not an error
        profile = world.profiles[key]
        day = (as_of - dt.timedelta(microseconds=1)).date()
        items.append({
            "kind": "youtube#channel",
            "etag": _b64(f"channel:{channel_id}:{day}", 27),
            "id": channel_id,
            "snippet": {"title": profile.brand.name, "customUrl": f"@{profile.account.handle}",
                        "publishedAt": "2014-05-12T10:00:00Z", "defaultLanguage": profile.brand.language},
            "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU" + channel_id[2:]}},
            "statistics": {
                "viewCount": str(sum(post.counters(as_of)["views"] for post in world.posts_as_of(key, as_of))),
                "subscriberCount": str(world.followers(key, day)),
                "hiddenSubscriberCount": False,
                "videoCount": str(world.count_posts_as_of(key, as_of)),
            },
        })
    return Response(200, {"kind": "youtube#channelListResponse", "etag": _b64("channels", 27),
                          "pageInfo": {"totalResults": len(items), "resultsPerPage": 5}, "items": items}, {})


def playlist_items(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    playlist = request.query.get("playlistId", "")
    rival = _rival_of_playlist(world, playlist)
    if rival is not None:
        posts = sorted(world.rivals.posts_as_of(rival, as_of), key=lambda post: post.published_at, reverse=True)
        rival_items = [{"kind": "youtube#playlistItem", "etag": _b64(f"item:{post.post_id}", 27),
                        "id": _b64(f"{playlist}:{post.post_id}", 40),
                        "contentDetails": {"videoId": rival_video_id(post),
                                           "videoPublishedAt": _when(post.published_at)}} for post in posts]
        return Response(200, _page(request, rival_items, "youtube#playlistItemListResponse", 5, 50), {})
    key = _channel_of(world, "UC" + playlist[2:])

    def build() -> list[dict]:  # once per playlist and night: each page is a slice
        posts = sorted(world.posts_as_of(key, as_of), key=lambda post: post.published_at, reverse=True)
        return [
            {
                "kind": "youtube#playlistItem",
                "etag": _b64(f"item:{post.post_id}", 27),
                "id": _b64(f"{playlist}:{post.post_id}", 40),
                "contentDetails": {"videoId": video_id(post), "videoPublishedAt": _when(post.published_at)},
            }
            for post in posts
        ]

    items = world.memo(("youtube.playlist", playlist, as_of), build)
    return Response(200, _page(request, items, "youtube#playlistItemListResponse", 5, 50), {})


def _video(world: World, post: Post, as_of: dt.datetime) -> dict:
    profile = world.profiles[post.account_key]
    counters = post.counters(as_of)
    link = f"https://shop.example/p?utm_source=youtube&utm_medium=social&utm_content={post.utm_content}"
    return {
        "kind": "youtube#video",
        "etag": _b64(f"video:{post.post_id}:{as_of}", 27),
        "id": video_id(post),
        "snippet": {
            "publishedAt": _when(post.published_at),
            "channelId": profile.account.account_id,
            "title": post.caption,
            "description": f"{post.caption}\n{link}",
            "tags": [tag.lstrip("#") for tag in post.hashtags],
            "categoryId": "26",
            "liveBroadcastContent": "none",
            "defaultAudioLanguage": profile.brand.language,
        },
        "contentDetails": {"duration": DURATION[post.content_type], "dimension": "2d", "definition": "hd",
                           "caption": "false", "licensedContent": False, "projection": "rectangular"},
        "statistics": {"viewCount": str(counters["views"]), "likeCount": str(counters["likes"]),
                       "favoriteCount": "0", "commentCount": str(counters["comments"])},
    }


def videos(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    ids = [item for item in request.query.get("id", "").split(",") if item]
    if len(ids) > 50:
        raise _error(400, "invalidFilters", "Too many ids: at most 50.", "youtube.parameter")
    known = {vid: post for vid in ids if (post := _video_post(world, vid)) is not None}
    items = [_video(world, known[vid], as_of) for vid in ids
             if vid in known and known[vid].published_at <= as_of]
    items += _rival_videos(world, [vid for vid in ids if vid not in known], as_of)
    if "liveStreamingDetails" in request.query.get("part", "").split(","):
        # a live broadcast, once over, is liveBroadcastContent `none` like any video: only the part asked for
        # tells it apart, with the broadcast's times
        for item in items:
            post = known[item["id"]]
            if post.content_type == "live":
                ended = post.published_at + dt.timedelta(minutes=MINUTES["live"])
                item["liveStreamingDetails"] = {"actualStartTime": _when(post.published_at),
                                                "actualEndTime": _when(ended),
                                                "scheduledStartTime": _when(post.published_at)}
    return Response(200, {"kind": "youtube#videoListResponse", "etag": _b64("videos", 27), "items": items,
                          "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)}}, {})


def _comment(world: World, post: Post, comment: Comment, comment_id: str, parent: str | None = None) -> dict:
    profile = world.profiles[post.account_key]
    author_channel = profile.account.account_id if comment.is_brand else "UC" + _b64(comment.author, 22)
    snippet = {
        "channelId": profile.account.account_id,
        "videoId": video_id(post),
        "textDisplay": comment.text,
        "textOriginal": comment.text,
        "authorDisplayName": f"@{profile.account.handle if comment.is_brand else comment.author}",
        "authorChannelUrl": f"http://www.youtube.com/channel/{author_channel}",
        "authorChannelId": {"value": author_channel},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": _when(comment.created_at),
        "updatedAt": _when(comment.created_at),
    }
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": _b64(comment_id, 27), "id": comment_id, "snippet": snippet}


def comment_threads(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    post = _video_post(world, request.query.get("videoId", ""))
    if post is None or post.published_at > as_of:
        raise _error(404, "videoNotFound", "The video identified by the videoId parameter could not be found.",
                     "youtube.commentThread")
    with_replies = "replies" in request.query.get("part", "")

    def build() -> list[dict]:  # once per video, part and night: each page is a slice
        visible = post.visible_comments(as_of)
        answers: dict[str, list[Comment]] = {}
        for comment in visible:
            if comment.parent_id is not None:
                answers.setdefault(comment.parent_id, []).append(comment)
        threads = []
        for top in sorted((c for c in visible if c.parent_id is None), key=lambda c: c.created_at, reverse=True):
            replies = answers.get(top.comment_id, [])
            thread = {
                "kind": "youtube#commentThread",
                "etag": _b64(f"thread:{top.comment_id}", 27),
                "id": thread_id(top),
                "snippet": {"channelId": world.profiles[post.account_key].account.account_id,
                            "videoId": video_id(post),
                            "topLevelComment": _comment(world, post, top, thread_id(top)),
                            "canReply": True, "totalReplyCount": len(replies), "isPublic": True},
            }
            if replies and with_replies:
                thread["replies"] = {"comments": [_comment(world, post, reply, reply_id(top, reply), thread_id(top))
                                                  for reply in replies]}
            threads.append(thread)
        return threads

    threads = world.memo(("youtube.threads", post.post_id, as_of, with_replies), build)
    return Response(200, _page(request, threads, "youtube#commentThreadListResponse", 20, 100), {})


def reports(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """reports.query with ids=channel==CHANNEL_ID (or channel==MINE when the world has one channel: the
    simulated token names nobody) and dimensions=day: one row per day of the range up to `as_of`."""
    _check_token(request)
    query = request.query
    owner = query.get("ids", "").removeprefix("channel==")
    channels = [key.partition(":")[2] for key in world.profiles if key.startswith("youtube:")]
    if owner == "MINE" and len(channels) == 1:
        owner = channels[0]
    if not query.get("ids", "").startswith("channel==") or query.get("dimensions") != "day":
        raise _error(400, "badRequest", "The query is not supported.", "global")
    key = _channel_of(world, owner)
    metrics = query.get("metrics", "").split(",")
    unknown = [metric for metric in metrics if metric not in ANALYTICS_METRICS]
    if unknown:
        raise _error(400, "badRequest", f"Unknown identifier ({unknown[0]}) given in field parameters.metrics.",
                     "global")
    start, end = dt.date.fromisoformat(query["startDate"]), dt.date.fromisoformat(query["endDate"])
    return Response(200, report(world, key, start, end, metrics, as_of), {})


def report(world: World, key: str, start: dt.date, end: dt.date, metrics: list[str], as_of: dt.datetime) -> dict:
    headers = [{"name": "day", "columnType": "DIMENSION", "dataType": "STRING"}] + [
        {"name": metric, "columnType": "METRIC", "dataType": "INTEGER"} for metric in metrics]
    rows = []
    day = start
    while day <= end and world.now(day) <= as_of:
        opened, closed = world.now(day - dt.timedelta(days=1)), world.now(day)
        views = {post.content_type: 0 for post in world.posts(key)}
        for post in world.posts_as_of(key, closed):
            # metric() is counters()[...] without counting the comments
            views[post.content_type] += post.metric("views", closed) - post.metric("views", opened)
        change = world.followers(key, day) - world.followers(key, day - dt.timedelta(days=1))
        values = {"views": sum(views.values()),
                  "estimatedMinutesWatched": int(sum(MINUTES[kind] * 0.45 * count for kind, count in views.items())),
                  "subscribersGained": max(0, change), "subscribersLost": max(0, -change)}
        rows.append([day.isoformat(), *(values[metric] for metric in metrics)])
        day += dt.timedelta(days=1)
    body: dict = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers}
    if rows:
        body["rows"] = rows  # a range without data has no `rows` at all
    return body


ROUTES = [
    (r"/youtube/v3/channels", channels),
    (r"/youtube/v3/playlistItems", playlist_items),
    (r"/youtube/v3/videos", videos),
    (r"/youtube/v3/commentThreads", comment_threads),
    (r"/v2/reports", reports),
]
