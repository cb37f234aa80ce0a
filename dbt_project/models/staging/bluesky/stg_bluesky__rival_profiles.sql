{#- One row per rival account and night: its public profile (app.bsky.actor.getProfile). A night read twice keeps
    its first read. -#}
with source as (
    select * from {{ source_if_exists('raw', 'bluesky__rival_profiles') }}
),

renamed as (
    select
        -- ids
        'bluesky:' || {{ json_text('payload', 'did') }} as rival_key,
        'bluesky:' || _account_id as reading_account_key,
        {{ json_text('payload', 'handle') }} as handle,
        coalesce(
            nullif({{ json_text('payload', 'displayName') }}, ''), {{ json_text('payload', 'handle') }}
        ) as display_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'followersCount') }} as followers,
        {{ json_number('payload', 'postsCount') }} as posts_count,
        _line_no
    from source
    where {{ json_text('payload', 'did') }} is not null
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
