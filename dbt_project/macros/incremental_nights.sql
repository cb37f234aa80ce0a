{#- Intermediate models whose rows each belong to one night (one row per post and night) are incremental: a
    nightly run deletes the nights from reprocess_from() on and inserts them again from the staging views, reading
    only those nights of raw, instead of re-reading every night of raw. A night's rows depend on that night's raw
    rows only, so a run equals a full build, a re-run of a night is idempotent, and nights run one by one (a
    backfill) equal one build over all of them. Without a logical_date var every night is rebuilt. -#}

{% macro nights_of(relation, night_column='snapshot_date') -%}
    {#- The relation (a ref or a CTE's name) as an incremental run reads it: only the nights it rewrites. -#}
    {%- if is_incremental() -%}
    (select * from {{ relation }} where {{ night_column }} >= {{ reprocess_from() }})
    {%- else -%}
    {{ relation }}
    {%- endif -%}
{%- endmacro %}

{% macro delete_reprocessed_nights(night_column='snapshot_date') -%}
    {#- A pre_hook: on an incremental run, the nights it rewrites leave the table first. Returned unrendered, so
        the run's own logical_date is read when the hook runs. -#}
    {{ return(adapter.dispatch('delete_reprocessed_nights')(night_column)) }}
{%- endmacro %}
{% macro default__delete_reprocessed_nights(night_column) -%}
    {{ return("{% if is_incremental() %}delete from {{ this }} where " ~ night_column
              ~ " >= {{ reprocess_from() }}{% endif %}") }}
{%- endmacro %}

{#- How a by-night model replaces its reprocessed nights, per engine. DuckDB: the pre_hook above deletes them
    and the run appends them again. Spark (Parquet tables, no DELETE): the table is partitioned by its night
    column and the run overwrites the partitions its rows fall in (insert_overwrite, dynamic partition
    overwrite), which are the reprocessed nights. A reprocessed night whose rows all disappear keeps its old
    partition there (DuckDB would empty it): only a night loaded again with nothing in it does that. -#}
{% macro nightly_strategy() -%}
    {{ return(adapter.dispatch('nightly_strategy')()) }}
{%- endmacro %}
{% macro default__nightly_strategy() -%}
    {{ return('append') }}
{%- endmacro %}

{% macro night_partition(night_column='snapshot_date') -%}
    {#- The partition_by config of a by-night model: none on DuckDB, the night column on Spark. -#}
    {{ return(adapter.dispatch('night_partition')(night_column)) }}
{%- endmacro %}
{% macro default__night_partition(night_column) -%}
    {{ return(none) }}
{%- endmacro %}
