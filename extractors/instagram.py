"""Instagram Graph API: user, user insights, follower demographics, media, media insights and comments of a
professional account, its live stories and their insights (captured intra-day),
and the media by others in which it is photo-tagged (the `tags` edge; caption @mentions are not read: the
Graph API serves them only through the mentions webhook, see docs/DECISIONLOG.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from extractors.base import ApiRefusal, Record, RunContext, Stream, parse_json, parse_time
from extractors.graph import (
    INSTAGRAM_MEDIA_METRICS,
    INSTAGRAM_STORY_METRICS,
    INSTAGRAM_STORY_NAVIGATION,
    INSTAGRAM_USER_METRICS,
    GraphClient,
    InsightsReader,
    too_few_viewers,
)


class InstagramClient(GraphClient):
    platform = "instagram"


def published(record: dict) -> dt.datetime | None:
    return parse_time(record.get("timestamp"))


def media_kind(media: dict) -> str:
    """The media product type whose metric list applies: FEED, CAROUSEL_ALBUM (a FEED album), REELS, STORY;
    FEED for any other (AD)."""
    product = media.get("media_product_type") or "FEED"
    if product == "FEED" and media.get("media_type") == "CAROUSEL_ALBUM":
        return "CAROUSEL_ALBUM"
    return product if product in INSTAGRAM_MEDIA_METRICS else "FEED"


def newest_first(client: InstagramClient, url: str, params: dict, start: dt.datetime) -> Iterator[dict]:
    """A newest-first listing's media down to the first one older than `start`: once a page reaches those,
    the rest are settled. A media without an id (nothing could be read under it, nor loaded) or without its
    timestamp (it belongs to no window and no day of the marts) is skipped, and counted in the manifest."""
    for page in client.pages(url, params):
        for record in page.get("data", []):
            if not record.get("id"):
                client.skip("media without id")
                continue
            when = published(record)
            if when is None:
                client.skip("media without timestamp")
                continue
            if when < start:
                return
            yield record


class User(Stream[InstagramClient]):
    name = "user"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,username,followers_count,follows_count,media_count"
        yield parse_json(client.get(client.path(client.account.account_id), {"fields": fields})), None


class UserInsights(Stream[InstagramClient]):
    """The account's reach and views of the logical date (UTC), as one day's totals (`metric_type=total_value`,
    which `views` requires). A metric the API refuses is dropped and recorded."""

    name = "user_insights"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        since = dt.datetime.combine(context.snapshot_date, dt.time(), tzinfo=dt.UTC)
        reader = InsightsReader(client, {"period": "day", "metric_type": "total_value",
                                         "since": int(since.timestamp()),
                                         "until": int((since + dt.timedelta(days=1)).timestamp())})
        for item in reader.read(client.account.account_id, "account", INSTAGRAM_USER_METRICS):
            yield item, client.account.account_id


class FollowerDemographics(Stream[InstagramClient]):
    """The account's followers by age, gender, country and city (`follower_demographics`, lifetime,
    `metric_type=total_value`), one call and one landed item per breakdown, its _parent_id the breakdown: several
    breakdowns in one call would be crossed (age x gender x ...), not listed side by side. Instagram serves them
    only for accounts with 100 followers or more, and countries and cities as their top 45: a breakdown it
    refuses is recorded and the others are still read."""

    name = "follower_demographics"
    BREAKDOWNS = ("age", "gender", "country", "city")

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        account = client.account.account_id
        for breakdown in self.BREAKDOWNS:
            params = {"metric": "follower_demographics", "period": "lifetime", "metric_type": "total_value",
                      "breakdown": breakdown}
            try:
                body = parse_json(client.get(client.path(account, "insights"), params))
            except ApiRefusal as error:
                client.item_error(f"follower_demographics/{breakdown}", error)
                continue
            for item in body.get("data") or []:  # [] when Instagram has nothing to say yet
                yield item, breakdown


class BusinessDiscovery(Stream[InstagramClient]):
    """Each rival's public figures (`brands[].rivals`), read through the brand's own account with Business
    Discovery: `GET /{ig-user-id}?fields=business_discovery.username(<rival>){...}`, its followers, media count
    and recent media with their like and comment counts, newest first, page after page (`media.after(<cursor>)`)
    down to the window start. Each answer lands whole, its _parent_id `<rival>:<page>`. A rival Meta refuses (a
    personal account, a renamed one: code 110) is listed under `item_errors`; the others are still read."""

    name = "business_discovery"
    FIELDS = "username,name,followers_count,follows_count,media_count"
    MEDIA_FIELDS = "id,timestamp,like_count,comments_count,media_type,media_product_type,permalink"
    PAGE = 50

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        for rival in context.rivals:
            after, page = None, 1
            while True:
                media = f"media{f'.after({after})' if after else ''}.limit({self.PAGE}){{{self.MEDIA_FIELDS}}}"
                fields = f"business_discovery.username({rival}){{{self.FIELDS},{media}}}"
                try:
                    body = parse_json(client.get(client.path(client.account.account_id), {"fields": fields}))
                except ApiRefusal as error:
                    client.item_error(f"business_discovery/{rival}", error)
                    break
                yield body, f"{rival}:{page}"
                listing = (body.get("business_discovery") or {}).get("media") or {}
                data = listing.get("data") or []
                after = ((listing.get("paging") or {}).get("cursors") or {}).get("after")
                oldest = published(data[-1]) if data else None
                if not after or oldest is None or oldest < context.window_start_utc:
                    break
                page += 1


class Media(Stream[InstagramClient]):
    name = "media"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = ("id,caption,media_type,media_product_type,permalink,timestamp,username,"
                  "like_count,comments_count")
        url = client.path(client.account.account_id, "media")
        for record in newest_first(client, url, {"fields": fields, "limit": 50}, context.window_start_utc):
            yield record, None


class MediaInsights(Stream[InstagramClient]):
    """Lifetime insights of each media, with the metrics Meta documents for its product type. A media the API
    refuses (posted before the account became a business account) is skipped and recorded with its error."""

    name = "media_insights"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        reader = InsightsReader(client)
        for media in parents:
            media_id = media.get("id")
            if not media_id:
                continue  # the media stream skipped and counted it
            kind = media_kind(media)
            try:
                data = reader.read(media_id, kind, INSTAGRAM_MEDIA_METRICS[kind])
            except ApiRefusal as error:
                reader.failed(media_id, error)
                continue
            for item in data:
                yield item, media_id


class Comments(Stream[InstagramClient]):
    name = "comments"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,text,timestamp,username,like_count,replies{id,text,timestamp,username,like_count}"
        for media in parents:
            if not media.get("id") or not media.get("comments_count"):
                continue  # saves a call per silent post; the count is exact
            for page in client.pages(client.path(media["id"], "comments"), {"fields": fields, "limit": 50}):
                for record in page.get("data", []):
                    yield record, media["id"]


class Tags(Stream[InstagramClient]):
    """Media by others in which the account is photo-tagged, since the window start (newest first). The
    `tags` edge does not return caption @mentions (those need the mentions webhook and `mentioned_media`
    lookups); Instagram's hashtag search is not read either: it gives no author and only a day of media."""

    name = "tags"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        fields = "id,caption,media_type,permalink,timestamp,username,like_count,comments_count"
        url = client.path(client.account.account_id, "tags")
        for record in newest_first(client, url, {"fields": fields, "limit": 50}, context.window_start_utc):
            yield record, None


