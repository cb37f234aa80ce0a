{#- One row per community post, brand and hashtag in its text (lower-cased, with its #).
    Incremental (macros/incremental_items.sql): a night deletes and inserts again the hashtags of the posts
    int_community_posts rewrote (rewritten_items), not every post's: a post's hashtags depend on its row only. -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{% if is_incremental() %}delete from {{ this }} where (community_post_key, account_key) in ("
              ~ "select community_post_key, account_key from {{ rewritten_items(ref('int_community_posts')) }}"
              ~ " as rewritten){% endif %}"],
) }}
with posts as (
    select * from {{ rewritten_items(ref('int_community_posts')) }}
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
