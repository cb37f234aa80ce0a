{#- One row per live story per intra-day capture (GET /{ig-user-id}/stories): Instagram lists a story only in
    the 24 hours it lives, so each capture of dags/shared_media_stories.py lists the ones live at that moment. -#}
with source as (
    select * from {{ source_if_exists('raw', 'instagram__stories') }}
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('payload', 'id') }} as story_key,
        'instagram:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as story_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ capture_time('_logical_date', '_source_file') }} as captured_at_utc,
        {{ parse_utc(json_text('payload', 'timestamp')) }} as published_at_utc,
        -- attributes
        lower({{ json_text('payload', 'media_type') }}) as media_type,
        {{ json_text('payload', 'caption') }} as story_text,
        {{ json_text('payload', 'permalink') }} as permalink,
        _line_no
    from source
)

select * from renamed
