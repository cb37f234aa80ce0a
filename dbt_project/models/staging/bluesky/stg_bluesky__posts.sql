with source as (
    select * from {{ source_if_exists('raw', 'bluesky__posts') }}
),

renamed as (
    select
        -- ids
        'bluesky:' || {{ json_text('payload', 'post.uri') }} as post_key,
        'bluesky:' || _account_id as account_key,
        {{ json_text('payload', 'post.uri') }} as post_uri,
        {{ json_text('payload', 'post.author.did') }} as author_did,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'post.record.createdAt')) }} as published_at_utc,
        -- attributes: the embed view says what the post shows; a quote (record view) counts as text
        case
            when {{ json_text('payload', 'post.embed."$type"') }} = 'app.bsky.embed.video#view' then 'video'
            when {{ json_text('payload', 'post.embed."$type"') }} = 'app.bsky.embed.images#view' then 'image'
            when {{ json_text('payload', 'post.embed."$type"') }} = 'app.bsky.embed.external#view' then 'link'
            when {{ json_text('payload', 'post.embed."$type"') }} = 'app.bsky.embed.recordWithMedia#view'
                then case
                    when {{ json_text('payload', 'post.embed.media."$type"') }} = 'app.bsky.embed.video#view'
                        then 'video'
                    when {{ json_text('payload', 'post.embed.media."$type"') }} = 'app.bsky.embed.external#view'
                        then 'link'
                    else 'image'
                end
            else 'text'
        end as content_type,
        {{ json_text('payload', 'post.record.text') }} as post_text,
        'https://bsky.app/profile/' || {{ json_text('payload', 'post.author.did') }} || '/post/'
        || {{ regex_first(json_text('payload', 'post.uri'), '/app\.bsky\.feed\.post/([^/]+)$') }} as permalink,
        -- the text shows a shortened link; the link card (embed) or the link facet holds the URL posted
        coalesce(
            {{ json_text('payload', 'post.embed.external.uri') }},
            {{ regex_first(json_text('payload', 'post.record.facets'), '"uri":"([^"]+)"') }}
        ) as link_url,
        {{ json_text('payload', 'post.record.langs[0]') }} as declared_language,
        -- facts: Bluesky reports likes, direct replies, reposts and quotes; no saves, impressions or reach
        {{ json_number('payload', 'post.likeCount') }} as likes,
        {{ json_number('payload', 'post.replyCount') }} as replies,
        {{ json_number('payload', 'post.repostCount') }} as reposts,
        {{ json_number('payload', 'post.quoteCount') }} as quotes,
        _line_no
    from source
)

select * from renamed
