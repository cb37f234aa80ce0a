with source as (
    select * from {{ source_if_exists('raw', 'facebook__post_insights') }}
),

renamed as (
    select
        -- ids
        'facebook:' || _parent_id as post_key,
        {{ json_text('payload', 'name') }} as metric_name,
        {{ json_text('payload', 'period') }} as metric_period,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts: a breakdown (post_reactions_by_type_total is an object of counts by reaction) is no number
        case
            when {{ json_text('payload', 'values[0].value') }} not like '{' || '%'
                then {{ json_number('payload', 'values[0].value') }}
        end as metric_value
    from source
)

select * from renamed
