{#- X conversation around the owned account, one row per tweet at its latest night, on the shared
    interaction columns: others' tweets from the mentions stream and the brand's own replies from its
    timeline. A tweet answering a brand post is a comment on it; one answering a comment, or any tweet in a
    brand post's conversation, a reply; any other tweet naming the brand a mention, on no post.
    Incremental (macros/incremental_items.sql): a night reads only the nights it rewrites, not every night of raw;
    a tweet read again keeps the first_seen_date already in the table (keep_first_seen). What a tweet of those
    nights is classified against comes from every night: the brand posts from int_x__post_snapshots, the tweets
    read before from the table. A tweet read by two owned accounts is kept for one: its row in the table competes
    again when the other account reads it. (The table keeps one account per tweet, so a tweet whose other account
    stopped reading it before those nights is not known to that account any more: a difference from a full
    build only for tweets naming two owned X accounts, read on different nights.) -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy=keyed_incremental_strategy(),
    unique_key='interaction_key',
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('int_x__post_snapshots') }}
with brand_posts as (
    {% if is_incremental() -%}
    -- the brand posts of every night: the post snapshots, built before this model (its tweets in raw are not read)
    select distinct
        account_key,
        post_key as tweet_key
    from {{ ref('int_x__post_snapshots') }}
    {%- else -%}
    select distinct
        account_key,
        tweet_key
    from {{ ref('stg_x__tweets') }}
    where replied_to_tweet_id is null
    {%- endif %}
),

own_replies as (
    select * from {{ ref('stg_x__tweets') }}
    where replied_to_tweet_id is not null
),

mentions as (
    select * from {{ ref('stg_x__mentions') }}
),

tweets as (
    {{ union_all_columns(['own_replies', 'mentions'], [
        'tweet_key', 'account_key', 'tweet_id', 'conversation_id', 'replied_to_tweet_id', 'author_id',
        'is_from_brand', 'tweet_text', 'created_at_utc', 'snapshot_date', '_line_no',
    ]) }}
),

-- the nights the run reads (latest_night_of); the first night of a tweet is the first any owned account read it
latest as (
    {{ latest_night_of('tweets', 'tweet_key, account_key', first_seen_by='tweet_key') }}
),

known_tweets as (
    select distinct
        account_key,
        tweet_key
    from latest
    {%- if is_incremental() %}
    union
    select
        account_key,
        interaction_key
    from {{ this }}
    {%- endif %}
),

classified as (
    select
        latest.*,
        conversation_posts.tweet_key is not null as is_in_brand_conversation,
        replied_posts.tweet_key is not null as is_answer_to_brand_post,
        known_parents.tweet_key is not null as is_answer_to_known_tweet
    from latest
    left join brand_posts as conversation_posts
        on latest.account_key = conversation_posts.account_key
        and 'x:' || latest.conversation_id = conversation_posts.tweet_key
    left join brand_posts as replied_posts
        on latest.account_key = replied_posts.account_key
        and 'x:' || latest.replied_to_tweet_id = replied_posts.tweet_key
    left join known_tweets as known_parents
        on latest.account_key = known_parents.account_key
        and 'x:' || latest.replied_to_tweet_id = known_parents.tweet_key
),

shaped as (
    select
        tweet_key as interaction_key,
        'x' as platform,
        account_key,
        case
            when is_in_brand_conversation or is_answer_to_brand_post
                then 'x:' || coalesce(case when is_answer_to_brand_post then replied_to_tweet_id end, conversation_id)
        end as post_key,
        case
            when not is_answer_to_brand_post and (is_in_brand_conversation or is_answer_to_known_tweet)
                then 'x:' || replied_to_tweet_id
        end as parent_interaction_key,
        case
            when is_answer_to_brand_post then 'comment'
            when is_in_brand_conversation or is_answer_to_known_tweet then 'reply'
            else 'mention'
        end as interaction_type,
        {{ pseudonymize("'x:' || author_id") }} as author_id_hash,
        is_from_brand,
        -- a reply opens with the @handles it answers, added by X: addressing, not content
        trim(case
            when replied_to_tweet_id is not null then {{ strip_leading_mentions('tweet_text') }}
            else tweet_text
        end) as text,
        created_at_utc,
        first_seen_date,
        snapshot_date as last_seen_date
    from classified
),

candidates as (
    select * from shaped
    {%- if is_incremental() %}
    union all
    -- a tweet read again by one owned account, kept before for another: that row competes again (with the
    -- first night read now; keep_first_seen puts an earlier one back)
    select
        {%- for column in interaction_columns() + ['last_seen_date'] %}
        {% if column == 'first_seen_date' %}read_again.first_seen_date{% else %}kept.{{ column }}{% endif %}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as kept
    inner join (select distinct interaction_key, first_seen_date from shaped) as read_again
        on kept.interaction_key = read_again.interaction_key
    where not exists (
        select 1 from shaped
        where shaped.interaction_key = kept.interaction_key and shaped.account_key = kept.account_key
    )
    {%- endif %}
),

-- a tweet naming two owned accounts is read by both: kept once, for the account whose post it is on
kept_once as (
    {{ deduplicate('candidates', 'interaction_key', 'post_key is null asc, account_key asc') }}
)

{{ keep_first_seen('kept_once', 'interaction_key', interaction_columns() + ['last_seen_date']) }}
