"""X API v2: user (public_metrics), the user's tweets, its mentions (comments on its posts and others' tweets
naming it) and the recent search (others' tweets with the brand's campaign hashtags), paged by next_token."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import lru_cache
from typing import Any

from simulator.community import Mention, naming, tagged
from simulator.protocol import ApiError, Request, Response, iso_z
from simulator.rivals import Rival
from simulator.world import MAX_COMMENT_AGE, Comment, Post, World, platform_id

# X reports no reach; impression_count is the view count, bookmark_count the saves.
MEDIA_KEY_TYPE = {"image": "3", "video": "13"}


def _problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict:
    return {"title": title, "detail": detail, "type": kind, "status": status}


def expired_token_error() -> ApiError:
    return ApiError(401, _problem(401, "Unauthorized", "Unauthorized"))


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    # The reset is an epoch second on the simulated clock, as the real one is on the wall clock.
    reset = int(as_of.timestamp()) + 1
    return ApiError(
        429,
        _problem(429, "Too Many Requests", "Too Many Requests"),
        {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )


def _check_token(request: Request) -> None:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise expired_token_error()


@lru_cache(maxsize=1 << 16)  # a commenter's id is asked for several times per comment
def user_id_of(author: str) -> str:
    return str(10**17 + int(hashlib.sha256(author.encode()).hexdigest()[:12], 16))


def _key(world: World, user_id: str) -> str:
    key = f"x:{user_id}"
    if key not in world.profiles:
        raise ApiError(
            200,
            {
                "errors": [
                    {
                        "value": user_id,
                        "detail": f"Could not find user with id: [{user_id}].",
                        "title": "Not Found Error",
                        "resource_type": "user",
                        "parameter": "id",
                        "resource_id": user_id,
                        "type": "https://api.twitter.com/2/problems/resource-not-found",
                    }
                ]
            },
        )
    return key


def top_level_replies(post: Post, as_of: dt.datetime) -> int:
    """reply_count counts direct replies to the tweet; brand answers reply to the comments."""
    return post.top_level_count(as_of)


def _hashtag_entities(text: str, tags: tuple[str, ...]) -> list[dict]:
    entities = []
    for tag in tags:
        start = text.find(tag)
        entities.append({"start": start, "end": start + len(tag), "tag": tag.lstrip("#")})
    return entities


def _tweet(world: World, post: Post, as_of: dt.datetime) -> dict:
    counters = post.counters(as_of)
    link = post.link()
    short = f"https://t.co/{post.post_id[-10:]}"
    text = f"{post.caption} {short}" if post.content_type == "link" else post.caption
    shares = counters["shares"]
    tweet: dict[str, Any] = {
        "id": post.post_id,
        "text": text,
        "created_at": iso_z(post.published_at),
        "author_id": world.profiles[post.account_key].account.account_id,
        "conversation_id": post.post_id,
        "edit_history_tweet_ids": [post.post_id],
        "lang": world.profiles[post.account_key].brand.language,
        "public_metrics": {
            "retweet_count": shares - shares // 5,
            "reply_count": top_level_replies(post, as_of),
            "like_count": counters["likes"],
            "quote_count": shares // 5,
            "bookmark_count": counters["saves"],
            "impression_count": counters["views"],
        },
        "entities": {"hashtags": _hashtag_entities(text, post.hashtags)},
    }
    if post.content_type == "link":
        start = text.find(short)
        tweet["entities"]["urls"] = [
            {
                "start": start,
                "end": start + len(short),
                "url": short,
                "expanded_url": link,
                "display_url": "shop.example/p?…",
            }
        ]
    if post.content_type in MEDIA_KEY_TYPE:
        tweet["attachments"] = {"media_keys": [f"{MEDIA_KEY_TYPE[post.content_type]}_{post.post_id}"]}
    return tweet


def _reply(world: World, post: Post, comment: Comment, parents: dict[str, Comment] | None = None) -> dict:
    """`parents` (the post's comments by id) spares a brand reply the search for its parent."""
    account = world.profiles[post.account_key].account
    if comment.is_brand:
        assert comment.parent_id is not None, comment.comment_id  # a brand comment answers another
        parent = (parents[comment.parent_id] if parents is not None
                  else next(item for item in post.comments if item.comment_id == comment.parent_id))
        author_id, to_user, text = (
            account.account_id,
            user_id_of(parent.author),
            f"@{parent.author} {comment.text}",
        )
    else:
        author_id, to_user, text = (
            user_id_of(comment.author),
            account.account_id,
            f"@{account.handle} {comment.text}",
        )
    return {
        "id": comment.comment_id,
        "text": text,
        "created_at": iso_z(comment.created_at),
        "author_id": author_id,
        "conversation_id": post.post_id,
        "edit_history_tweet_ids": [comment.comment_id],
        "lang": comment.language,
        "in_reply_to_user_id": to_user,
        "referenced_tweets": [{"type": "replied_to", "id": comment.parent_id or post.post_id}],
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": 0,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 0,
        },
        "entities": {
            "mentions": [{"start": 0, "end": len(text.split()[0]), "username": text.split()[0][1:]}]
        },
    }


