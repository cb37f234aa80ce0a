{#- Macros for comments, replies and mentions: pseudonymized authors and the engine-specific text and
    JSON handling their staging needs, behind adapter.dispatch like portable.sql. -#}

{% macro pseudonymize(expression) -%}
    {{ return(adapter.dispatch('pseudonymize')(expression)) }}
{%- endmacro %}
{% macro default__pseudonymize(expression) -%}
    {#- A salted hash: the same author gets the same value on every platform run, nobody can look a handle up
        without the salt. The salt is a DuckDB variable the dbt-duckdb plugin core.dbt_plugin sets from
        SMW_PSEUDONYM_SALT on every connection: only its name is in the SQL (compiled SQL is stored: target/,
        Airflow's rendered fields); a connection without it fails rather than hash without salt. NULL stays NULL. -#}
    md5(
        coalesce(cast(getvariable('smw_pseudonym_salt') as varchar), error('no pseudonymization salt: dbt runs with the '
            || 'core.dbt_plugin plugin of profiles.yml, which sets it from SMW_PSEUDONYM_SALT'))
        || cast({{ expression }} as varchar)
    )
{%- endmacro %}

{% macro pseudonymous_key(key) -%}
    {#- A key that would carry a person's id in clear (a Bluesky AT URI names its author's DID:
        at://did:plc:.../app.bsky.feed.post/<rkey>): its platform prefix and a salted hash of the whole key, so
        keys stay unique and a parent key still equals its parent's key. NULL stays NULL. -#}
    split_part({{ key }}, ':', 1) || ':' || {{ pseudonymize(key) }}
{%- endmacro %}

{% macro unnest_json_array(column, path) -%}
    {{ return(adapter.dispatch('unnest_json_array')(column, path)) }}
{%- endmacro %}
{% macro default__unnest_json_array(column, path) -%}
    {#- One row per element of the JSON array at path (Spark: explode(from_json(...))); none if absent. -#}
    unnest(json_extract({{ column }}, '$.{{ path }}[*]'))
{%- endmacro %}

{% macro strip_leading_mentions(expression) -%}
    {{ return(adapter.dispatch('strip_leading_mentions')(expression)) }}
{%- endmacro %}
{% macro default__strip_leading_mentions(expression) -%}
    {#- X prefixes a reply with the @handles it answers; they are addressing, not what the author wrote. -#}
    regexp_replace({{ expression }}, '^(@[A-Za-z0-9_]+\s+)+', '')
{%- endmacro %}

{% macro interactions_changed_since(interactions) -%}
    {#- The keys an incremental night rewrites: items first seen from reprocess_from() on, and the items that
        a brand reply first seen then answers. -#}
    select interaction_key from {{ interactions }} where first_seen_date >= {{ reprocess_from() }}
    union
    select parent_interaction_key from {{ interactions }}
    where is_from_brand and parent_interaction_key is not null and first_seen_date >= {{ reprocess_from() }}
{%- endmacro %}

{% macro interaction_columns() -%}
    {#- The shared interaction columns, in order: every int_<platform>__interactions model and their union. -#}
    {{ return([
        'interaction_key', 'platform', 'account_key', 'post_key', 'parent_interaction_key', 'interaction_type',
        'author_id_hash', 'is_from_brand', 'text', 'created_at_utc', 'first_seen_date',
    ]) }}
{%- endmacro %}

{% macro comment_platforms() -%}
    {#- The platforms whose comments, replies or mentions the warehouse reads: each has an
        int_<platform>__interactions model in the interactions union. On any other (TikTok: its comment list
        needs an API the extractor does not call) inbound, negative, response and sentiment figures are unknown,
        NULL in the marts, never 0 (metric contract, settled readings). -#}
    {{ return(['instagram', 'mastodon', 'x', 'bluesky', 'facebook', 'youtube', 'linkedin', 'threads']) }}
{%- endmacro %}

{% macro reads_comments(platform_expression) -%}
    {#- True when the platform's comments are read (comment_platforms()), for a platform column or expression. -#}
    coalesce({{ platform_expression }} in ('{{ comment_platforms() | join("', '") }}'), false)
{%- endmacro %}
