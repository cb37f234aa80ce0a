with source as (
    select * from {{ source_if_exists('raw', 'youtube__uploads') }}
),

renamed as (
    select
        -- ids
        'youtube:' || {{ json_text('payload', 'contentDetails.videoId') }} as video_key,
        'youtube:' || _account_id as account_key,
        {{ json_text('payload', 'contentDetails.videoId') }} as video_id,
        {{ json_text('payload', 'id') }} as playlist_item_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'contentDetails.videoPublishedAt')) }} as published_at_utc,
        _line_no
    from source
)

select * from renamed
