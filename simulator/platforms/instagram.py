"""Instagram Graph API: user, user insights, follower demographics, media (cursor paging), media insights,
comments, and the media by others in which the account is photo-tagged (tags)."""

from __future__ import annotations

import base64
import datetime as dt
import re

from simulator import stories as story_module
from simulator.community import naming
from simulator.platforms.graph import check_token, cursor_page, graph_error, graph_timestamp
from simulator.protocol import ApiError, Request, Response
from simulator.world import Post, World, platform_id

MEDIA_SHAPE = {
    "image": ("IMAGE", "FEED"),
    "carousel": ("CAROUSEL_ALBUM", "FEED"),
    "video": ("VIDEO", "FEED"),
    "short_video": ("VIDEO", "REELS"),
}
# Media insights per media product type, as the Instagram Media Insights reference documents them since v22
# (those the simulated world can count); a metric of another type is refused for this one.
MEDIA_METRICS: dict[str, frozenset[str]] = {
    "FEED": frozenset({"reach", "saved", "shares", "views", "total_interactions", "likes", "comments"}),
    "REELS": frozenset({"reach", "saved", "shares", "views", "total_interactions", "likes", "comments"}),
    "STORY": frozenset({"reach", "shares", "views", "total_interactions", "replies"}),
}
KNOWN_MEDIA_METRICS = frozenset().union(*MEDIA_METRICS.values()) | {
    "follows", "profile_visits", "profile_activity", "navigation", "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time"}
# Retired in 2025 (v22, then every version): asking for one fails the whole call.
RETIRED_MEDIA_METRICS = frozenset({"impressions", "plays", "clips_replays_count",
                                   "ig_reels_aggregated_all_plays_count", "video_views"})
# Account insights: views only as a total (metric_type=total_value), reach either way; impressions retired.
ACCOUNT_METRICS = {"reach": ("time_series", "total_value"), "views": ("total_value",)}
ACCOUNT_METRIC_NAMES = ("reach", "follower_count", "website_clicks", "profile_views", "online_followers",
                        "accounts_engaged", "total_interactions", "likes", "comments", "shares", "saves",
                        "replies", "follows_and_unfollows", "profile_links_taps", "views")






def expired_token_error() -> ApiError:
    return graph_error(401, 190, "Error validating access token: Session has expired.", subcode=463)


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    error = graph_error(400, 4, "(#4) Application request limit reached", kind="OAuthException")
    error.response.headers["X-App-Usage"] = '{"call_count":100,"total_time":40,"total_cputime":12}'
    return error






# Follower demographics (`follower_demographics`, lifetime, one breakdown a call). The simulated followers'
# shares by language: gender (F, M, U: unknown), age (the 7 buckets Instagram uses; 8 % of followers have no
# known age), country (ISO 3166-1 alpha-2: more than the 45 Instagram lists, so the cap shows) and city
# ("City, Region", as Instagram names them; half the followers have no known city).
DEMOGRAPHIC_BREAKDOWNS = ("age", "gender", "country", "city")
GENDERS = (("F", 0.61), ("M", 0.35), ("U", 0.04))
AGES = (("13-17", 0.04), ("18-24", 0.24), ("25-34", 0.35), ("35-44", 0.19), ("45-54", 0.1), ("55-64", 0.05),
        ("65+", 0.03))
COUNTRIES = {
    "fr": ("FR", "BE", "CH", "CA", "MA", "US", "LU", "SN", "CI", "TN", "DZ", "GB", "DE", "ES", "IT", "PT", "NL",
           "RE", "GP", "MQ", "CM", "MG", "HT", "BR", "MX", "JP", "AU", "IE", "AT", "SE", "DK", "NO", "FI", "PL",
           "CZ", "GR", "TR", "IL", "AE", "SA", "IN", "CN", "KR", "SG", "TH", "VN", "AR", "CL", "CO", "ZA"),
    "en": ("US", "CA", "GB", "AU", "NZ", "IE", "MX", "DE", "FR", "IN", "PH", "ZA", "NG", "BR", "JP", "KR", "NL",
           "SE", "NO", "DK", "FI", "ES", "IT", "PT", "CH", "AT", "BE", "PL", "CZ", "GR", "TR", "IL", "AE", "SA",
           "SG", "MY", "TH", "VN", "ID", "AR", "CL", "CO", "PE", "KE", "GH", "JM", "PR", "IS", "LU", "HK")}
