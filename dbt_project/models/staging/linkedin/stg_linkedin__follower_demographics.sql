{#- The organization's followers by facet, one row per facet value: LinkedIn gives lifetime counts by country,
    region, job function, industry, seniority, company size and association, each facet its top 100 values only.
    A facet's organicFollowerCount already counts paid followers (see stg_linkedin__follower_statistics). -#}
{%- set facets = linkedin_follower_facets() %}
with source as (
    select * from {{ source_if_exists('raw', 'linkedin__follower_statistics') }}
),

{% for dimension, facet, field in facets %}
{{ dimension }}_elements as (
    select
        {{ unnest_json_array('payload', facet) }} as element,
        _account_id,
        _logical_date,
        _line_no
    from source
),

{{ dimension }}_values as (
    select
        'linkedin:' || _account_id as account_key,
        _logical_date as snapshot_date,
        '{{ dimension }}' as dimension,
        {{ json_text('element', field) }} as dimension_value,
        {{ json_number('element', 'followerCounts.organicFollowerCount') }} as followers,
        _line_no
    from {{ dimension }}_elements
),

{% endfor %}
unioned as (
    {%- for dimension, facet, field in facets %}
    select * from {{ dimension }}_values
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- a night that read the organization twice keeps its first read
deduplicated as (
    {{ deduplicate('unioned', 'account_key, snapshot_date, dimension, dimension_value', '_line_no') }}
)

select
    account_key,
    snapshot_date,
    dimension,
    dimension_value,
    followers
from deduplicated
