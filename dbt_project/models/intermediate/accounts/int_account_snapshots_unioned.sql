{#- Every platform's nightly account figures: followers at the end of the day, and the account's own
    daily reach and impressions where the platform reports them. -#}
{#- Platforms whose account figures are followers only. Facebook: page insights (page_media_view and the like)
    are not extracted. -#}
{#- Threads: followers_count from threads_insights. Its `views` there count views of the profile, not of the
    posts: no account impressions, and no reach. -#}
{%- set followers_only = [
    ('mastodon', 'stg_mastodon__accounts'), ('x', 'stg_x__users'), ('bluesky', 'stg_bluesky__profiles'),
    ('facebook', 'stg_facebook__pages'), ('linkedin', 'stg_linkedin__follower_statistics'),
    ('tiktok', 'stg_tiktok__users'),
] %}
with instagram_users as (
    {{ deduplicate(ref('stg_instagram__users'), 'account_key, snapshot_date', '_line_no') }}
),

instagram_daily as (
    select
        account_key,
        metric_date,
        max(case when metric_name = 'reach' then metric_value end) as reach,
        max(case when metric_name = 'views' then metric_value end) as impressions
    from {{ ref('stg_instagram__user_insights') }}
    group by account_key, metric_date
),

instagram as (
    select
        instagram_users.account_key,
        instagram_users.snapshot_date,
        instagram_users.followers,
        instagram_daily.impressions,
        instagram_daily.reach
    from instagram_users
    left join instagram_daily
        on instagram_users.account_key = instagram_daily.account_key
        and instagram_users.snapshot_date = instagram_daily.metric_date
),

-- YouTube: subscribers; the channel's daily views (YouTube Analytics) stand in for impressions, like
-- Instagram's views; no reach
youtube_daily as (
    -- a day's figures read again on a later night: the latest read counts
    {{ deduplicate(ref('stg_youtube__channel_days'), 'account_key, metric_date', 'snapshot_date desc, _line_no') }}
),

-- youtube_daily has one row per channel and day, so reading a channel once per night before the join is
-- the same as after it
youtube_channels as (
    {{ deduplicate(ref('stg_youtube__channels'), 'account_key, snapshot_date', '_line_no') }}
),

youtube as (
    select
        channels.account_key,
        channels.snapshot_date,
        channels.followers,
        youtube_daily.views as impressions,
        cast(null as bigint) as reach
    from youtube_channels as channels
    left join youtube_daily
        on channels.account_key = youtube_daily.account_key
        and channels.snapshot_date = youtube_daily.metric_date
),

threads as (
    select
        account_key,
        snapshot_date,
        max(case when metric_name = 'followers_count' then metric_value end) as followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_threads__user_insights') }}
    group by account_key, snapshot_date
),

{% for platform, model in followers_only -%}
{{ platform }}_reads as (
    {{ deduplicate(ref(model), 'account_key, snapshot_date', '_line_no') }}
),

{{ platform }} as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ platform }}_reads
),

{% endfor -%}

unioned as (
    {{ union_all_columns(
        ['instagram', 'youtube', 'threads'] + followers_only | map(attribute=0) | list,
        ['account_key', 'snapshot_date', 'followers', 'impressions', 'reach'],
    ) }}
)

select * from unioned
