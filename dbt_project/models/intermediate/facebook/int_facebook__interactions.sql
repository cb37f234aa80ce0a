{#- Facebook comments and replies on the Page's posts, one row each at its latest night, on the shared
    interaction columns: a comment naming a parent is a reply to it. -#}
with comments_seen as (
    select
        *,
        min(snapshot_date) over (partition by comment_key) as first_seen_date
    from {{ ref('stg_facebook__comments') }}
),

comments as (
    {{ deduplicate('comments_seen', 'comment_key', 'snapshot_date desc, _line_no asc') }}
)

select
    comment_key as interaction_key,
    'facebook' as platform,
    account_key,
    post_key,
    'facebook:' || parent_comment_id as parent_interaction_key,
    case when parent_comment_id is null then 'comment' else 'reply' end as interaction_type,
    {{ pseudonymize("'facebook:' || author_id") }} as author_id_hash,
    is_from_brand,
    comment_text as text,
    created_at_utc,
    first_seen_date
from comments