def _invalid(parameter: str, value: str, message: str) -> ApiError:
    return ApiError(400, {"errors": [{"parameters": {parameter: [value]}, "message": message}],
                          "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                          "type": "https://api.twitter.com/2/problems/invalid-request"})


def _entities(text: str) -> dict:
    """Hashtag and mention entities as X computes them: character offsets into the text."""
    entities: dict = {}
    for match in re.finditer(r"(?<!\w)([#@])(\w+)", text):
        kind, key = ("hashtags", "tag") if match.group(1) == "#" else ("mentions", "username")
        entities.setdefault(kind, []).append({"start": match.start(), "end": match.end(), key: match.group(2)})
    return entities


def _community_tweet(item: Mention) -> dict:
    tweet_id = platform_id("x", item.created_at, item.mention_id)
    shares = item.shares
    return {
        "id": tweet_id,
        "text": item.text,
        "created_at": iso_z(item.created_at),
        "author_id": user_id_of(item.author),
        "conversation_id": tweet_id,
        "edit_history_tweet_ids": [tweet_id],
        "lang": item.language,
        "public_metrics": {
            "retweet_count": shares - shares // 5,
            "reply_count": item.comments,
            "like_count": item.likes,
            "quote_count": shares // 5,
            "bookmark_count": 0,
            "impression_count": item.likes * 25 + item.author_followers // 10,
        },
        "entities": _entities(item.text),
    }


def _user(author: str, followers: int) -> dict:
    return {"id": user_id_of(author), "username": author, "name": author,
            "public_metrics": {"followers_count": followers, "following_count": 300, "tweet_count": 800,
                               "listed_count": 2, "like_count": 1200, "media_count": 40}}


def _with_includes(request: Request, body: dict, users: dict[str, dict]) -> dict:
    """`expansions=author_id` adds the page's authors once each under includes.users, as X does. With the
    partial_errors quirk, the first tweet's author is gone: left out of includes, named in `errors` (HTTP 200)."""
    if "author_id" in request.query.get("expansions", "").split(",") and body.get("data"):
        authors = list(dict.fromkeys(tweet["author_id"] for tweet in body["data"]))
        gone = authors[0] if request.quirks.partial_errors else None
        body["includes"] = {"users": [users[author] for author in authors if author in users and author != gone]}
        if gone is not None:
            body["errors"] = [{
                "value": gone, "detail": f"Could not find user with author_id: [{gone}].", "title": "Not Found Error",
                "resource_type": "user", "parameter": "author_id", "resource_id": gone,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}]
    return body


def _newest_first(request: Request, items: list[tuple[dt.datetime, dict]]) -> list[tuple[dt.datetime, dict]]:
    """A listing's items from start_time (inclusive) to end_time (exclusive), newest first: built once per
    listing, each page is a slice."""
    if request.query.get("start_time"):
        since = dt.datetime.fromisoformat(request.query["start_time"].replace("Z", "+00:00"))
        items = [item for item in items if item[0] >= since]
    if request.query.get("end_time"):
        until = dt.datetime.fromisoformat(request.query["end_time"].replace("Z", "+00:00"))
        items = [item for item in items if item[0] < until]
    return sorted(items, key=lambda item: item[0], reverse=True)


def _page(request: Request, items: list[tuple[dt.datetime, dict]], default: int = 10,
          token: str = "pagination_token") -> dict:
    """`items` as _newest_first gives them; meta.next_token while more remain; an empty result is
    `meta.result_count: 0` alone."""
    try:
        limit = int(request.query.get("max_results", default))
    except ValueError:
        limit = 0
    if not 5 <= limit <= 100:
        raise ApiError(
            400,
            {
                "errors": [
                    {
                        "parameters": {"max_results": [str(limit)]},
                        "message": "The `max_results` query parameter value is not between 5 and 100",
                    }
                ],
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": "https://api.twitter.com/2/problems/invalid-request",
            },
        )
    cursor = request.query.get(token)
    start = int(cursor[-8:], 16) if cursor else 0  # opaque to clients; ours ends in the hex offset
    chunk = [tweet for _, tweet in items[start : start + limit]]
    if not chunk:
        return {"meta": {"result_count": 0}}
    meta = {"result_count": len(chunk), "newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"]}
    if start + limit < len(items):
        meta["next_token"] = f"7140dibdnow9c7btw{start + limit:08x}"
    if start:
        meta["previous_token"] = f"77qpymm88g5h9vqklu{max(0, start - limit):08x}"
    return {"data": chunk, "meta": meta}


def user(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    key = _key(world, params["user_id"])
    profile = world.profiles[key]
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(
        200,
        {
            "data": {
                "id": params["user_id"],
                "name": profile.brand.name,
                "username": profile.account.handle,
                "created_at": "2015-03-02T09:00:00.000Z",
                "public_metrics": {
                    "followers_count": world.followers(key, day),
                    "following_count": 210,
                    "tweet_count": world.count_posts_as_of(key, as_of),
                    "listed_count": 40,
                    "like_count": 950,
                    "media_count": 120,
                },
            }
        },
        {},
    )


def user_by_username(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """`GET /2/users/by/username/:username`: a rival's public profile; an unknown one is HTTP 200 with errors."""
    _check_token(request)
    rival = world.rivals.find("x", params["username"])
    if rival is None:
        return Response(200, {"errors": [{
            "value": params["username"], "detail": f"Could not find user with username: [{params['username']}].",
            "title": "Not Found Error", "resource_type": "user", "parameter": "username",
            "resource_id": params["username"], "type": "https://api.twitter.com/2/problems/resource-not-found"}]}, {})
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(200, {"data": {
        "id": rival.account_id, "name": rival.name, "username": rival.username,
        "created_at": "2014-06-10T12:00:00.000Z",
        "public_metrics": {"followers_count": world.rivals.followers(rival, day), "following_count": 380,
                           "tweet_count": len(world.rivals.posts_as_of(rival, as_of)), "listed_count": 55,
                           "like_count": 1200, "media_count": 300}}}, {})


def _rival_tweets(world: World, request: Request, rival: Rival, as_of: dt.datetime) -> Response:
    """A rival's own posts, newest first, with their public metrics (others' tweets show no bookmarks)."""
    def build() -> list:
        items = []
        for post in world.rivals.posts_as_of(rival, as_of):
            counters = post.counters(as_of)
            items.append((post.published_at, {
                "id": post.post_id, "text": post.caption, "created_at": iso_z(post.published_at),
                "author_id": rival.account_id, "conversation_id": post.post_id,
                "edit_history_tweet_ids": [post.post_id], "lang": "en",
                "public_metrics": {"retweet_count": counters["shares"] - counters["shares"] // 5,
                                   "reply_count": counters["comments"], "like_count": counters["likes"],
                                   "quote_count": counters["shares"] // 5}}))
        return _newest_first(request, items)

    memo_key = ("x.rival_tweets", rival.account_id, as_of, request.query.get("start_time"))
    return Response(200, _page(request, world.memo(memo_key, build)), {})


def _candidates(world: World, key: str, request: Request, as_of: dt.datetime) -> list[Post]:
    """Posts that can hold an item at or after start_time: no comment comes later than MAX_COMMENT_AGE."""
    if not request.query.get("start_time"):
        return world.posts_as_of(key, as_of)
    since = dt.datetime.fromisoformat(request.query["start_time"].replace("Z", "+00:00"))
    return world.posts_between(key, since - MAX_COMMENT_AGE, as_of)


def tweets(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check_token(request)
    rival = world.rivals.find("x", params["user_id"])
    if rival is not None:
        return _rival_tweets(world, request, rival, as_of)
    key = _key(world, params["user_id"])
    exclude = set(request.query.get("exclude", "").split(","))

    def build() -> list:
        posts = _candidates(world, key, request, as_of)
        items = [(post.published_at, _tweet(world, post, as_of)) for post in posts]
        if "replies" not in exclude:
            for post in posts:
                visible = post.visible_comments(as_of)
                # reversed: the first comment of an id wins, as a search from the start would find it
                parents = {comment.comment_id: comment for comment in reversed(post.comments)}
                items += [(comment.created_at, _reply(world, post, comment, parents))
                          for comment in visible if comment.is_brand]
        return _newest_first(request, items)

    # Every page of one listing is built from the same items: build them once per listing.
    memo_key = ("x.tweets", key, as_of, request.query.get("start_time"), "replies" in exclude)
    return Response(200, _page(request, world.memo(memo_key, build)), {})


def _commenter_followers(author: str) -> int:
    return 20 + int(hashlib.sha256(author.encode()).hexdigest()[:6], 16) % 3000


def mentions(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Tweets naming the user: the comments on its posts, and others' tweets that @mention it."""
    _check_token(request)
    key = _key(world, params["user_id"])
    account = world.profiles[key].account

    def build() -> tuple[list, dict]:
        items, users = [], {}
        for post in _candidates(world, key, request, as_of):
            for comment in post.visible_comments(as_of):
                if not comment.is_brand:
                    items.append((comment.created_at, _reply(world, post, comment)))
                    users[user_id_of(comment.author)] = _user(comment.author, _commenter_followers(comment.author))
        for item in naming(world, key, as_of):
            items.append((item.created_at, _community_tweet(item)))
            users[user_id_of(item.author)] = _user(item.author, item.author_followers)
        users[account.account_id] = _user(account.handle, world.followers(key, as_of.date()))
        return _newest_first(request, items), users

    memo_key = ("x.mentions", key, as_of, request.query.get("start_time"))
    items, users = world.memo(memo_key, build)
    return Response(200, _with_includes(request, _page(request, items), users), {})


# The recent search reaches seven days back from the request, on the API's clock (here the simulated one);
# end_time must be at least 10 seconds before the request and after start_time.
RECENT_SEARCH_DAYS = 7
END_TIME_LAG = dt.timedelta(seconds=10)


def _moment(parameter: str, value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(parameter, value, f"Invalid '{parameter}':'{value}'. '{parameter}' must be a valid "
                                         "RFC 3339 date-time (YYYY-MM-DDTHH:mm:ssZ)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def search_recent(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Recent search for the hashtags of the query (`#A OR #B -is:retweet`): others' tweets carrying them."""
    _check_token(request)
    query = request.query.get("query", "")
    if not query:
        raise _invalid("query", "", "The `query` query parameter can not be empty")
    floor = as_of - dt.timedelta(days=RECENT_SEARCH_DAYS)
    start_time, end_time = request.query.get("start_time"), request.query.get("end_time")
    if start_time and _moment("start_time", start_time) < floor:
        raise _invalid("start_time", start_time, f"Invalid 'start_time':'{start_time}'. 'start_time' must be on or "
                                                 f"after {floor.strftime('%Y-%m-%dT%H:%MZ')}")
    if end_time:
        latest = as_of - END_TIME_LAG
        if _moment("end_time", end_time) > latest:
            raise _invalid("end_time", end_time, f"Invalid 'end_time':'{end_time}'. 'end_time' must be a minimum "
                                                 "of 10 seconds prior to the request time.")
        if start_time and _moment("end_time", end_time) <= _moment("start_time", start_time):
            raise _invalid("end_time", end_time, f"Invalid 'end_time':'{end_time}'. 'end_time' must be after "
                                                 "'start_time'.")
    hashtags = set(re.findall(r"#\w+", query))

    def build() -> tuple[list, dict]:
        found = [item for item in tagged(world, "x", hashtags, as_of) if item.created_at >= floor]
        return (_newest_first(request, [(item.created_at, _community_tweet(item)) for item in found]),
                {user_id_of(item.author): _user(item.author, item.author_followers) for item in found})

    items, users = world.memo(("x.search", query, as_of, start_time, end_time), build)
    return Response(200, _with_includes(request, _page(request, items, token="next_token"), users), {})


ROUTES = [
    (r"/2/users/by/username/(?P<username>\w+)", user_by_username),
    (r"/2/users/(?P<user_id>\d+)", user),
    (r"/2/users/(?P<user_id>\d+)/tweets", tweets),
    (r"/2/users/(?P<user_id>\d+)/mentions", mentions),
    (r"/2/tweets/search/recent", search_recent),
]
