"""LinkedIn Community Management API (versioned /rest): organization follower statistics (lifetime), the
organization's follower total (networkSizes), its posts (q=author, start/count paging), share statistics per
post, and comments through socialActions. Every call needs `LinkedIn-Version: YYYYMM` and
`X-Restli-Protocol-Version: 2.0.0`."""

from __future__ import annotations

import datetime as dt
import re

from simulator.protocol import ApiError, Request, Response
from simulator.world import Comment, Post, World

# LinkedIn reports no saves, and no video views in share statistics; uniqueImpressionsCount is the reach,
# impressionCount the views, clickCount the clicks on the post.
SUPPORTED_VERSIONS = re.compile(r"^20(2[3-9]|[3-9]\d)(0[1-9]|1[0-2])(\.\d\d)?$")
UGC_TYPES = {"video", "carousel"}  # posts made as ugcPosts (video, multi-image); the others are shares
GEO = {"fr": ("urn:li:geo:105015875", "urn:li:geo:100565514", "urn:li:geo:106693272"),  # France, BE, CH
       "en": ("urn:li:geo:103644278", "urn:li:geo:101174742", "urn:li:geo:101165590")}  # US, Canada, UK
SENIORITY = ("urn:li:seniority:3", "urn:li:seniority:4", "urn:li:seniority:5")
# Job functions (LinkedIn's standardized codes: marketing, sales, arts and design, operations) and industries
# (retail apparel and fashion, retail, consumer services) of the followers who filled them in.
FUNCTIONS = ("urn:li:function:15", "urn:li:function:25", "urn:li:function:3", "urn:li:function:18")
INDUSTRIES = ("urn:li:industry:19", "urn:li:industry:27", "urn:li:industry:91")
MAX_COUNT = 100


def _error(status: int, message: str, code: str | None = None, service_code: int | None = None) -> ApiError:
    body: dict = {"status": status, "message": message}
    if code:
        body["code"] = code
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    return ApiError(status, body)


def expired_token_error() -> ApiError:
    return _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)


def rate_limit_error(as_of: dt.datetime) -> ApiError:
    # LinkedIn's throttles answer 429 with no Retry-After header.
    return _error(429, "Resource level throttle APPLICATION MINUTE limit for calls to this resource is reached.",
                  "TOO_MANY_REQUESTS", 101)


def _check(request: Request) -> None:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        raise expired_token_error()
    version = request.headers.get("linkedin-version")
    if not version:
        raise _error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version "
                     "header.", "VERSION_MISSING")
    if not SUPPORTED_VERSIONS.match(version):
        raise _error(426, f"Requested version {version} is not active", "NONEXISTENT_VERSION")
    if request.headers.get("x-restli-protocol-version") != "2.0.0":
        raise _error(400, "Rest.li protocol 2.0.0 is required: send X-Restli-Protocol-Version: 2.0.0",
                     "ILLEGAL_ARGUMENT")


def org_urn(world: World, key: str) -> str:
    return f"urn:li:organization:{world.profiles[key].account.account_id}"


def _number(identity: str) -> str:
    return str(7 * 10**18 + int(identity) % 10**18)


def post_urn(post: Post) -> str:
    kind = "ugcPost" if post.content_type in UGC_TYPES else "share"
    return f"urn:li:{kind}:{_number(post.post_id)}"


def comment_urn(post: Post, comment: Comment) -> str:
    return f"urn:li:comment:({post_urn(post)},{_number(comment.comment_id)})"


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _org_key(world: World, urn: str) -> str:
    key = f"linkedin:{urn.removeprefix('urn:li:organization:')}"
    if not urn.startswith("urn:li:organization:") or key not in world.profiles:
        raise _error(403, f"Not enough permissions to access: organization {urn}", "ACCESS_DENIED", 100)
    return key


def _paged(request: Request, elements: list, default: int = 10) -> dict:
    try:
        start, count = int(request.query.get("start", 0)), int(request.query.get("count", default))
    except ValueError:
        raise _error(400, "start and count must be integers", "ILLEGAL_ARGUMENT") from None
    count = max(0, min(count, MAX_COUNT))
    links = []
    if start + count < len(elements):
        links.append({"type": "application/json", "rel": "next",
                      "href": f"{request.path}?start={start + count}&count={count}"})
    return {"paging": {"start": start, "count": count, "total": len(elements), "links": links},
            "elements": elements[start:start + count]}


def _split(total: int, weights: tuple[float, ...]) -> list[int]:
    parts = [int(total * weight) for weight in weights]
    parts[0] += total - sum(parts)
    return parts


