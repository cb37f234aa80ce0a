with source as (
    select * from {{ source('raw', 'instagram__user_insights') }}
),

-- a time-series answer (period=day) carries one element per day in values[], each ending at its end_time;
-- Meta often sends the day before the one asked for as well
series as (
    select
        source._parent_id,
        source._logical_date,
        {{ json_text('source.payload', 'name') }} as metric_name,
        {{ unnest_json_array('source.payload', 'values') }} as day_value
    from source
),

-- a total_value answer (metric_type=total_value, which views requires) carries one value for the range asked
-- for: the extractor asks for the logical date's UTC day
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
        'instagram:' || _parent_id as account_key,
        metric_name,
        -- timestamps: a daily value's end_time is the end of its day
        _logical_date as snapshot_date,
        {{ add_days('cast(' ~ parse_utc(json_text('day_value', 'end_time')) ~ ' as date)', -1) }} as metric_date,
        -- facts
        {{ json_number('day_value', 'value') }} as metric_value
    from series
    union all
    select
        'instagram:' || _parent_id as account_key,
        metric_name,
        _logical_date as snapshot_date,
        _logical_date as metric_date,
        metric_value
    from totals
)

select * from renamed
