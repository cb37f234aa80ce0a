{#- One row per rival account and night: its public figures as the brand's instance knows them
    (GET /api/v1/accounts/lookup). A night read twice keeps its first read. -#}
with source as (
    select * from {{ source_if_exists('raw', 'mastodon__rival_accounts') }}
),

renamed as (
    select
        -- ids
        'mastodon:' || {{ json_text('payload', 'id') }} as rival_key,
        'mastodon:' || _account_id as reading_account_key,
        {{ json_text('payload', 'acct') }} as handle,
        coalesce(
            nullif({{ json_text('payload', 'display_name') }}, ''), {{ json_text('payload', 'acct') }}
        ) as display_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'followers_count') }} as followers,
        {{ json_number('payload', 'statuses_count') }} as posts_count,
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
