{#- Mastodon replies in the threads of the brand's statuses, one row each at its latest night, on the shared
    interaction columns: a reply to the status itself is a comment, a reply to a reply is a reply.
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a reply read again keeps the first_seen_date already in the table (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
with replies as (
    {{ latest_night_of(ref('stg_mastodon__replies'), 'reply_key') }}
),

shaped as (
    select
        reply_key as interaction_key,
        'mastodon' as platform,
        account_key,
        post_key,
        case when in_reply_to_id <> root_status_id then 'mastodon:' || in_reply_to_id end as parent_interaction_key,
        case when in_reply_to_id <> root_status_id then 'reply' else 'comment' end as interaction_type,
        {{ pseudonymize("'mastodon:' || author_id") }} as author_id_hash,
        is_from_brand,
        reply_text as text,
        created_at_utc,
        first_seen_date,
        snapshot_date as last_seen_date
    from replies
)

{{ keep_first_seen('shaped', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
