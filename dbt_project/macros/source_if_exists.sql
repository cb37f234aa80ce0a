{#- A raw table appears only once the loader has landed a stream of its platform: a warehouse with no X
    account has no raw.x__tweets. A staging view reads the source when it exists and otherwise an empty
    relation with the raw columns, so one project builds on every configuration. The source() call keeps
    the lineage in the manifest either way; the next build after the first load reads the real table. -#}
{% macro source_if_exists(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- if model.resource_type == 'unit_test' -%}
        {#- a unit test's given rows stand in for the source (a CTE): nothing to look up -#}
        {{ return(relation) }}
    {%- endif -%}
    {%- set existing = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier) -%}
    {%- if existing is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(adapter.dispatch('empty_raw_relation')()) }}
{%- endmacro %}

{% macro default__empty_raw_relation() -%}
    {#- The columns warehouse.load (and loader.spark) give every raw table (RAW_COLUMNS), with no row. -#}
    (
        select
            cast(null as {{ raw_payload_type() }}) as payload,
            cast(null as {{ dbt.type_string() }}) as _parent_id,
            cast(null as {{ dbt.type_string() }}) as _run_id,
            cast(null as date) as _logical_date,
            cast(null as {{ dbt.type_string() }}) as _account_id,
            cast(null as timestamp) as _loaded_at,
            cast(null as {{ dbt.type_string() }}) as _source_file,
            cast(null as bigint) as _line_no
        where 1 = 0
    ) as empty_raw_table
{%- endmacro %}

{% macro raw_payload_type() -%}
    {{ return(adapter.dispatch('raw_payload_type')()) }}
{%- endmacro %}
{% macro default__raw_payload_type() -%}
    {#- DuckDB's JSON type; Spark keeps a payload as its JSON text (string). -#}
    json
{%- endmacro %}
