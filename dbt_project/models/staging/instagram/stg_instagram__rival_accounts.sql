{#- One row per rival account and night: its public figures from Business Discovery (read through the brand's own
    account). Every page of a rival's media repeats them; a night's first answer is kept. -#}
with source as (
    select * from {{ source_if_exists('raw', 'instagram__business_discovery') }}
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('payload', 'business_discovery.id') }} as rival_key,
        'instagram:' || _account_id as reading_account_key,
        {{ json_text('payload', 'business_discovery.username') }} as handle,
        coalesce(
            {{ json_text('payload', 'business_discovery.name') }},
            {{ json_text('payload', 'business_discovery.username') }}
        ) as display_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'business_discovery.followers_count') }} as followers,
        {{ json_number('payload', 'business_discovery.media_count') }} as posts_count,
        _line_no
    from source
    where {{ json_text('payload', 'business_discovery.id') }} is not null
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
