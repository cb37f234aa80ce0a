{#- Every platform's nightly account figures: followers at the end of the day, and the account's own
    daily reach and impressions where the platform reports them. -#}
with instagram_users as (
    select *
    from {{ ref('stg_instagram__users') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
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

mastodon as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_mastodon__accounts') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
),

x as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_x__users') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
),

bluesky as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_bluesky__profiles') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
),

-- Page insights (page_media_view and the like) are not extracted: followers only
facebook as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_facebook__pages') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
),

-- YouTube: subscribers; the channel's daily views (YouTube Analytics) stand in for impressions, like
-- Instagram's views; no reach
youtube_daily as (
    select
        account_key,
        metric_date,
        views
    from {{ ref('stg_youtube__channel_days') }}
    qualify row_number() over (partition by account_key, metric_date order by snapshot_date desc, _line_no) = 1
),

youtube as (
    select
        channels.account_key,
        channels.snapshot_date,
        channels.followers,
        youtube_daily.views as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_youtube__channels') }} as channels
    left join youtube_daily
        on channels.account_key = youtube_daily.account_key
        and channels.snapshot_date = youtube_daily.metric_date
    qualify row_number() over (partition by channels.account_key, channels.snapshot_date order by channels._line_no) = 1
),

linkedin as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_linkedin__follower_statistics') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
),

tiktok as (
    select
        account_key,
        snapshot_date,
        followers,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reach
    from {{ ref('stg_tiktok__users') }}
    qualify row_number() over (partition by account_key, snapshot_date order by _line_no) = 1
)

select * from instagram
union all
select * from mastodon
union all
select * from x
union all
select * from bluesky
union all
select * from facebook
union all
select * from youtube
union all
select * from linkedin
union all
select * from tiktok
