with source as (
    select * from {{ source_if_exists('raw', 'facebook__posts') }}
),

renamed as (
    select
        -- ids
        'facebook:' || {{ json_text('payload', 'id') }} as post_key,
        'facebook:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as post_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_time')) }} as published_at_utc,
        -- attributes
        {{ json_text('payload', 'status_type') }} as status_type,
        {{ json_text('payload', 'attachments.data[0].media_type') }} as attachment_media_type,
        case
            when {{ json_text('payload', 'permalink_url') }} like '%/reel/%' then 'short_video'
            when {{ json_text('payload', 'attachments.data[0].media_type') }} = 'video' then 'video'
            when {{ json_text('payload', 'attachments.data[0].media_type') }} = 'album' then 'carousel'
            when {{ json_text('payload', 'attachments.data[0].media_type') }} = 'photo' then 'image'
            when {{ json_text('payload', 'attachments.data[0].media_type') }} = 'link' then 'link'
            when {{ json_text('payload', 'status_type') }} = 'shared_story' then 'link'
            else 'text'
        end as content_type,
        {{ json_text('payload', 'message') }} as post_text,
        {{ json_text('payload', 'permalink_url') }} as permalink,
        -- facts: reactions of every kind are the likes; comments.summary counts top-level comments only
        {{ json_number('payload', 'reactions.summary.total_count') }} as reactions,
        {{ json_number('payload', 'comments.summary.total_count') }} as top_level_comments,
        -- Graph leaves `shares` out while nobody has shared the post
        coalesce({{ json_number('payload', 'shares.count') }}, 0) as shares,
        _line_no
    from source
)

select * from renamed
