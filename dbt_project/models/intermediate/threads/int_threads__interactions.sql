{#- Threads replies in the conversations of the brand's threads, one row each at its latest night, on the shared
    interaction columns: a reply to the thread itself is a comment, a reply to a reply is a reply. The API gives
    only the author's username: the brand's replies are the ones signed with the owned profile's handle, compared
    here before the username is hashed. Hidden replies are kept (the brand saw them; hide_status in staging).
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a reply read again keeps the first_seen_date already in the table (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
with replies as (
    {{ latest_night_of(ref('stg_threads__replies'), 'reply_key') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

shaped as (
    select
        replies.reply_key as interaction_key,
        'threads' as platform,
        replies.account_key,
        replies.post_key,
        case
            when replies.replied_to_id <> replies.root_post_id then 'threads:' || replies.replied_to_id
        end as parent_interaction_key,
        case when replies.replied_to_id <> replies.root_post_id then 'reply' else 'comment' end as interaction_type,
        {{ pseudonymize("'threads:' || lower(replies.author_username)") }} as author_id_hash,
        coalesce(lower(replies.author_username) = lower(accounts.handle), false) as is_from_brand,
        replies.reply_text as text,
        replies.created_at_utc,
        replies.first_seen_date,
        replies.snapshot_date as last_seen_date
    from replies
    left join accounts on replies.account_key = accounts.account_key
)

{{ keep_first_seen('shaped', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
