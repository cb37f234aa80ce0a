{#- Every platform's nightly post counters on the shared columns, with engagements as the contract defines. -#}
with unioned as (
    select * from {{ ref('int_instagram__post_snapshots') }}
    union all
    select * from {{ ref('int_mastodon__post_snapshots') }}
    union all
    select * from {{ ref('int_x__post_snapshots') }}
    union all
    select * from {{ ref('int_bluesky__post_snapshots') }}
    union all
    select * from {{ ref('int_facebook__post_snapshots') }}
    union all
    select * from {{ ref('int_youtube__post_snapshots') }}
    union all
    select * from {{ ref('int_linkedin__post_snapshots') }}
    union all
    select * from {{ ref('int_tiktok__post_snapshots') }}
)

select
    *,
    {{ sum_reported(['likes', 'comments', 'shares', 'saves']) }} as engagements
from unioned
