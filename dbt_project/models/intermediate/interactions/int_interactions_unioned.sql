{#- Every platform's comments, replies and mentions on the shared interaction columns.
    Incremental (macros/incremental_items.sql): a night rewrites the items its platform models rewrote (their
    last_seen_date is in its nights, rewritten_items), reading those rows of the intermediate tables only;
    first_seen_date comes with them. -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
{{- require_keyed_rewrite() }}

-- Others' posts naming the brand on the platforms whose mentions are not already in an interactions model
-- (X's are in int_x__interactions): mentions, on no post. A post naming two owned accounts is kept once.
with community_mentions as (
    select
        community_post_key,
        platform,
        account_key,
        author_key,
        post_text,
        created_at_utc,
        first_seen_date,
        row_number() over (partition by community_post_key order by account_key) as account_rank
    from {{ ref('int_community_posts') }}
    where mentions_brand and platform <> 'x'
    {%- if is_incremental() %}
        -- a post read again by any account, ranked among every account's row of it
        and community_post_key in (
            select community_post_key from {{ rewritten_items(ref('int_community_posts')) }} as rewritten
        )
    {%- endif %}
),

mentions as (
    select
        -- a Bluesky post's AT URI names its author's DID (pseudonymous_key, as int_bluesky__interactions)
        case
            when platform = 'bluesky' then {{ pseudonymous_key('community_post_key') }} else community_post_key
        end as interaction_key,
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
    from community_mentions
    where account_rank = 1
),

-- one interactions model per platform whose comments are read (macro comment_platforms)
unioned as (
    {{ union_all_columns([
        rewritten_items(ref('int_instagram__interactions')),
        rewritten_items(ref('int_mastodon__interactions')),
        rewritten_items(ref('int_x__interactions')),
        rewritten_items(ref('int_bluesky__interactions')),
        rewritten_items(ref('int_facebook__interactions')),
        rewritten_items(ref('int_youtube__interactions')),
        rewritten_items(ref('int_linkedin__interactions')),
        rewritten_items(ref('int_threads__interactions')),
        'mentions',
    ], interaction_columns()) }}
)

select * from unioned
