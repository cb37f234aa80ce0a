{#- Mastodon replies in the threads of the brand's statuses, one row each at its latest night, on the shared
    interaction columns: a reply to the status itself is a comment, a reply to a reply is a reply. -#}
with replies_seen as (
    select
        *,
        min(snapshot_date) over (partition by reply_key) as first_seen_date
    from {{ ref('stg_mastodon__replies') }}
),

replies as (
    {{ deduplicate('replies_seen', 'reply_key', 'snapshot_date desc, _line_no asc') }}
)

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
    first_seen_date
from replies
