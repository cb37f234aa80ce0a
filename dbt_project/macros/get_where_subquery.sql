{#- The `where` config of data tests, as dbt applies it (its own get_where_subquery, overridden here), with one
    placeholder: `__reprocess_from__` becomes reprocess_from(), the first night the run rewrites. The staging
    views' tests use it (dbt_project.yml): each view reads every night of raw, and a nightly run that tested
    them whole re-read a year of JSON to check the few nights it adds; their tests are all per night (not
    null, accepted values, unique on a key with its snapshot_date), so the nights this run reads are the ones
    to check, the older ones having been checked by the runs that read them. A run without a logical date
    (a manual `dbt build`) tests every night. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace('__reprocess_from__', reprocess_from()) -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
