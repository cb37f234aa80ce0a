{#- YouTube comments and their embedded replies, one row per comment at its latest night, on the shared
    interaction columns. A thread shows at most five replies: the rest are not read. -#}
with comments_seen as (
    select
        *,
        min(snapshot_date) over (partition by comment_key) as first_seen_date
    from {{ ref('stg_youtube__comments') }}
),

comments as (
    {{ deduplicate('comments_seen', 'comment_key', 'snapshot_date desc, _line_no asc') }}
)

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
    first_seen_date
from comments