CITIES = {
    "fr": ("Paris, Île-de-France", "Lyon, Auvergne-Rhône-Alpes", "Marseille, Provence-Alpes-Côte d'Azur",
           "Bruxelles, Brussels", "Bordeaux, Nouvelle-Aquitaine", "Lille, Hauts-de-France",
           "Montréal, Quebec", "Genève, Geneva", "Nantes, Pays de la Loire", "Toulouse, Occitanie",
           "Nice, Provence-Alpes-Côte d'Azur", "Strasbourg, Grand Est"),
    "en": ("New York, New York", "Los Angeles, California", "London, England", "Toronto, Ontario",
           "Chicago, Illinois", "Denver, Colorado", "Seattle, Washington", "Portland, Oregon",
           "Vancouver, British Columbia", "Austin, Texas", "Sydney, New South Wales", "Boston, Massachusetts")}
KNOWN_AGE, KNOWN_CITY = 0.92, 0.5
DEMOGRAPHICS_MIN_FOLLOWERS = 100  # an account with fewer gets no breakdown at all
DEMOGRAPHICS_MIN_BUCKET = 100  # and a bucket with fewer followers is left out
DEMOGRAPHICS_TOP = 45  # countries and cities: the top 45 only


def _decreasing(values: tuple[str, ...], share: float, first: float, ratio: float) -> tuple[tuple[str, float], ...]:
    """`share` spread over `values`, the first taking about `first` of it, each next one `ratio` of the one
    before."""
    weights = [first] + [(1 - first) * (1 - ratio) * ratio ** index for index in range(len(values) - 1)]
    scale = share / sum(weights)
    return tuple((value, weight * scale) for value, weight in zip(values, weights, strict=True))


def follower_breakdowns(world: World, key: str, day: dt.date) -> dict[str, list[tuple[str, int]]]:
    """The account's followers by age, gender, country and city at the end of the day, as follower_demographics
    serves them (and simulator.ground_truth reads them): buckets under 100 followers left out, countries and
    cities their top 45, largest first; {} under 100 followers."""
    total = world.followers(key, day)
    if total < DEMOGRAPHICS_MIN_FOLLOWERS:
        return {}
    language = world.profiles[key].brand.language if world.profiles[key].brand.language in CITIES else "en"
    shares = {"gender": GENDERS, "age": tuple((age, share * KNOWN_AGE) for age, share in AGES),
              "country": _decreasing(COUNTRIES[language], 0.97, 0.55, 0.9),
              "city": _decreasing(CITIES[language], KNOWN_CITY, 0.3, 0.8)}
    served: dict[str, list[tuple[str, int]]] = {}
    for breakdown in DEMOGRAPHIC_BREAKDOWNS:
        buckets = [(value, int(total * share)) for value, share in shares[breakdown]]
        buckets = [(value, count) for value, count in buckets if count >= DEMOGRAPHICS_MIN_BUCKET]
        if breakdown in ("country", "city"):
            buckets = sorted(buckets, key=lambda bucket: -bucket[1])[:DEMOGRAPHICS_TOP]
        served[breakdown] = buckets
    return served


def follower_demographics(world: World, request: Request, as_of: dt.datetime, user_id: str) -> Response:
    """`metric=follower_demographics&period=lifetime&metric_type=total_value&breakdown=<one of four>`: the
    breakdown's buckets as `total_value.breakdowns[0].results`, in no particular order (as Instagram sends them)."""
    key = _account_key(user_id)
    if request.query.get("period") != "lifetime":
        raise graph_error(400, 100, "(#100) Param period must be lifetime for the follower_demographics metric")
    if request.query.get("metric_type") != "total_value":
        raise graph_error(400, 100, "(#100) The following metrics (follower_demographics) should be specified "
                          "with parameter metric_type=total_value")
    breakdown = request.query.get("breakdown", "")
    if breakdown not in DEMOGRAPHIC_BREAKDOWNS:
        raise graph_error(400, 100, "(#100) Param breakdown must be one of {age, city, country, gender} for the "
                          "follower_demographics metric")
    day = (as_of - dt.timedelta(microseconds=1)).date()
    served = follower_breakdowns(world, key, day)
    if not served:
        raise graph_error(400, 100, "(#100) Not enough followers: follower demographics are served for accounts "
                          f"with {DEMOGRAPHICS_MIN_FOLLOWERS} followers or more")
    results = [{"dimension_values": [value], "value": count} for value, count in sorted(served[breakdown])]
    return Response(200, {"data": [{
        "name": "follower_demographics", "period": "lifetime", "title": "Follower demographics",
        "description": "The demographic characteristics of followers, including countries, cities and gender "
                       "distribution.",
        "total_value": {"breakdowns": [{"dimension_keys": [breakdown], "results": results}]},
        "id": f"{user_id}/insights/follower_demographics/lifetime"}]}, {})


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
    if request.query.get("fields", "").startswith("business_discovery."):
        return business_discovery(world, request, as_of, params["user_id"])
    profile = world.profiles[key]
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(200, {
        "id": params["user_id"],
        "username": profile.account.handle,
        "followers_count": world.followers(key, day),
        "follows_count": 312,
        "media_count": world.count_posts_as_of(key, as_of),
    }, {})


