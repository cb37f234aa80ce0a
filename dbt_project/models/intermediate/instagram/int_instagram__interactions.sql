{#- Instagram comments and their replies, one row each at its latest night, on the shared interaction
    columns. The API gives only the author's username: the brand's replies are the ones signed with the
    owned account's handle, compared here before the username is hashed. -#}
with comments_seen as (
    select
        *,
        min(snapshot_date) over (partition by comment_key) as first_seen_date
    from {{ ref('stg_instagram__comments') }}
),

comments as (
    {{ deduplicate('comments_seen', 'comment_key', 'snapshot_date desc, _line_no asc') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
)

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
    comments.first_seen_date
from comments
left join accounts on comments.account_key = accounts.account_key
