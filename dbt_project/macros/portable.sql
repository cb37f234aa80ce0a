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

{% macro duckdb__safe_cast(field, type) -%}
    {#- NULL for a value that is no such number ([], true, 2^70 for a bigint), not an error that stops the build:
        dbt's default for DuckDB is a plain cast. -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro parse_utc(expression) -%}
    {{ return(adapter.dispatch('parse_utc')(expression)) }}
{%- endmacro %}
{% macro default__parse_utc(expression) -%}
    {#- An ISO 8601 text with any offset, as a timestamp without time zone in UTC. A text without an offset (its
        instant unknown), out of range or no time at all is NULL, not an error that stops the build. -#}
    case when regexp_matches({{ expression }}, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
        then timezone('UTC', try_cast(replace({{ expression }}, 'Z', '+00:00') as timestamptz)) end
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

{% macro deduplicate(relation, partition_by, order_by) -%}
    {{ return(adapter.dispatch('deduplicate')(relation, partition_by, order_by)) }}
{%- endmacro %}
{% macro default__deduplicate(relation, partition_by, order_by) -%}
    {#- A select of the first row of each partition of relation (a ref, a CTE's name or a parenthesized query) in
        the given order: QUALIFY row_number() = 1 without QUALIFY, which Trino and older Spark lack. The rows
        keep one helper column, _row_in_partition (always 1): select the columns you need from the result
        rather than passing * on. partition_by and order_by name the relation's columns, unqualified. -#}
    select *
    from (
        select
            _undeduplicated.*,
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as _row_in_partition
        from {{ relation }} as _undeduplicated
    ) as _deduplicated
    where _row_in_partition = 1
{%- endmacro %}

{% macro integer_series(column_name, first_value, last_value) -%}
    {{ return(adapter.dispatch('integer_series')(column_name, first_value, last_value)) }}
{%- endmacro %}
{% macro default__integer_series(column_name, first_value, last_value) -%}
    {#- A select of one bigint column, one row per integer from first to last inclusive, for a subquery in FROM
        (Spark: select explode(sequence(first, last)); Trino: select x from unnest(sequence(first, last)) as t(x)). -#}
    select unnest(generate_series({{ first_value }}, {{ last_value }})) as {{ column_name }}
{%- endmacro %}

{% macro iso_weekday(expression) -%}
    {{ return(adapter.dispatch('iso_weekday')(expression)) }}
{%- endmacro %}
{% macro default__iso_weekday(expression) -%}
    {#- The ISO day of the week, 1 = Monday to 7 = Sunday (Spark: extract(dayofweek_iso from ...), Trino: day_of_week). -#}
    extract(isodow from {{ expression }})
{%- endmacro %}

{% macro add_days(date_expression, days) -%}
    {#- A date plus a number of days, still a date: `date - 1` is DuckDB's and Postgres' spelling only. -#}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{% macro week_start(date_expression) -%}
    {#- The Monday of the ISO week of a date. -#}
    {{ add_days(date_expression, '1 - ' ~ iso_weekday(date_expression)) }}
{%- endmacro %}

{% macro to_text(expression) -%}
    {#- A value as text (ISO 8601 for dates): `cast(... as varchar)` without a length fails on Spark. -#}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{% macro last_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls')(expression)) }}
{%- endmacro %}
{% macro default__last_value_ignore_nulls(expression) -%}
    {#- The window function's head, followed by `over (...)` in the model. DuckDB takes IGNORE NULLS inside the
        parentheses; the SQL standard, Spark and Trino after them: last_value(x) ignore nulls. -#}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro from_epoch_ms(expression) -%}
    {{ return(adapter.dispatch('from_epoch_ms')(expression)) }}
{%- endmacro %}
{% macro default__from_epoch_ms(expression) -%}
    {#- Epoch milliseconds (a bigint) as a timestamp without time zone in UTC (Spark: timestamp_millis;
        Trino: from_unixtime(x / 1000e0) at UTC). -#}
    epoch_ms({{ expression }})
{%- endmacro %}

{% macro json_fragment(column, path) -%}
    {{ return(adapter.dispatch('json_fragment')(column, path)) }}
{%- endmacro %}
{% macro default__json_fragment(column, path) -%}
    {#- The JSON value (object or array) at path, still JSON, for json_text and json_number to read further. -#}
    json_extract({{ column }}, '$.{{ path }}')
{%- endmacro %}

{% macro json_array_sum(column, path) -%}
    {{ return(adapter.dispatch('json_array_sum')(column, path)) }}
{%- endmacro %}
{% macro default__json_array_sum(column, path) -%}
    {#- The sum of the numbers a path with a [*] wildcard matches, as a bigint; NULL if it matches none
        (Spark: aggregate(from_json(...), 0L, ...); Trino: reduce(cast(json_extract(...) as array(bigint)), ...)). -#}
    list_sum(cast(json_extract({{ column }}, '$.{{ path }}') as bigint[]))
{%- endmacro %}

{% macro compact_date(expression) -%}
    {{ return(adapter.dispatch('compact_date')(expression)) }}
{%- endmacro %}
{% macro default__compact_date(expression) -%}
    {#- A YYYYMMDD text (GA4's date) as a date (Spark: to_date(x, 'yyyyMMdd')). -#}
    cast(strptime({{ expression }}, '%Y%m%d') as date)
{%- endmacro %}

{% macro capture_time(date_column, file_column) -%}
    {#- An intra-day capture's moment (UTC, without time zone): its date is the raw row's _logical_date and its
        time the `capture=<HHMMSS>` folder of its landing file (core.paths.capture_file). -#}
    {%- set hhmmss = regex_first(file_column, 'capture=([0-9]{6})') -%}
    {{ parse_utc(to_text(date_column) ~ " || 'T' || substr(" ~ hhmmss ~ ", 1, 2) || ':' || substr(" ~ hhmmss
                 ~ ", 3, 2) || ':' || substr(" ~ hhmmss ~ ", 5, 2) || '+00:00'") }}
{%- endmacro %}

{% macro seconds_between(start_timestamp, end_timestamp) -%}
    {{ return(adapter.dispatch('seconds_between')(start_timestamp, end_timestamp)) }}
{%- endmacro %}
{% macro default__seconds_between(start_timestamp, end_timestamp) -%}
    {#- Seconds from one timestamp (without time zone) to another. -#}
    (epoch({{ end_timestamp }}) - epoch({{ start_timestamp }}))
{%- endmacro %}
