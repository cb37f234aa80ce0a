{#- Engine-specific SQL lives here behind adapter.dispatch, so the models run unchanged on another engine:
    add a <adapter>__ implementation next to the default one. -#}

{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text')(column, path)) }}
{%- endmacro %}
{% macro default__json_text(column, path) -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro json_number(column, path, type='bigint') -%}
    {{ dbt.safe_cast(json_text(column, path), api.Column.translate_type(type)) }}
{%- endmacro %}

{% macro parse_utc(expression) -%}
    {{ return(adapter.dispatch('parse_utc')(expression)) }}
{%- endmacro %}
{% macro default__parse_utc(expression) -%}
    {#- An ISO 8601 text with any offset, as a timestamp without time zone in UTC. -#}
    timezone('UTC', cast(replace({{ expression }}, 'Z', '+00:00') as timestamptz))
{%- endmacro %}

{% macro to_local(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('to_local')(utc_timestamp, time_zone)) }}
{%- endmacro %}
{% macro default__to_local(utc_timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro ratio(numerator, denominator) -%}
    {#- The contract: division by zero or by NULL gives NULL. -#}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{% macro sum_reported(columns) -%}
    {#- Sum over the inputs the platform reports; NULL only if it reports none of them. -#}
    case when coalesce({{ columns | join(', ') }}) is null then null
         else {% for column in columns %}coalesce({{ column }}, 0){% if not loop.last %} + {% endif %}{% endfor %}
    end
{%- endmacro %}

{% macro explode_days(start_date, end_date) -%}
    {{ return(adapter.dispatch('explode_days')(start_date, end_date)) }}
{%- endmacro %}
{% macro default__explode_days(start_date, end_date) -%}
    {#- One row per day from start to end inclusive (Spark: explode(sequence(start, end))). -#}
    cast(unnest(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)) as date)
{%- endmacro %}

{% macro strip_html(expression) -%}
    {{ return(adapter.dispatch('strip_html')(expression)) }}
{%- endmacro %}
{% macro default__strip_html(expression) -%}
    regexp_replace({{ expression }}, '<[^>]+>', ' ', 'g')
{%- endmacro %}

{% macro regex_first(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_first')(expression, pattern)) }}
{%- endmacro %}
{% macro default__regex_first(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro regex_all(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_all')(expression, pattern)) }}
{%- endmacro %}
{% macro default__regex_all(expression, pattern) -%}
    regexp_extract_all({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro median_of(expression) -%}
    {{ return(adapter.dispatch('median_of')(expression)) }}
{%- endmacro %}
{% macro default__median_of(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro percentile_of(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_of')(expression, fraction)) }}
{%- endmacro %}
{% macro default__percentile_of(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro reprocess_from() -%}
    {#- The first day an incremental run recomputes: the run's logical date minus the lookback window, or
        every day when no logical date is given (a manual `dbt build` then equals a full refresh). -#}
    {%- if var('logical_date', none) -%}
        {{ dbt.dateadd('day', -1 * (var('lookback_days') | int), "cast('" ~ var('logical_date') ~ "' as date)") }}
    {%- else -%}
        cast('1900-01-01' as date)
    {%- endif -%}
{%- endmacro %}
