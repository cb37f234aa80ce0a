with source as (
    select * from {{ source_if_exists('raw', 'linkedin__posts') }}
),

renamed as (
    select
        -- ids
        'linkedin:' || {{ json_text('payload', 'id') }} as post_key,
        'linkedin:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as post_urn,
        -- timestamps: epoch milliseconds
        _logical_date as snapshot_date,
        {{ from_epoch_ms(
            "cast(coalesce(" ~ json_text('payload', 'publishedAt') ~ ", "
            ~ json_text('payload', 'createdAt') ~ ") as bigint)"
        ) }} as published_at_utc,
        -- attributes
        case
            when {{ json_text('payload', 'content.multiImage') }} is not null then 'carousel'
            when {{ json_text('payload', 'content.media.id') }} like 'urn:li:video:%' then 'video'
            when {{ json_text('payload', 'content.media.id') }} like 'urn:li:image:%' then 'image'
            when {{ json_text('payload', 'content.article') }} is not null then 'link'
            else 'text'
        end as content_type,
        {{ json_text('payload', 'commentary') }} as commentary,
        {{ json_text('payload', 'content.article.source') }} as article_url,
        'https://www.linkedin.com/feed/update/' || {{ json_text('payload', 'id') }} as permalink,
        {{ json_text('payload', 'lifecycleState') }} as lifecycle_state,
        _line_no
    from source
)

select * from renamed
