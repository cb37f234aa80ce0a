{#- LinkedIn comments and replies on the organization's posts, one row each at its latest night, on the shared
    interaction columns: a comment naming a parentComment is a reply to it. -#}
with comments_seen as (
    select
        *,
        min(snapshot_date) over (partition by comment_urn) as first_seen_date
    from {{ ref('stg_linkedin__comments') }}
),

comments as (
    {{ deduplicate('comments_seen', 'comment_urn', 'snapshot_date desc, _line_no asc') }}
)

select
    'linkedin:' || comment_urn as interaction_key,
    'linkedin' as platform,
    account_key,
    post_key,
    'linkedin:' || parent_comment_urn as parent_interaction_key,
    case when parent_comment_urn is null then 'comment' else 'reply' end as interaction_type,
    {{ pseudonymize("'linkedin:' || author_urn") }} as author_id_hash,
    is_from_brand,
    comment_text as text,
    created_at_utc,
    first_seen_date
from comments
