with source as (
    select * from {{ source_if_exists('raw', 'threads__user_insights') }}
),

-- views (of the profile) come as a time series: one element per day in values[], each ending at its end_time
series as (
    select
        source._parent_id,
        source._logical_date,
        {{ json_text('source.payload', 'name') }} as metric_name,
        {{ unnest_json_array('source.payload', 'values') }} as day_value
    from source
),

-- the others as one total_value over the range asked for (the logical date's UTC day); followers_count is the
-- profile's total when read, whatever the range
totals as (
    select
        _parent_id,
        _logical_date,
        {{ json_text('payload', 'name') }} as metric_name,
        {{ json_number('payload', 'total_value.value') }} as metric_value
    from source
    where {{ json_text('payload', 'total_value.value') }} is not null
),

renamed as (
    select
        -- ids
        'threads:' || _parent_id as account_key,
        metric_name,
        -- timestamps: a daily value's end_time is the end of its day
        _logical_date as snapshot_date,
        {{ add_days('cast(' ~ parse_utc(json_text('day_value', 'end_time')) ~ ' as date)', -1) }} as metric_date,
        -- facts
        {{ json_number('day_value', 'value') }} as metric_value
    from series
    union all
    select
        'threads:' || _parent_id as account_key,
        metric_name,
        _logical_date as snapshot_date,
        _logical_date as metric_date,
        metric_value
    from totals
)

select * from renamed
