{#- One row per rival channel and night: its public subscribers and video count (channels.list with forHandle). A
    channel that hides its subscriber count has none: NULL, never 0. A night read twice keeps its first read. -#}
with source as (
    select * from {{ source_if_exists('raw', 'youtube__rival_channels') }}
),

renamed as (
    select
        -- ids
        'youtube:' || {{ json_text('payload', 'id') }} as rival_key,
        'youtube:' || _account_id as reading_account_key,
        coalesce({{ json_text('payload', 'snippet.customUrl') }}, _parent_id) as handle,
        coalesce(
            nullif({{ json_text('payload', 'snippet.title') }}, ''), {{ json_text('payload', 'snippet.customUrl') }}
        ) as display_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        case
            when {{ json_text('payload', 'statistics.hiddenSubscriberCount') }} = 'true' then null
            else {{ json_number('payload', 'statistics.subscriberCount') }}
        end as followers,
        {{ json_number('payload', 'statistics.videoCount') }} as posts_count,
        _line_no
    from source
    where {{ json_text('payload', 'id') }} is not null
),

deduplicated as (
    {{ deduplicate('renamed', 'rival_key, snapshot_date', '_line_no') }}
)

select
    rival_key,
    reading_account_key,
    handle,
    display_name,
    snapshot_date,
    followers,
    posts_count
from deduplicated