DISCOVERY = re.compile(r"^business_discovery\.username\(([^)]*)\)\{(.*)\}$")
DISCOVERY_MEDIA = re.compile(r"media((?:\.(?:after|limit)\([^)]*\))*)\{([^}]*)\}")


def business_discovery(world: World, request: Request, as_of: dt.datetime, user_id: str) -> Response:
    """`GET /{ig-user-id}?fields=business_discovery.username(<name>){fields,media.after(c).limit(n){fields}}`:
    another business or creator account's public figures, read through the brand's own account (Business
    Discovery). Only the fields asked for come back; media newest first, paged by cursor in the field
    expression; a personal or unknown account is refused (code 110, subcode 2207013)."""
    match = DISCOVERY.match(request.query["fields"])
    if not match:
        raise graph_error(400, 100, "(#100) Syntax error in the business_discovery field expression")
    username, inner = match.groups()
    rival = world.rivals.find("instagram", username)
    if rival is None:
        raise ApiError(400, {"error": {
            "message": "Invalid user id", "type": "OAuthException", "code": 110, "error_subcode": 2207013,
            "error_user_title": "Cannot find User",
            "error_user_msg": f"The user with username: {username} cannot be found.",
            "fbtrace_id": "AsimulatedTrace"}})
    day = (as_of - dt.timedelta(microseconds=1)).date()
    profile = {"id": rival.account_id, "username": rival.username, "name": rival.name,
               "followers_count": world.rivals.followers(rival, day), "follows_count": 410,
               "media_count": len(world.rivals.posts_as_of(rival, as_of))}
    media_match = DISCOVERY_MEDIA.search(inner)
    wanted = {name for name in DISCOVERY_MEDIA.sub("", inner).split(",") if name}
    found: dict = {name: value for name, value in profile.items() if name in wanted | {"id"}}
    if media_match:
        modifiers = dict(re.findall(r"\.(after|limit)\(([^)]*)\)", media_match.group(1)))
        limit = min(int(modifiers.get("limit") or 25), 100)
        start = int(base64.b64decode(modifiers["after"]).decode()) if modifiers.get("after") else 0
        posts = sorted(world.rivals.posts_as_of(rival, as_of), key=lambda post: post.published_at, reverse=True)
        media_fields = set(media_match.group(2).split(","))
        data = []
        for post in posts[start:start + limit]:
            counters = post.counters(as_of)
            item = {"id": post.post_id, "timestamp": graph_timestamp(post.published_at), "caption": post.caption,
                    "like_count": counters["likes"], "comments_count": counters["comments"],
                    "media_type": "IMAGE", "media_product_type": "FEED",
                    "permalink": f"https://www.instagram.com/p/{post.post_id}/"}
            data.append({name: value for name, value in item.items() if name in media_fields | {"id"}})
        media: dict = {"data": data}
        if start + limit < len(posts):
            media["paging"] = {"cursors": {"before": base64.b64encode(str(start).encode()).decode(),
                                           "after": base64.b64encode(str(start + limit).encode()).decode()}}
        found["media"] = media
    return Response(200, {"business_discovery": found, "id": user_id}, {})


def _retired(metrics: list[str], request: Request, retired: frozenset[str]) -> None:
    gone = [metric for metric in metrics if metric in retired | request.quirks.retired_metrics]
    if gone:
        raise graph_error(400, 100, f"(#100) Starting from version v22.0 and above, the {', '.join(gone)} metric "
                          "is no longer supported. Please refer to the documentation for a list of supported "
                          "metrics.")


