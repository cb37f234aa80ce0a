{#- YouTube comments and their embedded replies, one row per comment at its latest night, on the shared
    interaction columns. A thread shows at most five replies: the rest are not read.
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a comment read again keeps the first_seen_date already in the table (keep_first_seen). -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
with comments as (
    {{ latest_night_of(ref('stg_youtube__comments'), 'comment_key') }}
),

shaped as (
    select
        comment_key as interaction_key,
        'youtube' as platform,
        account_key,
        video_key as post_key,
        case when parent_comment_id is not null then 'youtube:' || parent_comment_id end as parent_interaction_key,
        case when parent_comment_id is null then 'comment' else 'reply' end as interaction_type,
        {{ pseudonymize("'youtube:' || author_channel_id") }} as author_id_hash,
        is_from_brand,
        comment_text as text,
        created_at_utc,
        first_seen_date,
        snapshot_date as last_seen_date
    from comments
)

{{ keep_first_seen('shaped', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
