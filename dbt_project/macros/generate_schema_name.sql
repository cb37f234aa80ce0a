{#- Models land in the schema they name (staging, intermediate, marts), not "<target>_<schema>":
    analysts and BI tools query marts.fct_post_performance whatever the target is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
