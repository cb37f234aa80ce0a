{#- Bluesky replies in the threads of the brand's posts, one row each at its latest night, on the shared
    interaction columns: a reply whose parent is the thread's root post is a comment, any other a reply. A
    reply's AT URI names its author's DID: its key and its parent's are pseudonymous (pseudonymous_key). -#}
with replies_seen as (
    select
        *,
        min(snapshot_date) over (partition by reply_key) as first_seen_date
    from {{ ref('stg_bluesky__replies') }}
),

replies as (
    {{ deduplicate('replies_seen', 'reply_key', 'snapshot_date desc, _line_no asc') }}
)

select
    {{ pseudonymous_key('reply_key') }} as interaction_key,
    'bluesky' as platform,
    account_key,
    'bluesky:' || coalesce(root_uri, thread_root_uri) as post_key,
    case
        when parent_uri <> coalesce(root_uri, thread_root_uri) then {{ pseudonymous_key("'bluesky:' || parent_uri") }}
    end as parent_interaction_key,
    case when parent_uri <> coalesce(root_uri, thread_root_uri) then 'reply' else 'comment' end
        as interaction_type,
    {{ pseudonymize("'bluesky:' || author_did") }} as author_id_hash,
    is_from_brand,
    reply_text as text,
    created_at_utc,
    first_seen_date
from replies
