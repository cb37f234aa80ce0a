{#- The Display API returns one Video object shape from video/list and video/query: one staging shape for
    raw.tiktok__videos and raw.tiktok__video_stats. -#}
{% macro stg_tiktok_videos(raw_table) %}
with source as (
    select * from {{ source_if_exists('raw', raw_table) }}
),

renamed as (
    select
        -- ids
        'tiktok:' || {{ json_text('payload', 'id') }} as video_key,
        'tiktok:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as video_id,
        -- timestamps: create_time is epoch seconds
        _logical_date as snapshot_date,
        {{ from_epoch_ms("cast(" ~ json_text('payload', 'create_time') ~ " as bigint) * 1000") }} as published_at_utc,
        -- attributes
        {{ json_number('payload', 'duration', 'integer') }} as duration_seconds,
        {{ json_text('payload', 'title') }} as title,
        {{ json_text('payload', 'video_description') }} as video_description,
        {{ json_text('payload', 'share_url') }} as permalink,
        -- facts
        {{ json_number('payload', 'view_count') }} as views,
        {{ json_number('payload', 'like_count') }} as likes,
        {{ json_number('payload', 'comment_count') }} as comments,
        {{ json_number('payload', 'share_count') }} as shares,
        _line_no
    from source
)

select * from renamed
{% endmacro %}
