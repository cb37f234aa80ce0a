{#- One row per rival account and night: its public profile (GET /2/users/by/username/:username, public_metrics).
    A night read twice keeps its first read. -#}
with source as (
    select * from {{ source_if_exists('raw', 'x__rival_users') }}
),

renamed as (
    select
        -- ids
        'x:' || {{ json_text('payload', 'id') }} as rival_key,
        'x:' || _account_id as reading_account_key,
        {{ json_text('payload', 'username') }} as handle,
        coalesce(
            nullif({{ json_text('payload', 'name') }}, ''), {{ json_text('payload', 'username') }}
        ) as display_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'public_metrics.followers_count') }} as followers,
        {{ json_number('payload', 'public_metrics.tweet_count') }} as posts_count,
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
