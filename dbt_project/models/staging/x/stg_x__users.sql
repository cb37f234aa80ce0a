with source as (
    select * from {{ source_if_exists('raw', 'x__user') }}
),

renamed as (
    select
        -- ids
        'x:' || {{ json_text('payload', 'id') }} as account_key,
        {{ json_text('payload', 'id') }} as user_id,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'public_metrics.followers_count') }} as followers,
        {{ json_number('payload', 'public_metrics.tweet_count') }} as tweet_count,
        _line_no
    from source
)

select * from renamed
