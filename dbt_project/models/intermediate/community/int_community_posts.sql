{#- Others' posts about each brand, one row per post and owned account that found it, at its latest night:
    mentions of the account and posts carrying the brand's campaign hashtags, from every platform whose API
    gives them (docs/DECISIONLOG.md). Comments on the brand's own posts are not here: they are interactions.
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a post read again keeps the first_seen_date already in the table, and stays a mention if it was one
    (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key=['community_post_key', 'account_key'],
    on_schema_change='fail',
) }}
{%- set found_columns = [
    'community_post_key', 'platform', 'account_key', 'post_id', 'author_key', 'author_handle', 'author_followers',
    'created_at_utc', 'post_text', 'hashtag_text', 'likes', 'comments', 'shares', 'is_found_as_mention',
    'snapshot_date', '_line_no',
] %}

with accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

-- X: others' tweets from the mentions stream that answer nothing (not comments), and the hashtag search.
-- Both streams carry X's one Tweet shape (x_tweet_columns): one mapping, a CTE per stream.
{% for cte, model, is_mention, condition in [
    ('x_mentions', 'stg_x__mentions', 'true', 'replied_to_tweet_id is null and not is_from_brand'),
    ('x_hashtag_search', 'stg_x__hashtag_search', 'false', 'not is_from_brand'),
] %}
{{ cte }} as (
    select
        tweet_key as community_post_key,
        'x' as platform,
        account_key,
        tweet_id as post_id,
        'x:' || author_id as author_key,
        author_username as author_handle,
        author_followers,
        created_at_utc,
        tweet_text as post_text,
        tweet_text as hashtag_text,
        likes,
        replies as comments,
        {{ sum_reported(['retweets', 'quotes']) }} as shares,
        {{ is_mention }} as is_found_as_mention,
        snapshot_date,
        _line_no
    from {{ nights_of(ref(model)) }}
    where {{ condition }}
),
{% endfor %}

-- Mastodon: mention notifications that answer nothing (replies are read in threads), and tag timelines;
-- one Status shape (mastodon_status_columns)
{% for cte, model, is_mention in [
    ('mastodon_mentions', 'stg_mastodon__mentions', 'true'),
    ('mastodon_hashtag_statuses', 'stg_mastodon__hashtag_statuses', 'false'),
] %}
{{ cte }} as (
    select
        status_key as community_post_key,
        'mastodon' as platform,
        account_key,
        status_id as post_id,
        'mastodon:' || author_acct as author_key,
        author_acct as author_handle,
        author_followers,
        created_at_utc,
        status_text as post_text,
        status_text_tight as hashtag_text,
        likes,
        replies as comments,
        reblogs as shares,
        {{ is_mention }} as is_found_as_mention,
        snapshot_date,
        _line_no
    from {{ nights_of(ref(model)) }}
    where in_reply_to_id is null
),
{% endfor %}

-- Bluesky: searchPosts by mention and by tag; replies in threads are left to the brand's threads
bluesky_search as (
    select
        post_key as community_post_key,
        'bluesky' as platform,
        account_key,
        post_uri as post_id,
        'bluesky:' || author_did as author_key,
        author_handle,
        cast(null as bigint) as author_followers,
        created_at_utc,
        post_text,
        post_text as hashtag_text,
        likes,
        replies as comments,
        {{ sum_reported(['reposts', 'quotes']) }} as shares,
        searched like '@%' as is_found_as_mention,
        snapshot_date,
        _line_no
    from {{ nights_of(ref('stg_bluesky__search')) }}
    where reply_parent_uri is null
),

-- Instagram: media that tag or @mention the account; the edge reports no shares and no followers
instagram_tags as (
    select
        media_key as community_post_key,
        'instagram' as platform,
        account_key,
        media_id as post_id,
        'instagram:' || author_username as author_key,
        author_username as author_handle,
        cast(null as bigint) as author_followers,
        created_at_utc,
        caption as post_text,
        caption as hashtag_text,
        likes,
        comments,
        cast(null as bigint) as shares,
        true as is_found_as_mention,
        snapshot_date,
        _line_no
    from {{ nights_of(ref('stg_instagram__tags')) }}
),

found as (
    {{ union_all_columns(
        ['x_mentions', 'x_hashtag_search', 'mastodon_mentions', 'mastodon_hashtag_statuses', 'bluesky_search',
         'instagram_tags'],
        found_columns,
    ) }}
),

ranked as (
    select
        *,
        -- a post found by two searches on one night, or on several nights, is one post: its latest counters
        row_number() over (
            partition by community_post_key, account_key order by snapshot_date desc, _line_no asc
        ) as snapshot_rank,
        max(case when is_found_as_mention then 1 else 0 end) over (
            partition by community_post_key, account_key
        ) as was_found_as_mention,
        min(snapshot_date) over (partition by community_post_key, account_key) as first_seen_date
    from found
),

posts as (
    select
        -- ids
        ranked.community_post_key,
        ranked.platform,
        ranked.account_key,
        accounts.brand_id,
        ranked.post_id,
        ranked.author_key,
        -- attributes
        lower(ranked.author_handle) as author_handle,
        ranked.post_text,
        ranked.hashtag_text,
        -- a mention: found by a mentions endpoint, or naming the account's @handle in its text
        ranked.was_found_as_mention = 1
        or lower(ranked.hashtag_text) like '%@' || lower(accounts.handle) || '%' as mentions_brand,
        -- timestamps
        ranked.created_at_utc,
        ranked.first_seen_date,
        ranked.snapshot_date as last_seen_date,
        -- facts, lifetime as of the last night the post was read
        ranked.author_followers,
        ranked.likes,
        ranked.comments,
        ranked.shares,
        {{ sum_reported(['ranked.likes', 'ranked.comments', 'ranked.shares']) }} as engagements
    from ranked
    inner join accounts on ranked.account_key = accounts.account_key
    where ranked.snapshot_rank = 1
)

{{ keep_first_seen('posts', ['community_post_key', 'account_key'], [
    'community_post_key', 'platform', 'account_key', 'brand_id', 'post_id', 'author_key', 'author_handle',
    'post_text', 'hashtag_text', 'mentions_brand', 'created_at_utc', 'first_seen_date', 'last_seen_date',
    'author_followers', 'likes', 'comments', 'shares', 'engagements',
], kept_if_true=['mentions_brand']) }}