def _account_day(world: World, key: str, metric: str, day_start: dt.datetime) -> int:
    """The account's reach or views of one day. Accounts reach fewer people than the sum of their posts' reach
    (the same people see several); views are counted each time. A post's counters stop moving within 47 days
    (1 - exp(-age/tau) is exactly 1.0 in floats)."""
    day_end = day_start + dt.timedelta(days=1)
    gained = sum(post.metric(metric, day_end) - post.metric(metric, day_start)
                 for post in world.posts_between(key, day_start - dt.timedelta(days=48), day_end))
    return int(gained * 0.8) if metric == "reach" else gained


def user_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Day-period account insights: reach as a time series (one value per day, ending at its end_time) or as
    a total over since..until (`metric_type=total_value`); views only as a total."""
    check_token(request)
    key = _account_key(params["user_id"])
    metrics = request.query.get("metric", "").split(",")
    if metrics == ["follower_demographics"]:
        return follower_demographics(world, request, as_of, params["user_id"])
    kind = request.query.get("metric_type", "time_series")
    _retired(metrics, request, frozenset({"impressions"}))
    for index, metric in enumerate(metrics):
        if metric not in ACCOUNT_METRIC_NAMES:
            raise graph_error(400, 100, f"(#100) metric[{index}] must be one of the following values: "
                              f"{', '.join(ACCOUNT_METRIC_NAMES)}")
        if metric not in ACCOUNT_METRICS:
            raise graph_error(400, 100, f"(#100) The {metric} metric is not served by this simulator")
    if request.query.get("period") != "day":
        raise graph_error(400, 100, "(#100) Param period must be one of {day, week, days_28, lifetime}")
    needs_total = [metric for metric in metrics if kind not in ACCOUNT_METRICS[metric]]
    if needs_total:
        raise graph_error(400, 100, f"(#100) The following metrics ({', '.join(needs_total)}) should be "
                          "specified with parameter metric_type=total_value")
    since = dt.datetime.fromtimestamp(int(request.query["since"]), dt.UTC)
    until = min(dt.datetime.fromtimestamp(int(request.query["until"]), dt.UTC), as_of)
    days = []
    day_start = since
    while day_start + dt.timedelta(days=1) <= until:
        days.append(day_start)
        day_start += dt.timedelta(days=1)
    titles = {"reach": ("Accounts reached", "The number of unique accounts that have seen your content, at least "
                        "once, including in ads."),
              "views": ("Views", "The number of times your content was played or displayed.")}
    data = []
    for metric in metrics:
        item: dict = {"name": metric, "period": "day"}
        daily = [(day, _account_day(world, key, metric, day)) for day in days]
        if kind == "total_value":
            item["title"], item["description"] = titles[metric]
            item["total_value"] = {"value": sum(value for _, value in daily)}
        else:
            item["values"] = [{"value": value, "end_time": graph_timestamp(day + dt.timedelta(days=1))}
                              for day, value in daily]
            item["title"], item["description"] = titles[metric]
        item["id"] = f"{params['user_id']}/insights/{metric}/day"
        data.append(item)
    return Response(200, {"data": data}, {})


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


def refused_media_error() -> ApiError:
    """Insights of a media posted before the account became a business account, as Meta answers them."""
    error = graph_error(400, 100, "Invalid parameter", subcode=2108006)
    assert isinstance(error.response.body, dict)
    error.response.body["error"].update({
        "error_data": {"blame_field_specs": [[""]]}, "is_transient": False,
        "error_user_title": "Media posted before business account conversion",
        "error_user_msg": "The media was posted before the most recent time that the user's account was "
                          "converted to a business account from a personal account."})
    return error


def media_insights(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """A media's lifetime insights. Each metric must be one the Graph API knows, still supported, and
    documented for the media's product type; any other fails the whole call, as on the real API."""
    check_token(request)
    post = _post(world, params["media_id"], as_of)
    every = request.quirks.insights_refused_every
    if every and int(post.post_id) % every == 0:
        raise refused_media_error()
    requested = request.query.get("metric", "").split(",")
    _retired(requested, request, RETIRED_MEDIA_METRICS)
    for index, metric in enumerate(requested):
        if metric not in KNOWN_MEDIA_METRICS:
            allowed = ", ".join(sorted(KNOWN_MEDIA_METRICS))
            raise graph_error(400, 100, f"(#100) metric[{index}] must be one of the following values: {allowed}")
    product = MEDIA_SHAPE[post.content_type][1]
    unsupported = [metric for metric in requested if metric not in MEDIA_METRICS[product]]
    if unsupported:
        raise graph_error(400, 100, f"(#100) The Media Insights API does not support the {', '.join(unsupported)} "
                          "metric for this media product type.")
    counters = post.counters(as_of)
    source = {"reach": counters["reach"], "saved": counters["saves"], "shares": counters["shares"],
              "views": counters["views"], "likes": counters["likes"], "comments": counters["comments"],
              "replies": counters["comments"]}
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
    # Users, media and stories share one id space and one /{id}/insights edge, as in the Graph API.
    if _account_key(params["object_id"]) in world.profiles:
        return user_insights(world, request, as_of, {"user_id": params["object_id"]})
    if params["object_id"].startswith("179"):
        return story_insights(world, request, as_of, params["object_id"])
    return media_insights(world, request, as_of, {"media_id": params["object_id"]})


