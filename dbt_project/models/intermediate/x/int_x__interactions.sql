{#- X conversation around the owned account, one row per tweet at its latest night, on the shared
    interaction columns: others' tweets from the mentions stream and the brand's own replies from its
    timeline. A tweet answering a brand post is a comment on it; one answering a comment, or any tweet in a
    brand post's conversation, a reply; any other tweet naming the brand a mention, on no post. -#}
with brand_posts as (
    select distinct
        account_key,
        tweet_id
    from {{ ref('stg_x__tweets') }}
    where replied_to_tweet_id is null
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

seen as (
    select
        *,
        min(snapshot_date) over (partition by tweet_key) as first_seen_date
    from tweets
),

latest as (
    {{ deduplicate('seen', 'tweet_key, account_key', 'snapshot_date desc, _line_no asc') }}
),

known_tweets as (
    select distinct
        account_key,
        tweet_key
    from latest
),

classified as (
    select
        latest.*,
        conversation_posts.tweet_id is not null as is_in_brand_conversation,
        replied_posts.tweet_id is not null as is_answer_to_brand_post,
        known_parents.tweet_key is not null as is_answer_to_known_tweet
    from latest
    left join brand_posts as conversation_posts
        on latest.account_key = conversation_posts.account_key
        and latest.conversation_id = conversation_posts.tweet_id
    left join brand_posts as replied_posts
        on latest.account_key = replied_posts.account_key
        and latest.replied_to_tweet_id = replied_posts.tweet_id
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
        first_seen_date
    from classified
)

-- a tweet naming two owned accounts is read by both: kept once, for the account whose post it is on
select
    interaction_key,
    platform,
    account_key,
    post_key,
    parent_interaction_key,
    interaction_type,
    author_id_hash,
    is_from_brand,
    text,
    created_at_utc,
    first_seen_date
from ({{ deduplicate('shaped', 'interaction_key', 'post_key is null asc, account_key asc') }}) as kept
