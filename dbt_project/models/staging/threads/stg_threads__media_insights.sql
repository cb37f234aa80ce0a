with source as (
    select * from {{ source_if_exists('raw', 'threads__media_insights') }}
),

renamed as (
    select
        -- ids
        'threads:' || _parent_id as post_key,
        {{ json_text('payload', 'name') }} as metric_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts: lifetime values, one element in values[]
        {{ json_number('payload', 'values[0].value') }} as metric_value
    from source
)

select * from renamed