def follower_statistics(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Lifetime statistics: follower counts by facet, each facet its top 100 values at most. As documented,
    a facet's organicFollowerCount is the total of organic and paid followers (paidFollowerCount is not to be
    read for demographics), and there is no total: networkSizes gives it. The simulated followers live in
    three countries, so the country facet adds up to the total; other facets cover the members who filled
    them in."""
    _check(request)
    if request.query.get("q") != "organizationalEntity":
        raise _error(400, "q must be organizationalEntity", "ILLEGAL_ARGUMENT")
    urn = request.query.get("organizationalEntity", "")
    key = _org_key(world, urn)
    day = (as_of - dt.timedelta(microseconds=1)).date()
    element = {**follower_facets(world, key, day), "organizationalEntity": urn}
    return Response(200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": [element]}, {})


def follower_facets(world: World, key: str, day: dt.date) -> dict:
    """The organization's lifetime follower facets at the end of the day, as follower_statistics serves them (and
    simulator.ground_truth reads them): each facet value's organicFollowerCount counts its paid followers too."""
    total = world.followers(key, day)
    paid = total // 50
    countries = zip(GEO[world.profiles[key].brand.language], _split(total - paid, (0.72, 0.17, 0.11)),
                    _split(paid, (0.72, 0.17, 0.11)), strict=True)

    def counts(organic: int, bought: int) -> dict:
        return {"organicFollowerCount": organic + bought, "paidFollowerCount": bought}

    return {
        "followerCountsByAssociationType": [
            {"associationType": "EMPLOYEE", "followerCounts": counts(total // 400, 0)}],
        "followerCountsByGeoCountry": [{"geo": geo, "followerCounts": counts(organic, bought)}
                                       for geo, organic, bought in countries],
        "followerCountsBySeniority": [
            {"seniority": seniority, "followerCounts": counts(part, 0)}
            for seniority, part in zip(SENIORITY, _split(int(total * 0.8), (0.5, 0.3, 0.2)), strict=True)],
        "followerCountsByFunction": [
            {"function": function, "followerCounts": counts(part, 0)}
            for function, part in zip(FUNCTIONS, _split(int(total * 0.6), (0.4, 0.3, 0.2, 0.1)), strict=True)],
        "followerCountsByIndustry": [
            {"industry": industry, "followerCounts": counts(part, 0)}
            for industry, part in zip(INDUSTRIES, _split(int(total * 0.7), (0.55, 0.3, 0.15)), strict=True)],
    }


def network_sizes(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """The organization's follower total: `firstDegreeSize` of its COMPANY_FOLLOWED_BY_MEMBER edge."""
    _check(request)
    if request.query.get("edgeType") not in {"COMPANY_FOLLOWED_BY_MEMBER", "CompanyFollowedByMember"}:
        raise _error(400, "edgeType must be COMPANY_FOLLOWED_BY_MEMBER", "ILLEGAL_ARGUMENT")
    key = _org_key(world, params["urn"])
    day = (as_of - dt.timedelta(microseconds=1)).date()
    return Response(200, {"firstDegreeSize": world.followers(key, day)}, {})


def _content(post: Post) -> dict | None:
    number = _number(post.post_id)
    if post.content_type == "image":
        return {"media": {"id": f"urn:li:image:D4E10AQ{number[-10:]}", "altText": ""}}
    if post.content_type == "video":
        return {"media": {"id": f"urn:li:video:D5F10AQ{number[-10:]}", "title": post.caption[:40]}}
    if post.content_type == "carousel":
        return {"multiImage": {"images": [{"id": f"urn:li:image:D4E10AQ{number[-10:]}{index}", "altText": ""}
                                          for index in range(3)]}}
    if post.content_type == "link":
        return {"article": {"source": post.link(), "title": "Shop the drop", "description": post.caption}}
    return None


def _post(world: World, post: Post) -> dict:
    published = _ms(post.published_at)
    element = {
        "id": post_urn(post),
        "author": org_urn(world, post.account_key),
        "commentary": post.caption,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "lifecycleStateInfo": {"isEditedByAuthor": False},
        "isReshareDisabledByAuthor": False,
        "createdAt": published,
        "publishedAt": published,
        "lastModifiedAt": published,
        "versionTag": "0",
    }
    content = _content(post)
    if content:
        element["content"] = content
    return element


def posts(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """Newest first (sortBy=CREATED or the default LAST_MODIFIED: the simulated posts are never edited)."""
    _check(request)
    if request.query.get("q") != "author":
        raise _error(400, "q must be author", "ILLEGAL_ARGUMENT")
    key = _org_key(world, request.query.get("author", ""))

    def build() -> list[dict]:  # once per organization and night: each page is a slice
        ordered = sorted(world.posts_as_of(key, as_of), key=lambda post: post.published_at, reverse=True)
        return [_post(world, post) for post in ordered]

    return Response(200, _paged(request, world.memo(("linkedin.posts", key, as_of), build)), {})


def _by_urn(world: World, urn: str) -> Post | None:
    return world.lookup("linkedin", "urn", post_urn, urn)


def _list(value: str) -> list[str]:
    match = re.fullmatch(r"List\((.*)\)", value)
    if not match:
        raise _error(400, f"Invalid Rest.li list: {value[:60]}", "ILLEGAL_ARGUMENT")
    return [item for item in match.group(1).split(",") if item]


def share_statistics(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    _check(request)
    urn = request.query.get("organizationalEntity", "")
    key = _org_key(world, urn)
    elements = []
    for field, prefix in (("shares", "urn:li:share:"), ("ugcPosts", "urn:li:ugcPost:")):
        for item in _list(request.query[field]) if field in request.query else []:
            if not item.startswith(prefix):
                raise _error(400, f"{field} holds {prefix} urns, not {item}", "ILLEGAL_ARGUMENT")
            post = _by_urn(world, item)
            if post is None or post.account_key != key or post.published_at > as_of:
                continue
            counters = post.counters(as_of)
            clicks = int(post.clicks * post.growth(as_of))
            impressions = counters["views"]
            engaged = counters["likes"] + counters["comments"] + counters["shares"] + clicks
            elements.append({
                "organizationalEntity": urn,
                field[:-1]: item,
                "totalShareStatistics": {
                    "uniqueImpressionsCount": counters["reach"],
                    "shareCount": counters["shares"],
                    "engagement": engaged / impressions if impressions else 0.0,
                    "clickCount": clicks,
                    "likeCount": counters["likes"],
                    "impressionCount": impressions,
                    "commentCount": counters["comments"],
                },
            })
    return Response(200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}, {})


class _Conversation:
    """One post's comments visible at a moment, indexed once: every listing of the post (its comments, the
    replies to each of them) is shaped from it, where a scan of all its comments per comment or per
    request made a post cost the square of its comments."""

    def __init__(self, world: World, post: Post, as_of: dt.datetime):
        self.world, self.post = world, post
        self.visible = post.visible_comments(as_of)
        self.post_urn = post_urn(post)
        self.by_id: dict[str, Comment] = {}
        self.by_number: dict[str, Comment] = {}
        self.answers: dict[str, list[Comment]] = {}
        for item in self.visible:  # the first of an id or number wins, as a search from the start finds it
            self.by_id.setdefault(item.comment_id, item)
            self.by_number.setdefault(_number(item.comment_id), item)
            if item.parent_id is not None:
                self.answers.setdefault(item.parent_id, []).append(item)
        self.shaped: dict[str, list[dict]] = {}

    def urn(self, comment: Comment) -> str:
        return f"urn:li:comment:({self.post_urn},{_number(comment.comment_id)})"

    def listing(self, target: str, reply_to: str | None) -> list[dict]:
        if target not in self.shaped:
            if reply_to is not None:
                parent = self.by_number.get(reply_to)
                chosen = self.answers.get(parent.comment_id, []) if parent is not None else []
            else:
                chosen = [item for item in self.visible if item.parent_id is None]
            self.shaped[target] = [self.comment(item) for item in chosen]
        return self.shaped[target]

    def comment(self, comment: Comment) -> dict:
        account = self.world.profiles[self.post.account_key].account
        actor = f"urn:li:organization:{account.account_id}" if comment.is_brand else (
            f"urn:li:person:{comment.author.replace('_', '')}")
        stamp = {"actor": actor, "time": _ms(comment.created_at)}
        urn = self.urn(comment)
        element = {
            "id": _number(comment.comment_id),
            "commentUrn": urn,
            "$URN": urn,
            "actor": actor,
            "object": self.post_urn,
            "message": {"text": comment.text, "attributes": []},
            "created": stamp,
            "lastModified": stamp,
            "likesSummary": {"selectedLikes": [], "aggregatedTotalLikes": 0, "likedByCurrentUser": False,
                             "totalLikes": 0},
        }
        if comment.parent_id:
            element["parentComment"] = self.urn(self.by_id[comment.parent_id])
        else:
            replies = len(self.answers.get(comment.comment_id, ()))
            if replies:
                element["commentsSummary"] = {"selectedComments": [], "totalFirstLevelComments": replies,
                                              "aggregatedTotalComments": replies}
        return element


def comments(world: World, request: Request, as_of: dt.datetime, params: dict) -> Response:
    """The comments on a post (`urn:li:share:…`/`urn:li:ugcPost:…`), or the replies to a comment
    (`urn:li:comment:(post urn,id)`), oldest first."""
    _check(request)
    target = params["urn"]
    reply_to = re.fullmatch(r"urn:li:comment:\((?P<post>urn:li:\w+:\d+),(?P<id>\d+)\)", target)
    post = _by_urn(world, reply_to.group("post") if reply_to else target)
    if post is None or post.published_at > as_of:
        raise _error(404, f"Not found: {target}", "NOT_FOUND")
    # one memo entry per post and night, for the post's listing and its comments' replies alike
    conversation = world.memo(("linkedin.comments", post.post_id, as_of), lambda: _Conversation(world, post, as_of))
    shaped = conversation.listing(target, reply_to.group("id") if reply_to else None)
    return Response(200, _paged(request, shaped), {})


ROUTES = [
    (r"/rest/organizationalEntityFollowerStatistics", follower_statistics),
    (r"/rest/networkSizes/(?P<urn>[^/]+)", network_sizes),
    (r"/rest/posts", posts),
    (r"/rest/organizationalEntityShareStatistics", share_statistics),
    (r"/rest/socialActions/(?P<urn>.+)/comments", comments),
]
