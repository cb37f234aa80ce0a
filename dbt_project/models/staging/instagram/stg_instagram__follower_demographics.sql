{#- The account's followers by age, gender, country and city, one row per breakdown value: Instagram's lifetime
    follower_demographics, one breakdown a call (the extractor's _parent_id). Instagram serves them only for
    accounts with 100 followers or more, lists countries and cities as their top 45 and counts only the followers
    whose age, gender or place it knows: a breakdown may sum below the follower total, and is never scaled up. -#}
with source as (
    select * from {{ source_if_exists('raw', 'instagram__follower_demographics') }}
),

breakdowns as (
    select
        _account_id,
        _logical_date,
        _line_no,
        {{ unnest_json_array('payload', 'total_value.breakdowns') }} as breakdown
    from source
    where {{ json_text('payload', 'name') }} = 'follower_demographics'
),

-- one dimension per breakdown as the extractor asks them; a crossed breakdown (age,gender in one call) is not
-- a list of single buckets and is left out
single as (
    select
        _account_id,
        _logical_date,
        _line_no,
        {{ json_text('breakdown', 'dimension_keys[0]') }} as dimension,
        {{ unnest_json_array('breakdown', 'results') }} as result
    from breakdowns
    where {{ json_text('breakdown', 'dimension_keys[1]') }} is null
),

renamed as (
    select
        -- ids
        'instagram:' || _account_id as account_key,
        _logical_date as snapshot_date,
        dimension,
        {{ json_text('result', 'dimension_values[0]') }} as dimension_value,
        -- facts
        {{ json_number('result', 'value') }} as followers,
        _line_no
    from single
),

-- a night that read the account twice keeps its first read
deduplicated as (
    {{ deduplicate('renamed', 'account_key, snapshot_date, dimension, dimension_value', '_line_no') }}
)

select
    account_key,
    snapshot_date,
    dimension,
    dimension_value,
    followers
from deduplicated
