with source as (
    select * from {{ source_if_exists('raw', 'threads__threads') }}
),

renamed as (
    select
        -- ids
        'threads:' || {{ json_text('payload', 'id') }} as post_key,
        'threads:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as media_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'timestamp')) }} as published_at_utc,
        -- attributes: a text post with a link attachment is a link post; AUDIO counts as video
        {{ json_text('payload', 'media_type') }} as media_type,
        case
            when {{ json_text('payload', 'media_type') }} = 'CAROUSEL_ALBUM' then 'carousel'
            when {{ json_text('payload', 'media_type') }} in ('VIDEO', 'AUDIO') then 'video'
            when {{ json_text('payload', 'media_type') }} = 'IMAGE' then 'image'
            when {{ json_text('payload', 'link_attachment_url') }} is not null then 'link'
            else 'text'
        end as content_type,
        {{ json_text('payload', 'text') }} as post_text,
        {{ json_text('payload', 'permalink') }} as permalink,
        {{ json_text('payload', 'link_attachment_url') }} as link_url,
        coalesce({{ json_text('payload', 'is_quote_post') }} = 'true', false) as is_quote_post,
        {{ json_text('payload', 'username') }} as username,
        _line_no
    from source
)

select * from renamed
