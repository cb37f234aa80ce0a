{#- Threads replies in the conversations of the brand's threads, one row each at its latest night, on the shared
    interaction columns: a reply to the thread itself is a comment, a reply to a reply is a reply. The API gives
    only the author's username: the brand's replies are the ones signed with the owned profile's handle, compared
    here before the username is hashed. Hidden replies are kept (the brand saw them; hide_status in staging). -#}
with replies_seen as (
    select
        *,
        min(snapshot_date) over (partition by reply_key) as first_seen_date
    from {{ ref('stg_threads__replies') }}
),

replies as (
    {{ deduplicate('replies_seen', 'reply_key', 'snapshot_date desc, _line_no asc') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
)

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
    replies.first_seen_date
from replies
left join accounts on replies.account_key = accounts.account_key
