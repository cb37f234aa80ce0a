with source as (
    select * from {{ source('raw', 'instagram__media_insights') }}
),

renamed as (
    select
        -- ids
        'instagram:' || _parent_id as post_key,
        {{ json_text('payload', 'name') }} as metric_name,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts
        {{ json_number('payload', 'values[0].value') }} as metric_value
    from source
)

select * from renamed
