with source as (
    select * from {{ source('raw', 'instagram__user_insights') }}
),

renamed as (
    select
        -- ids
        'instagram:' || _parent_id as account_key,
        {{ json_text('payload', 'name') }} as metric_name,
        -- timestamps: a daily value's end_time is the end of its day
        _logical_date as snapshot_date,
        {{ add_days(
            'cast(' ~ parse_utc(json_text('payload', 'values[0].end_time')) ~ ' as date)', -1
        ) }} as metric_date,
        -- facts
        {{ json_number('payload', 'values[0].value') }} as metric_value
    from source
)

select * from renamed
