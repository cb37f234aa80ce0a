{#- X API v2 returns one Tweet object shape from the user timeline, the mentions endpoint and the recent
    search: one staging shape for raw.x__tweets, raw.x__mentions and raw.x__hashtag_search. -#}
{% macro stg_x_tweets(raw_table) %}
with source as (
    select * from {{ source_if_exists('raw', raw_table) }}
),

renamed as (
    select
        -- ids
        'x:' || {{ json_text('payload', 'id') }} as tweet_key,
        'x:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as tweet_id,
        {{ json_text('payload', 'author_id') }} as author_id,
        -- the author's user object, which the extractor attaches from the page's includes.users
        {{ json_text('payload', 'author.username') }} as author_username,
        {{ json_number('payload', 'author.public_metrics.followers_count') }} as author_followers,
        {{ json_text('payload', 'conversation_id') }} as conversation_id,
        -- a tweet references at most one replied_to and one quoted tweet, in either order
        coalesce(
            case when {{ json_text('payload', 'referenced_tweets[0].type') }} = 'replied_to'
                then {{ json_text('payload', 'referenced_tweets[0].id') }} end,
            case when {{ json_text('payload', 'referenced_tweets[1].type') }} = 'replied_to'
                then {{ json_text('payload', 'referenced_tweets[1].id') }} end
        ) as replied_to_tweet_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_at')) }} as created_at_utc,
        -- attributes
        coalesce({{ json_text('payload', 'author_id') }} = _account_id, false) as is_from_brand,
        -- media keys start with the media type's number: 3 photo, 7 and 13 video, 16 animated GIF
        case
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '3\_%' escape '\' then 'image'
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '7\_%' escape '\' then 'video'
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '13\_%' escape '\' then 'video'
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '16\_%' escape '\' then 'video'
            when {{ json_text('payload', 'entities.urls[0].expanded_url') }} is not null then 'link'
            else 'text'
        end as content_type,
        {{ json_text('payload', 'text') }} as tweet_text,
        'https://x.com/i/web/status/' || {{ json_text('payload', 'id') }} as permalink,
        -- the text shows links as t.co; the entity keeps the URL the author posted (with its UTM tags)
        {{ json_text('payload', 'entities.urls[0].expanded_url') }} as link_url,
        {{ json_text('payload', 'lang') }} as declared_language,
        -- facts: public metrics only; X reports no reach, and link clicks and video views need user context
        {{ json_number('payload', 'public_metrics.like_count') }} as likes,
        {{ json_number('payload', 'public_metrics.reply_count') }} as replies,
        {{ json_number('payload', 'public_metrics.retweet_count') }} as retweets,
        {{ json_number('payload', 'public_metrics.quote_count') }} as quotes,
        {{ json_number('payload', 'public_metrics.bookmark_count') }} as bookmarks,
        {{ json_number('payload', 'public_metrics.impression_count') }} as impressions,
        _line_no
    from source
)

select * from renamed
{% endmacro %}
