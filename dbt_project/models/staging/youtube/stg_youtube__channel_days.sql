with source as (
    select * from {{ source_if_exists('raw', 'youtube__channel_days') }}
),

renamed as (
    select
        -- ids
        'youtube:' || _account_id as account_key,
        -- timestamps
        cast({{ json_text('payload', 'day') }} as date) as metric_date,
        _logical_date as snapshot_date,
        -- facts (YouTube Analytics, channel by day)
        {{ json_number('payload', 'views') }} as views,
        {{ json_number('payload', 'estimatedMinutesWatched') }} as estimated_minutes_watched,
        {{ json_number('payload', 'subscribersGained') }} as subscribers_gained,
        {{ json_number('payload', 'subscribersLost') }} as subscribers_lost,
        _line_no
    from source
)

select * from renamed