class Stories(Stream[InstagramClient]):
    """The account's live stories (`GET /{ig-user-id}/stories`): Instagram lists a story only in the 24 hours it
    lives, and never after, so the intra-day capture (dags/shared_media_stories.py) reads them every few hours."""

    name = "stories"
    FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,username"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        url = client.path(client.account.account_id, "stories")
        for page in client.pages(url, {"fields": self.FIELDS, "limit": 100}):
            for record in page.get("data", []):
                if not record.get("id"):
                    client.skip("story without id")
                    continue
                yield record, None


class StoryInsights(Stream[InstagramClient]):
    """Each live story's insights as of the capture: its metrics in one call, `navigation` by
    story_navigation_action_type in another. A story seen by fewer than 5 people has none yet (`(#10) Not
    enough viewers`): recorded under item_errors, and the next capture reads it again."""

    name = "story_insights"

    def records(self, client: InstagramClient, context: RunContext, parents: list[dict]) -> Iterator[Record]:
        metrics = InsightsReader(client)
        navigation = InsightsReader(client, INSTAGRAM_STORY_NAVIGATION)
        for story in parents:
            story_id = story.get("id")
            if not story_id:
                continue
            try:
                data = [*metrics.read(story_id, "STORY", INSTAGRAM_STORY_METRICS),
                        *navigation.read(story_id, "STORY_NAVIGATION", ("navigation",))]
            except ApiRefusal as error:
                if too_few_viewers(error):
                    client.item_error(story_id, error)
                else:
                    metrics.failed(story_id, error)
                continue
            for item in data:
                yield item, story_id


STREAMS: tuple[type[Stream[InstagramClient]], ...] = (User, UserInsights, FollowerDemographics,
                                                         BusinessDiscovery, Media, MediaInsights,
                                                         Comments, Tags)
# Read by the intra-day capture only (core.catalog: intraday), in this order.
CAPTURE_STREAMS: tuple[type[Stream[InstagramClient]], ...] = (Stories, StoryInsights)
CLIENT: type[InstagramClient] = InstagramClient
