{#- One row per community post, brand and hashtag in its text (lower-cased, with its #). -#}
with posts as (
    select * from {{ ref('int_community_posts') }}
),

hashtags as (
    select
        community_post_key,
        account_key,
        {{ hashtags_in('hashtag_text') }} as hashtag
    from posts
)

select distinct
    posts.community_post_key,
    posts.account_key,
    posts.brand_id,
    posts.platform,
    hashtags.hashtag,
    posts.mentions_brand,
    posts.author_key,
    posts.author_handle,
    posts.created_at_utc,
    posts.engagements
from hashtags
inner join posts
    on hashtags.community_post_key = posts.community_post_key and hashtags.account_key = posts.account_key