# A story's insights (Media Insights, STORY): `navigation` only alone, with its breakdown, as the reference says
# (a breakdown beside other metrics fails); exits, taps_forward and taps_back were retired in v18, impressions in
# v22. Readable only while the story lives, and not under 5 viewers.
STORY_METRICS = frozenset({"views", "reach", "replies", "shares", "total_interactions", "follows", "profile_visits"})
RETIRED_STORY_METRICS = frozenset({"exits", "taps_forward", "taps_back", "impressions"})


def stories(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """The account's live stories, newest first (cursor paging); an expired story is never listed."""
    check_token(request)
    key = _account_key(params["user_id"])
    if key not in world.profiles:
        raise graph_error(400, 100, f"Object with ID '{params['user_id']}' does not exist", "GraphMethodException", 33)
    body = cursor_page(request, world.stories.live(key, as_of))
    handle = world.profiles[key].account.handle
    body["data"] = [{"id": story.story_id, "caption": "", "media_type": story.media_type,
                     "media_product_type": "STORY", "timestamp": graph_timestamp(story.published_at),
                     "permalink": f"https://www.instagram.com/stories/{handle}/{story.story_id}/",
                     "username": handle} for story in body["data"]]
    return Response(200, body, {})


def story_insights(world: World, request: Request, as_of: dt.datetime, story_id: str) -> Response:
    check_token(request)
    story = world.stories.find(story_id)
    if story is None or story.platform != "instagram" or not story.live(as_of):
        # After 24 hours a story's insights are gone, as its listing.
        raise graph_error(400, 100, f"Unsupported get request. Object with ID '{story_id}' does not exist",
                          "GraphMethodException", 33)
    requested = request.query.get("metric", "").split(",")
    _retired(requested, request, RETIRED_STORY_METRICS)
    breakdown = request.query.get("breakdown")
    if requested == ["navigation"] and breakdown != "story_navigation_action_type" or (
            "navigation" in requested and len(requested) > 1):
        raise graph_error(500, 1, "An unknown error has occurred.")
    unknown = [metric for metric in requested if metric not in STORY_METRICS | {"navigation"}]
    if unknown:
        raise graph_error(400, 100, f"(#100) The Media Insights API does not support the {', '.join(unknown)} "
                          "metric for this media product type.")
    counters = story.counters(as_of)
    if counters["views"] < story_module.MIN_VIEWERS:
        raise graph_error(400, 10, "(#10) Not enough viewers for the media to show insights")
    if requested == ["navigation"]:
        total = sum(counters[action] for action in story_module.NAVIGATION)
        results = [{"dimension_values": [action], "value": counters[action]} for action in story_module.NAVIGATION]
        return Response(200, {"data": [{
            "name": "navigation", "period": "lifetime", "values": [{"value": total}], "title": "Navigation",
            "description": "Total number of actions taken from your story.",
            "total_value": {"value": total, "breakdowns": [{"dimension_keys": ["story_navigation_action_type"],
                                                            "results": results}]},
            "id": f"{story_id}/insights/navigation/lifetime"}]}, {})
    source = {**counters, "total_interactions": counters["replies"] + counters["shares"]}
    data = [{"name": metric, "period": "lifetime", "values": [{"value": source[metric]}],
             "title": metric.replace("_", " ").title(), "description": "",
             "id": f"{story_id}/insights/{metric}/lifetime"} for metric in requested]
    return Response(200, {"data": data}, {})


V = r"v\d+\.\d+"  # any Graph version: the pinned one is in core.config


def tags(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Media by others in which the account is photo-tagged, newest first (cursor paging). (The `tags` edge
    does not return caption @mentions; the simulated world's media naming the account stand in for both.)"""
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
    (rf"/{V}/(?P<user_id>\d+)/stories", stories),
    (rf"/{V}/(?P<media_id>\d+)/comments", comments),
]
