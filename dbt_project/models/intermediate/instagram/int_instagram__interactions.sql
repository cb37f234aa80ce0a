{#- Instagram comments and their replies, one row each at its latest night, on the shared interaction
    columns. The API gives only the author's username: the brand's replies are the ones signed with the
    owned account's handle, compared here before the username is hashed.
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a comment read again keeps the first_seen_date already in the table (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
with comments as (
    {{ latest_night_of(ref('stg_instagram__comments'), 'comment_key') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

shaped as (
    select
        comments.comment_key as interaction_key,
        'instagram' as platform,
        comments.account_key,
        comments.post_key,
        'instagram:' || comments.parent_comment_id as parent_interaction_key,
        case when comments.parent_comment_id is null then 'comment' else 'reply' end as interaction_type,
        {{ pseudonymize("'instagram:' || lower(comments.author_username)") }} as author_id_hash,
        coalesce(lower(comments.author_username) = lower(accounts.handle), false) as is_from_brand,
        comments.comment_text as text,
        comments.created_at_utc,
        comments.first_seen_date,
        comments.snapshot_date as last_seen_date
    from comments
    left join accounts on comments.account_key = accounts.account_key
)

{{ keep_first_seen('shaped', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
