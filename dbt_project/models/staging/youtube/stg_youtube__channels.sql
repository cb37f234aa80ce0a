with source as (
    select * from {{ source_if_exists('raw', 'youtube__channel') }}
),

renamed as (
    select
        -- ids
        'youtube:' || {{ json_text('payload', 'id') }} as account_key,
        {{ json_text('payload', 'id') }} as channel_id,
        -- timestamps
        _logical_date as snapshot_date,
        -- attributes
        {{ json_text('payload', 'snippet.title') }} as channel_title,
        {{ json_text('payload', 'contentDetails.relatedPlaylists.uploads') }} as uploads_playlist_id,
        -- facts: counts arrive as strings; a hidden subscriber count is not reported
        case
            when {{ json_text('payload', 'statistics.hiddenSubscriberCount') }} = 'true' then null
            else {{ json_number('payload', 'statistics.subscriberCount') }}
        end as followers,
        {{ json_number('payload', 'statistics.viewCount') }} as channel_views,
        {{ json_number('payload', 'statistics.videoCount') }} as video_count,
        _line_no
    from source
)

select * from renamed
