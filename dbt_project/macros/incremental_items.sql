{#- Intermediate models with one row per item (a comment, a reply, a mention, another's post) at the latest night it
    was read, with the night it was first read, are incremental too: a nightly run reads only the nights from
    reprocess_from() on (nights_of), as the nightly snapshot models do, instead of every night of raw. An item read
    in those nights gets the values of its latest night, and keeps the first_seen_date already in the table when
    that is earlier than those nights (keep_first_seen); an item not read in them keeps its row. The models that
    read an item model rewrite the same items: those whose last_seen_date is in the nights (rewritten_items).

    Why by key, not by night as the snapshot models: an item's row cannot be deleted before its new row is built,
    since the new row needs the old first_seen_date. The delete+insert strategy (keyed_incremental_strategy())
    builds the new rows into a temporary table first, then deletes the keys it holds and inserts them, so the
    model's select may read {{ this }}. Without a logical_date var every night is read again.

    A run equals a full build (tests/test_incremental_items.py) while nights are only added or loaded again with
    the same rows. Not seen by a run, and so needing `dbt build --full-refresh -s <model>+`: an item gone from a
    night it re-reads (a night extracted again; the item's old row stays, as in fct_interactions); a change of an
    account's handle or brand in the configuration (only the items read again get it); and, for X, a tweet two
    owned accounts read on different nights (int_x__interactions). -#}

{% macro keyed_incremental_strategy() -%}
    {{ return(adapter.dispatch('keyed_incremental_strategy')()) }}
{%- endmacro %}
{% macro default__keyed_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro keyed_materialization() -%}
    {#- Models rewritten by key (an item's row moves to its latest night, keeping its first_seen_date) are
        incremental where the engine can delete by key (DuckDB: delete+insert). On Spark's Parquet tables it
        cannot (merge needs Delta or Iceberg): there they are tables, rebuilt from every night each run, while
        the by-night models beside them stay incremental (nightly_strategy). -#}
    {{ return(adapter.dispatch('keyed_materialization')()) }}
{%- endmacro %}
{% macro default__keyed_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro require_keyed_rewrite() -%}
    {#- An incremental run of a model rewritten by key stops on an engine without delete+insert (Spark's Parquet
        tables: keyed_incremental_strategy() gives append there, which would add the items again): its build there
        is a full refresh, as for the nightly snapshot models, whose pre_hook DELETE fails there. -#}
    {%- if is_incremental() and keyed_incremental_strategy() != 'delete+insert' -%}
        {{ exceptions.raise_compiler_error(this ~ ": an incremental run rewrites items by key (delete+insert), which "
            ~ "the " ~ target.type ~ " target does not have here: build it with --full-refresh") }}
    {%- endif -%}
{%- endmacro %}

{% macro latest_night_of(relation, partition_by, first_seen_by=none) -%}
    {#- A select of each item's latest row (by partition_by) among the nights the run reads, its first_seen_date the
        first of those nights the item (by first_seen_by, default partition_by) was read in; keep_first_seen puts
        an earlier one back. Also carries deduplicate's _row_in_partition column: select the columns you need. -#}
    {{ deduplicate(
        '(select *, min(snapshot_date) over (partition by ' ~ (first_seen_by or partition_by)
            ~ ') as first_seen_date from ' ~ nights_of(relation) ~ ')',
        partition_by,
        'snapshot_date desc, _line_no asc',
    ) }}
{%- endmacro %}

{% macro keep_first_seen(relation, unique_key, columns, kept_if_true=[]) -%}
    {#- The model's final select: the columns of relation (its rows built from the nights read), and on an
        incremental run the first_seen_date of the item's row in {{ this }} when that is before the nights read.
        kept_if_true names boolean columns that are true when the item was ever so on a night (int_community_posts'
        mentions_brand): true in {{ this }} before those nights stays true. unique_key: a column or a list. -#}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {{- require_keyed_rewrite() }}
    select
    {%- for column in columns %}
        {%- if is_incremental() and column == 'first_seen_date' %}
        coalesce(_earlier.first_seen_date, _read.first_seen_date) as first_seen_date
        {%- elif is_incremental() and column in kept_if_true %}
        case when _earlier.{{ column }} then true else _read.{{ column }} end as {{ column }}
        {%- else %}
        _read.{{ column }}
        {%- endif %}{{ ',' if not loop.last }}
    {%- endfor %}
    from {{ relation }} as _read
    {%- if is_incremental() %}
    left join (
        select {{ (keys + ['first_seen_date'] + kept_if_true) | join(', ') }}
        from {{ this }}
        where first_seen_date < {{ reprocess_from() }}
    ) as _earlier
        on {% for key in keys %}_read.{{ key }} = _earlier.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
    {%- endif %}
{%- endmacro %}

{% macro rewritten_items(relation) -%}
    {#- The rows of an item model (a ref) that the run rewrote: the items read in its nights, whose last_seen_date
        is in them; every row on a full build. -#}
    {%- if is_incremental() -%}
    (select * from {{ relation }} where last_seen_date >= {{ reprocess_from() }})
    {%- else -%}
    {{ relation }}
    {%- endif -%}
{%- endmacro %}
