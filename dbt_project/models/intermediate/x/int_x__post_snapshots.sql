{#- X tweets of the owned account for one night, on the contract's columns. Its own replies are
    interactions, not posts. Shares are retweets + quotes; X reports no reach, and link clicks and video
    views only with the account's own user token (non_public_metrics), which the extractor does not use. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with own_tweets as (
    select *
    from {{ nights_of(ref('stg_x__tweets')) }}
    where replied_to_tweet_id is null
),

tweets as (
    {{ deduplicate('own_tweets', 'tweet_key, snapshot_date', '_line_no') }}
)

select
    tweet_key as post_key,
    account_key,
    'x' as platform,
    snapshot_date,
    created_at_utc as published_at_utc,
    content_type,
    tweet_text as post_text,
    permalink,
    link_url,
    likes,
    replies as comments,
    retweets + quotes as shares,
    bookmarks as saves,
    impressions,
    cast(null as bigint) as reach,
    cast(null as bigint) as link_clicks,
    cast(null as bigint) as video_views
from tweets
