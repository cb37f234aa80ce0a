{#- Bluesky replies in the threads of the brand's posts, one row each at its latest night, on the shared
    interaction columns: a reply whose parent is the thread's root post is a comment, any other a reply. A
    reply's AT URI names its author's DID: its key and its parent's are pseudonymous (pseudonymous_key).
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a reply read again keeps the first_seen_date already in the table (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
with replies as (
    {{ latest_night_of(ref('stg_bluesky__replies'), 'reply_key') }}
),

shaped as (
    select
        {{ pseudonymous_key('reply_key') }} as interaction_key,
        'bluesky' as platform,
        account_key,
        'bluesky:' || coalesce(root_uri, thread_root_uri) as post_key,
        case
            when parent_uri <> coalesce(root_uri, thread_root_uri)
                then {{ pseudonymous_key("'bluesky:' || parent_uri") }}
        end as parent_interaction_key,
        case when parent_uri <> coalesce(root_uri, thread_root_uri) then 'reply' else 'comment' end
            as interaction_type,
        {{ pseudonymize("'bluesky:' || author_did") }} as author_id_hash,
        is_from_brand,
        reply_text as text,
        created_at_utc,
        first_seen_date,
        snapshot_date as last_seen_date
    from replies
)

{{ keep_first_seen('shaped', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
