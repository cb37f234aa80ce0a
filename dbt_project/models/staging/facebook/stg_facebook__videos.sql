with source as (
    select * from {{ source_if_exists('raw', 'facebook__videos') }}
),

renamed as (
    select
        -- ids
        'facebook:' || _parent_id as post_key,
        {{ json_text('payload', 'id') }} as video_id,
        -- timestamps
        _logical_date as snapshot_date,
        -- attributes: set only on a video that was broadcast live (LIVE, LIVE_STOPPED, VOD, SCHEDULED_...)
        {{ json_text('payload', 'live_status') }} as live_status,
        _line_no
    from source
)

select * from renamed
