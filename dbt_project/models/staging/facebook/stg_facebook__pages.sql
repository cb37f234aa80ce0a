with source as (
    select * from {{ source_if_exists('raw', 'facebook__page') }}
),

renamed as (
    select
        -- ids
        'facebook:' || {{ json_text('payload', 'id') }} as account_key,
        {{ json_text('payload', 'id') }} as page_id,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts: followers_count is the audience Meta reports since the 2024 Pages experience (fan_count = likes)
        {{ json_number('payload', 'followers_count') }} as followers,
        {{ json_number('payload', 'fan_count') }} as fans,
        _line_no
    from source
)

select * from renamed
