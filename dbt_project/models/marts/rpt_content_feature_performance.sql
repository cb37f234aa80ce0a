{#- One row per account and content feature (cta, comment_cta, question, contest): the posts with D+7 values with
    and without the feature, their median D+7 engagement rate and the feature's lift; for comment_cta, the same with
    the D+7 conversation rate. A lift needs at least 5 posts on each side, else it is NULL. -#}
{%- set features = ['cta', 'comment_cta', 'question', 'contest'] %}
with posts as (
    select
        posts.post_key,
        posts.account_key,
        posts.engagement_rate_d7,
        {{ ratio('posts.comments_d7', 'posts.followers_at_publication') }} as conversation_rate_d7,
        features.has_cta,
        features.has_comment_cta,
        features.has_question,
        features.has_contest
    from {{ ref('dim_posts') }} as posts
    inner join {{ ref('int_post_features') }} as features on posts.post_key = features.post_key
    where posts.engagement_rate_d7 is not null
),

flagged as (
    {%- for feature in features %}
    select
        account_key,
        '{{ feature }}' as feature,
        has_{{ feature }} as has_feature,
        engagement_rate_d7,
        conversation_rate_d7
    from posts
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

sides as (
    select
        account_key,
        feature,
        count(case when has_feature then 1 end) as posts_with,
        count(case when not has_feature then 1 end) as posts_without,
        {{ median_of("case when has_feature then engagement_rate_d7 end") }} as median_engagement_rate_d7_with,
        {{ median_of("case when not has_feature then engagement_rate_d7 end") }} as median_engagement_rate_d7_without,
        {{ median_of("case when has_feature then conversation_rate_d7 end") }} as median_conversation_rate_d7_with,
        {{ median_of("case when not has_feature then conversation_rate_d7 end") }}
            as median_conversation_rate_d7_without
    from flagged
    group by account_key, feature
)

select
    -- ids
    {{ dbt.concat(['account_key', "'|'", 'feature']) }} as account_feature_key,
    account_key,
    feature,
    -- facts
    posts_with,
    posts_without,
    median_engagement_rate_d7_with,
    median_engagement_rate_d7_without,
    case
        when posts_with >= 5 and posts_without >= 5
            then {{ ratio('median_engagement_rate_d7_with', 'median_engagement_rate_d7_without') }} - 1
    end as engagement_rate_lift,
    -- the conversation-rate lift of the calls to action that ask for comments
    case when feature = 'comment_cta' then median_conversation_rate_d7_with end as median_conversation_rate_d7_with,
    case when feature = 'comment_cta' then median_conversation_rate_d7_without end
        as median_conversation_rate_d7_without,
    case
        when feature = 'comment_cta' and posts_with >= 5 and posts_without >= 5
            then {{ ratio('median_conversation_rate_d7_with', 'median_conversation_rate_d7_without') }} - 1
    end as conversation_rate_lift
from sides
