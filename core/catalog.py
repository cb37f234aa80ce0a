"""The stream catalog: every platform and stream the warehouse extracts, declared once.

For each stream: the endpoint it reads, its primary key, the parent stream it is read under, the replication
field (the record's time that decides whether it falls in the night's window; None for a stream read whole
every night, or read per parent), the raw table it loads into, and its description. The extractors name their
streams after it (a test checks each module's STREAMS against it), the loader takes its keys from it, the
platform lists derive from it, and dbt's sources are generated from it:

    python -m core.catalog        # writes dbt_project/models/staging/<platform>/_<platform>__sources.yml

Adding a platform is one entry per stream here, one extractor module and one staging folder.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

Platform = Literal["facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "mastodon", "bluesky", "ga4",
                   "threads"]
PLATFORMS: tuple[str, ...] = get_args(Platform)
# The social networks, GA4 being web analytics.
SOCIAL_PLATFORMS: tuple[str, ...] = tuple(platform for platform in PLATFORMS if platform != "ga4")


@dataclass(frozen=True)
class Stream:
    platform: str
    name: str
    endpoint: str
    description: str
    key: str = "id"  # a dotted path into the record
    parent: str | None = None  # the stream whose records this one is read under (their id is _parent_id)
    replication: str | None = None  # the record's time compared with the window start
    # Read by the intra-day capture (dags/shared_media_stories.py), not by the nightly extraction: what an API
    # serves only while it lives (stories, 24 hours). Each capture lands its own files (core.paths.capture_file).
    intraday: bool = False

    @property
    def raw_table(self) -> str:
        """The table in schema `raw` (and the source name in dbt)."""
        return f"{self.platform}__{self.name}"


STREAMS: tuple[Stream, ...] = (
    # --- instagram
    Stream('instagram', 'user', endpoint='GET /{ig-user-id}',
           description='One row per Instagram professional account per logical date (GET /{ig-user-id}).'),
    Stream('instagram', 'user_insights', endpoint='GET /{ig-user-id}/insights, period=day, metric_type=total_value',
           description=('One row per account insight metric per logical date (GET /{ig-user-id}/insights, '
                        'period=day): reach and views as the day\'s total_value.')),
    Stream('instagram', 'follower_demographics',
           endpoint='GET /{ig-user-id}/insights, metric=follower_demographics, period=lifetime, breakdown=...',
           description=('One row per account and demographic breakdown (age, gender, country, city) per logical '
                        'date (GET /{ig-user-id}/insights, metric=follower_demographics, period=lifetime, '
                        'metric_type=total_value); _parent_id is the breakdown.')),
    Stream('instagram', 'business_discovery', key='business_discovery.id',
           endpoint='GET /{ig-user-id}?fields=business_discovery.username(<rival>){...}',
           description=("One row per rival account of the brand and page of its recent media per logical date "
                        '(Business Discovery through the owned account): its followers, media count and media '
                        "with like and comment counts; _parent_id is `<rival username>:<page>`.")),
    Stream('instagram', 'media', replication='timestamp', endpoint='GET /{ig-user-id}/media',
           description='One row per media object per logical date (GET /{ig-user-id}/media).'),
    Stream('instagram', 'media_insights', parent='media', endpoint='GET /{ig-media-id}/insights',
           description=('One row per media and metric per logical date (GET /{ig-media-id}/insights); _parent_id '
                        'is the media id.')),
    Stream('instagram', 'comments', parent='media', endpoint='GET /{ig-media-id}/comments',
           description=('One row per top-level comment per logical date, replies nested (GET '
                        '/{ig-media-id}/comments).')),
    Stream('instagram', 'stories', endpoint='GET /{ig-user-id}/stories', intraday=True,
           description=('One row per live story (published in the last 24 hours) per intra-day capture (GET '
                        '/{ig-user-id}/stories); the capture time is in the landing path (capture=<HHMMSS>).')),
    Stream('instagram', 'story_insights', parent='stories', intraday=True,
           endpoint=('GET /{ig-media-id}/insights, story metrics; metric=navigation, '
                     'breakdown=story_navigation_action_type'),
           description=('One row per live story and insight per intra-day capture (GET /{ig-media-id}/insights): '
                        'views, reach, replies, shares, total_interactions, follows, profile_visits, and navigation '
                        'with its story_navigation_action_type breakdown; _parent_id is the story id.')),
    Stream('instagram', 'tags', replication='timestamp', endpoint='GET /{ig-user-id}/tags',
           description=('One row per media by others in which the account is photo-tagged, per logical date '
                        '(GET /{ig-user-id}/tags; caption @mentions are not returned).')),
    # --- mastodon
    Stream('mastodon', 'account', endpoint='GET /api/v1/accounts/:id',
           description='One row per Mastodon account per logical date (GET /api/v1/accounts/:id).'),
    Stream('mastodon', 'statuses', replication='created_at', endpoint='GET /api/v1/accounts/:id/statuses',
           description='One row per status per logical date (GET /api/v1/accounts/:id/statuses).'),
    Stream('mastodon', 'replies', parent='statuses', endpoint='GET /api/v1/statuses/:id/context',
           description=("One row per reply in a status's thread per logical date (GET "
                        '/api/v1/statuses/:id/context); _parent_id is the root status.')),
    Stream('mastodon', 'mentions', replication='created_at', endpoint='GET /api/v1/notifications?types[]=mention',
           description=('One row per mention notification of the account per logical date (GET '
                        "/api/v1/notifications?types[]=mention): replies to its statuses and others' statuses "
                        'naming it; the status is nested whole.')),
    Stream('mastodon', 'hashtag_statuses', replication='created_at', endpoint='GET /api/v1/timelines/tag/:hashtag',
           description=("One row per status on a campaign hashtag's timeline per logical date (GET "
                        '/api/v1/timelines/tag/:hashtag); _parent_id is the hashtag.')),
    Stream('mastodon', 'rival_accounts', endpoint='GET /api/v1/accounts/lookup?acct=',
           description=("One row per rival account of the brand per logical date (GET /api/v1/accounts/lookup); "
                        '_parent_id is the rival as configured.')),
    Stream('mastodon', 'rival_statuses', parent='rival_accounts', replication='created_at',
           endpoint='GET /api/v1/accounts/:id/statuses',
           description=("One row per rival's own public status since the window start per logical date (GET "
                        '/api/v1/accounts/:id/statuses, no replies or reblogs); _parent_id is its account id.')),
    # --- threads
    Stream('threads', 'threads', replication='timestamp', endpoint='GET /v1.0/{threads-user-id}/threads',
           description=("One row per thread (post) of the owned profile per logical date (GET "
                        '/v1.0/{threads-user-id}/threads, since the window start).')),
    Stream('threads', 'media_insights', parent='threads', endpoint='GET /v1.0/{threads-media-id}/insights',
           description=('One row per thread and metric per logical date (GET /v1.0/{threads-media-id}/insights: '
                        'views, likes, replies, reposts, quotes, shares, lifetime); _parent_id is the thread.')),
    Stream('threads', 'replies', parent='threads', endpoint='GET /v1.0/{threads-media-id}/conversation',
           description=("One row per reply at any depth in a thread's conversation per logical date (GET "
                        '/v1.0/{threads-media-id}/conversation); _parent_id is the root thread.')),
    Stream('threads', 'user_insights', endpoint='GET /v1.0/{threads-user-id}/threads_insights',
           description=("One row per profile metric per logical date (GET /v1.0/{threads-user-id}/threads_insights "
                        "over the logical date): views as the day's value, likes, replies, reposts, quotes and "
                        'followers_count as total_value.')),
    # --- x
    Stream('x', 'user', endpoint='GET /2/users/:id with public_metrics',
           description='One row per X account per logical date (GET /2/users/:id with public_metrics).'),
    Stream('x', 'tweets', replication='created_at', endpoint='GET /2/users/:id/tweets, retweets excluded',
           description=('One row per tweet of the owned account per logical date (GET /2/users/:id/tweets, '
                        'retweets excluded): its posts and its replies, which carry referenced_tweets of type '
                        'replied_to.')),
    Stream('x', 'mentions', replication='created_at', endpoint='GET /2/users/:id/mentions',
           description=('One row per tweet mentioning the owned account per logical date (GET '
                        '/2/users/:id/mentions): comments on its posts, replies in their threads and mentions '
                        'elsewhere; _parent_id is the tweet replied to.')),
    Stream('x', 'hashtag_search', replication='created_at', endpoint='GET /2/tweets/search/recent, retweets excluded',
           description=("One row per tweet carrying one of the brand's campaign hashtags per logical date (GET "
                        '/2/tweets/search/recent, retweets excluded), with its author from includes.users under '
                        '`author`.')),
    Stream('x', 'rival_users', endpoint='GET /2/users/by/username/:username, user.fields public_metrics',
           description=("One row per rival account of the brand per logical date (GET /2/users/by/username/"
                        ":username, public_metrics); _parent_id is the rival as configured.")),
    Stream('x', 'rival_tweets', parent='rival_users', replication='created_at',
           endpoint='GET /2/users/:id/tweets, retweets and replies excluded',
           description=("One row per rival's own post since the window start per logical date (GET "
                        '/2/users/:id/tweets, no retweets or replies); _parent_id is its user id.')),
    # --- bluesky
    Stream('bluesky', 'profile', key='did', endpoint='app.bsky.actor.getProfile',
           description='One row per Bluesky account per logical date (app.bsky.actor.getProfile).'),
    Stream('bluesky', 'posts', key='post.uri', replication='post.record.createdAt',
           endpoint='app.bsky.feed.getAuthorFeed, filter posts_no_replies; reposts and the pinned post skipped',
           description=('One row per post of the owned account per logical date, as a feed item {post, reply?, '
                        'reason?} (app.bsky.feed.getAuthorFeed, filter posts_no_replies; reposts and the pinned '
                        'post skipped).')),
    Stream('bluesky', 'replies', key='uri', parent='posts', endpoint='',
           description=("One row per reply in a post's thread per logical date, flattened from "
                        "app.bsky.feed.getPostThread; _parent_id is the root post's URI.")),
    Stream('bluesky', 'search', key='uri', replication='record.createdAt', endpoint='',
           description=('One row per post by others found by app.bsky.feed.searchPosts per logical date: '
                        'mentioning the account or carrying a campaign hashtag; _parent_id is what was searched '
                        '(`@handle` or `#hashtag`).')),
    Stream('bluesky', 'rival_profiles', key='did', endpoint='app.bsky.actor.getProfile',
           description=('One row per rival account of the brand per logical date (app.bsky.actor.getProfile); '
                        '_parent_id is the rival as configured.')),
    Stream('bluesky', 'rival_posts', key='post.uri', parent='rival_profiles', replication='post.record.createdAt',
           endpoint='app.bsky.feed.getAuthorFeed, filter posts_no_replies',
           description=("One row per rival's own post since the window start per logical date, as a feed item "
                        '(app.bsky.feed.getAuthorFeed); _parent_id is its DID.')),
    # --- ga4
    Stream('ga4', 'sessions_daily', key='row_key', replication='date', endpoint='runReport',
           description=('One row per (date, source, medium, campaign, ad content) of a GA4 property per logical '
                        'date (runReport), dimension and metric values as strings keyed by their names, plus '
                        'row_key, property_id and currency.')),
    # --- facebook
    Stream('facebook', 'page', endpoint='GET /{page-id}',
           description='One row per Facebook Page per logical date (GET /{page-id}).'),
    Stream('facebook', 'posts', replication='created_time', endpoint='GET /{page-id}/published_posts',
           description='One row per published Page post per logical date (GET /{page-id}/published_posts).'),
    Stream('facebook', 'post_insights', parent='posts', endpoint='GET /{post-id}/insights',
           description=('One row per post and metric per logical date (GET /{post-id}/insights); _parent_id is '
                        'the post id.')),
    Stream('facebook', 'comments', parent='posts', endpoint='GET /{post-id}/comments, filter=stream',
           description=('One row per comment or reply per logical date, flat (GET /{post-id}/comments, '
                        'filter=stream), a reply naming its parent comment; _parent_id is the post id.')),
    Stream('facebook', 'videos', parent='posts', endpoint='GET /?ids={video-ids}&fields=id,live_status',
           description=("One row per video of a video post per logical date: the Video node its attachment's "
                        'target names (GET /?ids=..., fields id,live_status; live_status only on a live '
                        'broadcast); _parent_id is the post id.')),
    Stream('facebook', 'stories', key='post_id', endpoint='GET /{page-id}/stories', intraday=True,
           description=('One row per live Page story per intra-day capture (GET /{page-id}/stories): post_id, '
                        'status, creation_time, media_type, media_id, url; Meta documents no story insight '
                        'metrics for Pages (docs/DECISIONLOG.md).')),
    # --- youtube
    Stream('youtube', 'channel', endpoint='GET /youtube/v3/channels, part snippet,statistics,contentDetails',
           description=('One row per YouTube channel per logical date (GET /youtube/v3/channels, part '
                        'snippet,statistics,contentDetails).')),
    Stream('youtube', 'uploads', parent='channel', replication='contentDetails.videoPublishedAt',
           endpoint='GET /youtube/v3/playlistItems',
           description=("One row per playlist item of the channel's uploads playlist per logical date (GET "
                        '/youtube/v3/playlistItems).')),
    Stream('youtube', 'videos', parent='uploads',
           endpoint='GET /youtube/v3/videos, part statistics,snippet,contentDetails',
           description=('One row per uploaded video of the window per logical date (GET /youtube/v3/videos, part '
                        'statistics,snippet,contentDetails).')),
    Stream('youtube', 'comment_threads', parent='videos', endpoint='GET /youtube/v3/commentThreads',
           description=('One row per comment thread per logical date, up to five replies embedded under '
                        'replies.comments (GET /youtube/v3/commentThreads); _parent_id is the video id.')),
    Stream('youtube', 'channel_days', key='day', replication='day',
           endpoint='YouTube Analytics v2 reports, dimensions=day',
           description=('One row per day of the window per logical date (YouTube Analytics v2 reports, '
                        'dimensions=day).')),
    Stream('youtube', 'rival_channels',
           endpoint='GET /youtube/v3/channels, forHandle, part snippet,statistics,contentDetails',
           description=("One row per rival channel of the brand per logical date (GET /youtube/v3/channels with "
                        'forHandle); _parent_id is the rival as configured.')),
    Stream('youtube', 'rival_videos', parent='rival_channels',
           endpoint='GET /youtube/v3/playlistItems (the uploads, to the window start), then /youtube/v3/videos',
           description=("One row per rival channel's upload since the window start per logical date (GET "
                        '/youtube/v3/videos, part statistics,snippet); _parent_id is its channel id.')),
    # --- linkedin
    Stream('linkedin', 'follower_statistics', key='organizationalEntity',
           endpoint='GET /rest/organizationalEntityFollowerStatistics',
           description=('One row per organization per logical date, lifetime follower counts by facet (GET '
                        '/rest/organizationalEntityFollowerStatistics), with the follower total of GET '
                        '/rest/networkSizes under networkSize.')),
    Stream('linkedin', 'posts', replication='publishedAt', endpoint='GET /rest/posts?q=author',
           description='One row per organization post of the window per logical date (GET /rest/posts?q=author).'),
    Stream('linkedin', 'share_statistics', key='post_urn', parent='posts',
           endpoint='GET /rest/organizationalEntityShareStatistics',
           description=('One row per post per logical date, lifetime totalShareStatistics (GET '
                        '/rest/organizationalEntityShareStatistics); post_urn added by the extractor.')),
    Stream('linkedin', 'comments', parent='share_statistics', endpoint='GET /rest/socialActions/{urn}/comments',
           description=('One row per comment or reply per logical date, flat, a reply naming its parentComment '
                        '(GET /rest/socialActions/{urn}/comments); _parent_id is the post urn.')),
    # --- tiktok
    Stream('tiktok', 'user', key='open_id', endpoint='GET /v2/user/info/',
           description='One row per TikTok account per logical date (GET /v2/user/info/).'),
    Stream('tiktok', 'videos', replication='create_time', endpoint='POST /v2/video/list/',
           description='One row per video of the window per logical date (POST /v2/video/list/).'),
    Stream('tiktok', 'video_stats', parent='videos', endpoint='POST /v2/video/query/',
           description=('One row per video of the window per logical date, asked for again by id (POST '
                        '/v2/video/query/).')),
)


def streams_of(platform: str, intraday: bool = False) -> tuple[Stream, ...]:
    """A platform's nightly streams (or, `intraday`, its intra-day captured ones) in extraction order (a parent
    before the streams read under it)."""
    return tuple(stream for stream in STREAMS if stream.platform == platform and stream.intraday == intraday)


def capture_platforms() -> tuple[str, ...]:
    """The platforms with streams the intra-day capture reads."""
    return tuple(platform for platform in PLATFORMS if streams_of(platform, intraday=True))


def stream(platform: str, name: str) -> Stream:
    for candidate in STREAMS:
        if candidate.platform == platform and candidate.name == name:
            return candidate
    raise KeyError(f"no stream {platform}/{name} in the catalog")


SOURCES_HEADER = """\
# Generated from core/catalog.py by `python -m core.catalog`: edit the catalog, not this file.
version: 2

sources:
  - name: raw
    schema: raw
    tables:
"""


def sources_yaml(platform: str) -> str:
    """dbt's source file for one platform's raw tables."""
    lines = [SOURCES_HEADER]
    for item in (*streams_of(platform), *streams_of(platform, intraday=True)):
        lines.append(f"      - name: {item.raw_table}\n")
        lines.append(f"        description: {_quoted(item.description)}\n")
        lines.append(f"        meta: {{endpoint: {_quoted(item.endpoint)}, primary_key: {item.key}, "
                     f"parent: {item.parent or 'null'}, replication: {item.replication or 'null'}"
                     f"{', intraday: true' if item.intraday else ''}}}\n")
    return "".join(lines)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sources_file(project_dir: Path, platform: str) -> Path:
    return project_dir / "models" / "staging" / platform / f"_{platform}__sources.yml"


def write_sources(project_dir: Path) -> list[Path]:
    written = []
    for platform in PLATFORMS:
        path = sources_file(project_dir, platform)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sources_yaml(platform))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_sources(Path(__file__).resolve().parent.parent / "dbt_project"):
        print(path, file=sys.stderr)
