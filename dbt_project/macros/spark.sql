{#- The Apache Spark implementations of the dispatch macros (portable.sql, community.sql, interactions.sql,
    source_if_exists.sql, incremental_items.sql), for `--target spark` (README "Scaling up"). They rely on the
    session settings of the spark output in profiles.yml: the UTC session time zone, and string literals read
    without backslash escapes (spark.sql.parser.escapedStringLiterals), as DuckDB reads them. -#}

{% macro spark_json_path(path) -%}
    {#- A path of the dispatch macros (`a.b[0]."$type"`) as get_json_object's JSONPath, quoted for SQL: a quoted
        key is written ['$type'] there, inside a double-quoted literal. -#}
    {%- set parts = path.split('"') -%}
    {%- set spelled = ['$' if parts[0] == '' else '$.'] -%}
    {%- for part in parts -%}
        {%- if loop.index0 % 2 == 1 -%}
            {%- do spelled.append("['" ~ part ~ "']") -%}
        {%- elif part.endswith('.') -%}
            {%- do spelled.append(part[:-1]) -%}
        {%- else -%}
            {%- do spelled.append(part) -%}
        {%- endif -%}
    {%- endfor -%}
    "{{ spelled | join('') }}"
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    {#- get_json_object gives an object or array as its JSON text and a scalar as text, as json_extract_string. -#}
    get_json_object({{ column }}, {{ spark_json_path(path) }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    {#- NULL for text that is no number, as DuckDB's try_cast (dbt-spark's cast fails under ANSI mode). -#}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__parse_utc(expression) -%}
    {#- Spark's cast reads the ISO 8601 offset (or Z) and gives the instant in the session's time zone, UTC. -#}
    cast({{ expression }} as timestamp)
{%- endmacro %}

{% macro spark__to_local(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }})
{%- endmacro %}

{% macro spark__explode_days(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day))
{%- endmacro %}

{% macro spark__strip_html(expression) -%}
    regexp_replace({{ expression }}, '<[^>]+>', ' ')
{%- endmacro %}

{% macro spark__html_text_tight(expression) -%}
    regexp_replace({{ expression }}, '<[^>]+>', '')
{%- endmacro %}

{% macro spark__regex_first(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro spark__regex_all(expression, pattern) -%}
    {#- Spark's regexp_extract_all takes group 1 unless told: DuckDB's takes the whole match. -#}
    regexp_extract_all({{ expression }}, '{{ pattern }}', 0)
{%- endmacro %}

{% macro spark__median_of(expression) -%}
    {#- exact and interpolated between the middle values, as DuckDB's median -#}
    percentile({{ expression }}, 0.5)
{%- endmacro %}

{% macro spark__percentile_of(expression, fraction) -%}
    {#- exact, linear interpolation: DuckDB's quantile_cont (percentile_approx would not be) -#}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__integer_series(column_name, first_value, last_value) -%}
    select explode(sequence(cast({{ first_value }} as bigint), cast({{ last_value }} as bigint))) as {{ column_name }}
{%- endmacro %}

{% macro spark__iso_weekday(expression) -%}
    extract(dayofweek_iso from {{ expression }})
{%- endmacro %}

{% macro spark__last_value_ignore_nulls(expression) -%}
    {#- followed by `over (...)` in the model, as the default -#}
    last_value({{ expression }}, true)
{%- endmacro %}

{% macro spark__from_epoch_ms(expression) -%}
    timestamp_millis({{ expression }})
{%- endmacro %}

{% macro spark__json_fragment(column, path) -%}
    get_json_object({{ column }}, {{ spark_json_path(path) }})
{%- endmacro %}

{% macro spark__json_array_sum(column, path) -%}
    {#- get_json_object unwraps a [*] that matches one value, so the array is read first and each element's
        rest of the path after it; NULL when no element has a number, as DuckDB's list_sum. -#}
    {%- set array_path, element_path = path.split('[*]', 1) -%}
    aggregate(
        filter(
            transform(
                from_json(get_json_object({{ column }}, {{ spark_json_path(array_path) }}), 'array<string>'),
                element -> try_cast(get_json_object(element, '${{ element_path }}') as bigint)
            ),
            element_value -> element_value is not null
        ),
        cast(null as bigint),
        (total, element_value) -> coalesce(total, 0) + element_value
    )
{%- endmacro %}

{% macro spark__hashtags_in(text_column) -%}
    explode(regexp_extract_all(lower({{ text_column }}), '(#[\p{L}\p{N}_]+)', 1))
{%- endmacro %}

{% macro spark__unnest_json_array(column, path) -%}
    {#- each element as its JSON text (an object read as a string keeps its text), none if absent -#}
    explode(from_json(get_json_object({{ column }}, {{ spark_json_path(path) }}), 'array<string>'))
{%- endmacro %}

{% macro spark__strip_leading_mentions(expression) -%}
    regexp_replace({{ expression }}, '^(@[A-Za-z0-9_]+\s+)+', '')
{%- endmacro %}

{% macro spark__compact_date(expression) -%}
    to_date({{ expression }}, 'yyyyMMdd')
{%- endmacro %}

{% macro spark__pseudonymize(expression) -%}
    {#- The salt is the Spark session variable smw_pseudonym_salt, which loader.spark.session declares and sets
        from SMW_PSEUDONYM_SALT as a bound parameter: only its name is in the SQL, as on DuckDB. -#}
    md5(
        coalesce(smw_pseudonym_salt, raise_error('no pseudonymization salt: run dbt on Spark in the session '
            || 'loader.spark.session opened, which sets it from SMW_PSEUDONYM_SALT'))
        || cast({{ expression }} as string)
    )
{%- endmacro %}

{% macro spark__keyed_incremental_strategy() -%}
    {#- dbt-spark has no delete+insert, and merge needs Delta or Iceberg tables, not the Parquet ones here: the
        models rewritten by key are tables on Spark (spark__keyed_materialization), and this name is only a
        valid one; an incremental run of such a model would stop (require_keyed_rewrite). -#}
    {{ return('append') }}
{%- endmacro %}

{% macro spark__keyed_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro spark__nightly_strategy() -%}
    {#- The by-night models overwrite their reprocessed nights' partitions (macros/incremental_nights.sql); the
        session sets spark.sql.sources.partitionOverwriteMode=dynamic, and so does dbt-spark for this strategy. -#}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro spark__night_partition(night_column) -%}
    {{ return([night_column]) }}
{%- endmacro %}

{% macro spark__delete_reprocessed_nights(night_column) -%}
    {#- Nothing to delete first: insert_overwrite replaces the nights' partitions. -#}
    {{ return('') }}
{%- endmacro %}

{% macro spark__raw_payload_type() -%}
    string
{%- endmacro %}

{% macro spark__split_part(string_text, delimiter_text, part_number) -%}
    {#- Spark's own split_part (a literal delimiter): dbt-spark's splits on a regular expression it escapes with
        '\\', which reads as two backslashes under escapedStringLiterals. -#}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

{% macro spark__seconds_between(start_timestamp, end_timestamp) -%}
    (unix_timestamp({{ end_timestamp }}) - unix_timestamp({{ start_timestamp }}))
{%- endmacro %}
