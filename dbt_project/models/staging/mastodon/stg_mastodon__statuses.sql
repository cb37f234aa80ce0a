with source as (
    select * from {{ source('raw', 'mastodon__statuses') }}
),

renamed as (
    select
        -- ids
        'mastodon:' || {{ json_text('payload', 'id') }} as post_key,
        'mastodon:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as status_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_at')) }} as published_at_utc,
        -- attributes
        case
            when {{ json_text('payload', 'media_attachments[0].type') }} in ('video', 'gifv') then 'video'
            when {{ json_text('payload', 'media_attachments[0].type') }} = 'image' then 'image'
            when {{ json_text('payload', 'card.url') }} is not null then 'link'
            else 'text'
        end as content_type,
        {{ json_text('payload', 'content') }} as post_html,
        -- the text as a reader sees it: the extractor's content_text (entities decoded, links as their URL);
        -- statuses landed before it existed fall back to the HTML with its tags stripped
        coalesce(
            {{ json_text('payload', 'content_text') }}, trim({{ strip_html(json_text('payload', 'content')) }})
        ) as post_text,
        {{ json_text('payload', 'url') }} as permalink,
        {{ json_text('payload', 'language') }} as declared_language,
        -- facts: Mastodon reports favourites, reblogs and direct replies; no saves, impressions or reach
        {{ json_number('payload', 'favourites_count') }} as likes,
        {{ json_number('payload', 'replies_count') }} as comments,
        {{ json_number('payload', 'reblogs_count') }} as shares,
        _line_no
    from source
)

select * from renamed
