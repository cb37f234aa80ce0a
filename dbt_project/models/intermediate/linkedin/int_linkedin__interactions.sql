{#- LinkedIn comments and replies on the organization's posts, one row each at its latest night, on the shared
    interaction columns: a comment naming a parentComment is a reply to it.
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a comment read again keeps the first_seen_date already in the table (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
with comments as (
    {{ latest_night_of(ref('stg_linkedin__comments'), 'comment_urn') }}
),

shaped as (
    select
        'linkedin:' || comment_urn as interaction_key,
        'linkedin' as platform,
        account_key,
        post_key,
        'linkedin:' || parent_comment_urn as parent_interaction_key,
        case when parent_comment_urn is null then 'comment' else 'reply' end as interaction_type,
        {{ pseudonymize("'linkedin:' || author_urn") }} as author_id_hash,
        is_from_brand,
        comment_text as text,
        created_at_utc,
        first_seen_date,
        snapshot_date as last_seen_date
    from comments
)

{{ keep_first_seen('shaped', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
