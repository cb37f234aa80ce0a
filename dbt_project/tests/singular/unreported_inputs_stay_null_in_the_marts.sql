{#- An input a platform does not report stays NULL down to the marts, never 0 (metric contract): for each platform
    and contract input that the platform's own int_<platform>__post_snapshots model never holds, the posts union,
    fct_post_performance and dim_posts hold no value either. A NULL coalesced to 0 anywhere after the platform's
    model returns a row here.
    The intermediate models are read by their relation names from dbt's graph, not through ref(): a ref would tie
    this test to them, and the DAG's staging build (which selects the intermediate models) would run it before the
    marts exist. It runs with the marts, after fct_post_performance and dim_posts. -#}
{%- set platforms = ['instagram', 'mastodon', 'x', 'bluesky', 'facebook', 'youtube', 'linkedin', 'tiktok', 'threads'] %}
{%- set inputs = ['likes', 'comments', 'shares', 'saves', 'impressions', 'reach', 'link_clicks', 'video_views'] %}
{%- set downstream = [
    ('fct_post_performance', inputs),
    ('dim_posts', inputs + ['likes_d7', 'comments_d7', 'shares_d7', 'saves_d7', 'impressions_d7', 'reach_d7']),
] %}

with upstream as (
    {%- for platform in platforms %}
    {%- set model_name = 'int_' ~ platform ~ '__post_snapshots' %}
    {%- set relation = graph.nodes['model.shared_media.' ~ model_name].relation_name if execute else model_name %}
    {%- for input in inputs %}
    select
        '{{ platform }}' as platform,
        '{{ input }}' as input_name,
        count({{ input }}) as reported_values
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

downstream as (
    {%- for model, columns in downstream %}
    {%- set outer = loop %}
    {%- for column in columns %}
    select
        '{{ model }}' as model_name,
        platform,
        '{{ column.replace('_d7', '') }}' as input_name,
        '{{ column }}' as column_name,
        count({{ column }}) as values_held
    from {{ ref(model) }}
    group by platform
    {%- if not (loop.last and outer.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}
)

select
    downstream.model_name,
    downstream.column_name,
    downstream.platform,
    downstream.values_held
from downstream
inner join upstream
    on downstream.platform = upstream.platform and downstream.input_name = upstream.input_name
where upstream.reported_values = 0 and downstream.values_held > 0
