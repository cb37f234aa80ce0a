with source as (
    select * from {{ source_if_exists('raw', 'bluesky__profile') }}
),

renamed as (
    select
        -- ids
        'bluesky:' || {{ json_text('payload', 'did') }} as account_key,
        {{ json_text('payload', 'did') }} as did,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'followersCount') }} as followers,
        {{ json_number('payload', 'postsCount') }} as posts_count,
        _line_no
    from source
)

select * from renamed
