with source as (
    select * from {{ source('raw', 'mastodon__account') }}
),

renamed as (
    select
        -- ids
        'mastodon:' || {{ json_text('payload', 'id') }} as account_key,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'followers_count') }} as followers,
        {{ json_number('payload', 'statuses_count') }} as statuses_count,
        _line_no
    from source
)

select * from renamed
