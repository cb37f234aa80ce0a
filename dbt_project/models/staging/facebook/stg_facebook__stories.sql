{#- One row per live Page story per intra-day capture (GET /{page-id}/stories, status PUBLISHED). Meta documents
    no insight metric for Page stories: only their existence, time and media are known (docs/DECISIONLOG.md). -#}
with source as (
    select * from {{ source_if_exists('raw', 'facebook__stories') }}
),

renamed as (
    select
        -- ids
        'facebook:' || {{ json_text('payload', 'post_id') }} as story_key,
        'facebook:' || _account_id as account_key,
        {{ json_text('payload', 'post_id') }} as story_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ capture_time('_logical_date', '_source_file') }} as captured_at_utc,
        {{ from_epoch_ms(json_number('payload', 'creation_time') ~ ' * 1000') }} as published_at_utc,
        -- attributes: photo or video
        case
            when lower({{ json_text('payload', 'media_type') }}) = 'photo' then 'image'
            else lower({{ json_text('payload', 'media_type') }})
        end as media_type,
        {{ json_text('payload', 'status') }} as story_status,
        {{ json_text('payload', 'url') }} as permalink,
        _line_no
    from source
)

select * from renamed
