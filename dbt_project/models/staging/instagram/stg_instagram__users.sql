with source as (
    select * from {{ source('raw', 'instagram__user') }}
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('payload', 'id') }} as account_key,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'followers_count') }} as followers,
        {{ json_number('payload', 'media_count') }} as media_count,
        _line_no
    from source
)

select * from renamed
