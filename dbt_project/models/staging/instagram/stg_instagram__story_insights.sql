{#- One row per live story, capture and insight: views, reach, replies, shares, total_interactions, follows and
    profile_visits as read, and the navigation metric's breakdown (story_navigation_action_type) as one row per
    action: tap_forward, tap_back, tap_exit, swipe_forward. Lifetime values as of the capture. -#}
with source as (
    select * from {{ source_if_exists('raw', 'instagram__story_insights') }}
),

metrics as (
    select
        _parent_id,
        _logical_date,
        _source_file,
        {{ json_text('payload', 'name') }} as metric_name,
        -- `values[0].value` as documented; newer answers also carry total_value.value
        coalesce(
            {{ json_number('payload', 'values[0].value') }},
            {{ json_number('payload', 'total_value.value') }}
        ) as metric_value
    from source
    where {{ json_text('payload', 'name') }} <> 'navigation'
),

breakdowns as (
    select
        _parent_id,
        _logical_date,
        _source_file,
        {{ unnest_json_array('payload', 'total_value.breakdowns') }} as breakdown
    from source
    where {{ json_text('payload', 'name') }} = 'navigation'
),

navigation as (
    select
        _parent_id,
        _logical_date,
        _source_file,
        {{ unnest_json_array('breakdown', 'results') }} as result
    from breakdowns
    where {{ json_text('breakdown', 'dimension_keys[0]') }} = 'story_navigation_action_type'
),

unioned as (
    select * from metrics
    union all
    select
        _parent_id,
        _logical_date,
        _source_file,
        lower({{ json_text('result', 'dimension_values[0]') }}) as metric_name,
        {{ json_number('result', 'value') }} as metric_value
    from navigation
)

select
    -- ids
    'instagram:' || _parent_id as story_key,
    metric_name,
    -- timestamps
    _logical_date as snapshot_date,
    {{ capture_time('_logical_date', '_source_file') }} as captured_at_utc,
    -- facts
    metric_value
from unioned
