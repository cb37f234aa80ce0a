{#- Others' posts about each brand, one row per post and owned account that found it, at its latest night:
    mentions of the account and posts carrying the brand's campaign hashtags, from every platform whose API
    gives them (docs/DECISIONLOG.md). Comments on the brand's own posts are not here: they are interactions. -#}
with accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

found as (
    -- X: others' tweets from the mentions stream that answer nothing (not comments), and the hashtag search
    select tweet_key as community_post_key, 'x' as platform, account_key, tweet_id as post_id,
        'x:' || author_id as author_key, author_username as author_handle, author_followers,
        created_at_utc, tweet_text as post_text, tweet_text as hashtag_text,
        likes, replies as comments, {{ sum_reported(['retweets', 'quotes']) }} as shares,
        true as is_found_as_mention, snapshot_date, _line_no
    from {{ ref('stg_x__mentions') }}
    where replied_to_tweet_id is null and not is_from_brand
    union all
    select tweet_key, 'x', account_key, tweet_id, 'x:' || author_id, author_username, author_followers,
        created_at_utc, tweet_text, tweet_text, likes, replies, {{ sum_reported(['retweets', 'quotes']) }},
        false, snapshot_date, _line_no
    from {{ ref('stg_x__hashtag_search') }}
    where not is_from_brand
    union all
    -- Mastodon: mention notifications that answer nothing (replies are read in threads), and tag timelines
    select status_key, 'mastodon', account_key, status_id, 'mastodon:' || author_acct, author_acct,
        author_followers, created_at_utc, status_text, status_text_tight, likes, replies, reblogs,
        true, snapshot_date, _line_no
    from {{ ref('stg_mastodon__mentions') }}
    where in_reply_to_id is null
    union all
    select status_key, 'mastodon', account_key, status_id, 'mastodon:' || author_acct, author_acct,
        author_followers, created_at_utc, status_text, status_text_tight, likes, replies, reblogs,
        false, snapshot_date, _line_no
    from {{ ref('stg_mastodon__hashtag_statuses') }}
    where in_reply_to_id is null
    union all
    -- Bluesky: searchPosts by mention and by tag; replies in threads are left to the brand's threads
    select post_key, 'bluesky', account_key, post_uri, 'bluesky:' || author_did, author_handle,
        cast(null as bigint), created_at_utc, post_text, post_text, likes, replies,
        {{ sum_reported(['reposts', 'quotes']) }}, searched like '@%', snapshot_date, _line_no
    from {{ ref('stg_bluesky__search') }}
    where reply_parent_uri is null
    union all
    -- Instagram: media that tag or @mention the account; the edge reports no shares and no followers
    select media_key, 'instagram', account_key, media_id, 'instagram:' || author_username, author_username,
        cast(null as bigint), created_at_utc, caption, caption, likes, comments, cast(null as bigint),
        true, snapshot_date, _line_no
    from {{ ref('stg_instagram__tags') }}
),

ranked as (
    select
        found.*,
        -- a post found by two searches on one night, or on several nights, is one post: its latest counters
        row_number() over (
            partition by community_post_key, account_key order by snapshot_date desc, _line_no asc
        ) as snapshot_rank,
        max(case when is_found_as_mention then 1 else 0 end) over (
            partition by community_post_key, account_key
        ) as was_found_as_mention,
        min(snapshot_date) over (partition by community_post_key, account_key) as first_seen_date
    from found
)

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
