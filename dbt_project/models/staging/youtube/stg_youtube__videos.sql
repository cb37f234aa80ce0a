{#- contentDetails.duration, ISO 8601 (PT#H#M#S) -#}
{%- set duration = json_text('payload', 'contentDetails.duration') %}

with source as (
    select * from {{ source_if_exists('raw', 'youtube__videos') }}
),

renamed as (
    select
        -- ids
        'youtube:' || {{ json_text('payload', 'id') }} as video_key,
        'youtube:' || {{ json_text('payload', 'snippet.channelId') }} as account_key,
        {{ json_text('payload', 'id') }} as video_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'snippet.publishedAt')) }} as published_at_utc,
        -- attributes: contentDetails.duration is ISO 8601 (PT#H#M#S)
        coalesce(cast({{ regex_first(duration, '(\d+)H') }} as integer), 0) * 3600
        + coalesce(cast({{ regex_first(duration, '(\d+)M') }} as integer), 0) * 60
        + coalesce(cast({{ regex_first(duration, '(\d+)S') }} as integer), 0)
            as duration_seconds,
        {{ json_text('payload', 'snippet.liveBroadcastContent') }} as live_broadcast_content,
        -- present only for a live broadcast (scheduled, on air or over), when the part is asked for
        {{ json_text('payload', 'liveStreamingDetails.actualStartTime') }} is not null
        or {{ json_text('payload', 'liveStreamingDetails.scheduledStartTime') }} is not null as is_live_broadcast,
        {{ json_text('payload', 'snippet.title') }} as title,
        {{ json_text('payload', 'snippet.description') }} as description,
        'https://www.youtube.com/watch?v=' || {{ json_text('payload', 'id') }} as permalink,
        {{ json_text('payload', 'snippet.defaultAudioLanguage') }} as declared_language,
        -- facts: strings in the API; commentCount is absent when comments are off
        {{ json_number('payload', 'statistics.viewCount') }} as views,
        {{ json_number('payload', 'statistics.likeCount') }} as likes,
        {{ json_number('payload', 'statistics.commentCount') }} as comments,
        _line_no
    from source
)

select
    *,
    -- a live broadcast, on air, upcoming or over, is live; the Data API does not flag Shorts: a video of at most
    -- three minutes is taken for one
    case
        when live_broadcast_content in ('live', 'upcoming') or is_live_broadcast then 'live'
        when duration_seconds between 1 and 180 then 'short_video'
        else 'video'
    end as content_type
from renamed
