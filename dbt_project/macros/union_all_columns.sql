{#- The rows of every relation (refs, sources or CTE names) under `union all`, each read by the columns named:
    the inputs line up by name, so a relation whose columns come in another order, or with more columns, unions
    right; one missing a column fails to build instead of shifting the others. -#}
{% macro union_all_columns(relations, columns) -%}
    {%- for relation in relations %}
    select {{ columns | join(', ') }} from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
