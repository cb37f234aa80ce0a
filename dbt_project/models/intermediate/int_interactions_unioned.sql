{#- Every platform's comments, replies and mentions on the shared interaction columns. -#}
select * from {{ ref('int_instagram__interactions') }}
union all
select * from {{ ref('int_mastodon__interactions') }}
union all
select * from {{ ref('int_x__interactions') }}
union all
select * from {{ ref('int_bluesky__interactions') }}
union all
select * from {{ ref('int_facebook__interactions') }}
union all
select * from {{ ref('int_youtube__interactions') }}
union all
-- Others' posts naming the brand on the platforms whose mentions are not already in an interactions model
-- (X's are in int_x__interactions): mentions, on no post. A post naming two owned accounts is kept once.
select
    community_post_key as interaction_key,
    platform,
    account_key,
    cast(null as {{ dbt.type_string() }}) as post_key,
    cast(null as {{ dbt.type_string() }}) as parent_interaction_key,
    'mention' as interaction_type,
    {{ pseudonymize('author_key') }} as author_id_hash,
    false as is_from_brand,
    trim(post_text) as text,
    created_at_utc,
    first_seen_date
from (
    select
        *,
        row_number() over (partition by community_post_key order by account_key) as account_rank
    from {{ ref('int_community_posts') }}
    where mentions_brand and platform <> 'x'
) as mentions
where account_rank = 1
