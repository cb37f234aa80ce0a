{#- Column lists shared by staging models whose sources carry one API object shape. Each model keeps its own
    source and CTEs (the body lives in the model); only the list of columns read from the payload is shared. -#}

{#- X API v2 returns one Tweet object shape from the user timeline (GET /2/users/:id/tweets), the mentions
    (GET /2/users/:id/mentions) and the recent search (GET /2/tweets/search/recent): the staging models of
    raw.x__tweets, raw.x__mentions and raw.x__hashtag_search select these columns. -#}
{% macro x_tweet_columns() -%}
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
            case
                when {{ json_text('payload', 'referenced_tweets[0].type') }} = 'replied_to'
                    then {{ json_text('payload', 'referenced_tweets[0].id') }}
            end,
            case
                when {{ json_text('payload', 'referenced_tweets[1].type') }} = 'replied_to'
                    then {{ json_text('payload', 'referenced_tweets[1].id') }}
            end
        ) as replied_to_tweet_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_at')) }} as created_at_utc,
        -- attributes
        coalesce({{ json_text('payload', 'author_id') }} = _account_id, false) as is_from_brand,
        -- media keys start with the media type's number: 3 photo, 7 and 13 video, 16 animated GIF
        case
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '3!_%' escape '!' then 'image'
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '7!_%' escape '!' then 'video'
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '13!_%' escape '!' then 'video'
            when {{ json_text('payload', 'attachments.media_keys[0]') }} like '16!_%' escape '!' then 'video'
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
        {{ json_number('payload', 'public_metrics.impression_count') }} as impressions
{%- endmacro %}

{#- TikTok's video/list and video/query return one Video object shape: the staging models of raw.tiktok__videos
    and raw.tiktok__video_stats select these columns. -#}
{% macro tiktok_video_columns() -%}
        -- ids
        'tiktok:' || {{ json_text('payload', 'id') }} as video_key,
        'tiktok:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as video_id,
        -- timestamps: create_time is epoch seconds
        _logical_date as snapshot_date,
        {{ from_epoch_ms("cast(" ~ json_text('payload', 'create_time') ~ " as bigint) * 1000") }} as published_at_utc,
        -- attributes
        {{ json_number('payload', 'duration', 'integer') }} as duration_seconds,
        {{ json_text('payload', 'title') }} as title,
        {{ json_text('payload', 'video_description') }} as video_description,
        {{ json_text('payload', 'share_url') }} as permalink,
        -- facts
        {{ json_number('payload', 'view_count') }} as views,
        {{ json_number('payload', 'like_count') }} as likes,
        {{ json_number('payload', 'comment_count') }} as comments,
        {{ json_number('payload', 'share_count') }} as shares
{%- endmacro %}

{#- A Mastodon status, as a hashtag timeline returns it (prefix '') or nested in a mention notification
    (prefix 'status.'): the staging models of raw.mastodon__hashtag_statuses and raw.mastodon__mentions. -#}
{% macro mastodon_status_columns(prefix='') -%}
        -- ids
        'mastodon:' || {{ json_text('payload', prefix ~ 'id') }} as status_key,
        'mastodon:' || _account_id as account_key,
        {{ json_text('payload', prefix ~ 'id') }} as status_id,
        {{ json_text('payload', prefix ~ 'in_reply_to_id') }} as in_reply_to_id,
        {{ json_text('payload', prefix ~ 'account.id') }} as author_id,
        {{ json_text('payload', prefix ~ 'account.acct') }} as author_acct,
        {{ json_number('payload', prefix ~ 'account.followers_count') }} as author_followers,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', prefix ~ 'created_at')) }} as created_at_utc,
        -- attributes
        _parent_id as searched_hashtag,
        -- the text as a reader sees it: the extractor's content_text (entities decoded, a link as its URL, a
        -- hashtag as #Tag); statuses landed before it existed fall back to the HTML with its tags stripped
        coalesce(
            {{ json_text('payload', prefix ~ 'content_text') }},
            trim({{ strip_html(json_text('payload', prefix ~ 'content')) }})
        ) as status_text,
        coalesce(
            {{ json_text('payload', prefix ~ 'content_text') }},
            {{ html_text_tight(json_text('payload', prefix ~ 'content')) }}
        ) as status_text_tight,
        {{ json_text('payload', prefix ~ 'language') }} as declared_language,
        -- facts
        {{ json_number('payload', prefix ~ 'favourites_count') }} as likes,
        {{ json_number('payload', prefix ~ 'replies_count') }} as replies,
        {{ json_number('payload', prefix ~ 'reblogs_count') }} as reblogs
{%- endmacro %}

{#- LinkedIn's lifetime follower facets (GET /rest/organizationalEntityFollowerStatistics without time intervals):
    (dimension as the warehouse names it, the facet's array in the answer, the field holding its value). Read by
    stg_linkedin__follower_statistics (the largest facet as a lower bound of the total) and
    stg_linkedin__follower_demographics (one row per facet value). -#}
{% macro linkedin_follower_facets() -%}
    {{ return([
        ('country', 'followerCountsByGeoCountry', 'geo'),
        ('region', 'followerCountsByGeo', 'geo'),
        ('job_function', 'followerCountsByFunction', 'function'),
        ('industry', 'followerCountsByIndustry', 'industry'),
        ('seniority', 'followerCountsBySeniority', 'seniority'),
        ('company_size', 'followerCountsByStaffCountRange', 'staffCountRange'),
        ('association', 'followerCountsByAssociationType', 'associationType'),
    ]) }}
{%- endmacro %}
