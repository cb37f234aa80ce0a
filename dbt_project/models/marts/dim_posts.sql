{#- One row per post: attributes, latest lifetime counters, D+1 and D+7 values and rates, underperforming flag.
    Publication day is D+0; a post younger than 7 days has no D+7 values yet (NULL). -#}
with posts as (
    select
        post_key,
        account_key,
        platform,
        brand_id,
        account_timezone,
        published_at_utc,
        published_at_local,
        content_type,
        post_text,
        permalink,
        link_url,
        utm_content,
        utm_campaign,
        hashtags,
        published_date,
        published_weekday,
        published_hour,
        followers_at_publication
    from {{ ref('int_posts') }}
),

daily as (
    select * from {{ ref('fct_post_performance') }}
),

latest as (
    {{ deduplicate('daily', 'post_key', 'date_day desc') }}
),

warehouse_nights as (
    select max(counters_read_on) as last_day from daily
),

at_day_1 as (
    select
        post_key,
        reach as reach_d1,
        engagements as engagements_d1
    from daily
    where days_since_publication = {{ var('alert_day') }}
),

at_day_7 as (
    select
        post_key,
        likes,
        comments,
        shares,
        saves,
        engagements,
        impressions,
        reach
    from daily
    where days_since_publication = {{ var('benchmark_day') }}
    union all
    -- A story expires 24 hours after publication, its counters with it: once its D+7 has come (the last night
    -- read), its last read is its D+7 value. No read exists on that day; none can differ (DECISIONLOG).
    select
        latest.post_key,
        latest.likes,
        latest.comments,
        latest.shares,
        latest.saves,
        latest.engagements,
        latest.impressions,
        latest.reach
    from latest
    inner join posts on latest.post_key = posts.post_key
    cross join warehouse_nights
    where
        posts.content_type = 'story'
        and latest.days_since_publication < {{ var('benchmark_day') }}
        and {{ add_days('posts.published_date', var('benchmark_day')) }} <= warehouse_nights.last_day
),

rated as (
    select
        posts.*,
        latest.likes,
        latest.comments,
        latest.shares,
        latest.saves,
        latest.engagements,
        latest.impressions,
        latest.reach,
        latest.link_clicks,
        latest.video_views,
        latest.date_day as counters_as_of,
        at_day_1.reach_d1,
        at_day_1.engagements_d1,
        at_day_7.likes as likes_d7,
        at_day_7.comments as comments_d7,
        at_day_7.shares as shares_d7,
        at_day_7.saves as saves_d7,
        at_day_7.engagements as engagements_d7,
        at_day_7.impressions as impressions_d7,
        at_day_7.reach as reach_d7,
        {{ ratio('at_day_7.engagements', 'posts.followers_at_publication') }} as engagement_rate_d7,
        {{ ratio('at_day_7.engagements', 'at_day_7.impressions') }} as engagement_rate_by_impressions_d7,
        {{ ratio('at_day_7.engagements', 'at_day_7.reach') }} as engagement_rate_by_reach_d7,
        {{ ratio('at_day_7.reach', 'posts.followers_at_publication') }} as organic_reach_rate,
        {{ ratio('at_day_1.reach_d1', 'posts.followers_at_publication') }} as organic_reach_rate_d1,
        {{ ratio('at_day_1.engagements_d1', 'posts.followers_at_publication') }} as engagement_rate_d1
    from posts
    left join latest on posts.post_key = latest.post_key
    left join at_day_1 on posts.post_key = at_day_1.post_key
    left join at_day_7 on posts.post_key = at_day_7.post_key
),

account_baseline as (
    -- the account's posts with D+7 values published in the 90 calendar days before the post's local publication
    -- date (D-90 to D-1): their median D+7 engagement rate
    select
        rated.post_key,
        {{ median_of("earlier.engagement_rate_d7") }} as baseline_engagement_rate_d7,
        count(earlier.engagement_rate_d7) as baseline_posts
    from rated
    inner join rated as earlier
        on rated.account_key = earlier.account_key
        and earlier.published_date between {{ add_days('rated.published_date', -90) }}
        and {{ add_days('rated.published_date', -1) }}
    group by rated.post_key
),

post_sentiment as (
    -- the inbound comments, replies and mentions on each post, by sentiment label
    select
        post_key,
        count(*) as inbound_items,
        sum(case when sentiment_label = 'positive' then 1 else 0 end) as positive_items,
        sum(case when sentiment_label = 'negative' then 1 else 0 end) as negative_items,
        sum(case when sentiment_label = 'neutral' then 1 else 0 end) as neutral_items
    from {{ ref('fct_interactions') }}
    where is_inbound and post_key is not null
    group by post_key
)

select
    rated.*,
    -- a baseline of fewer than 5 posts is none
    case
        when account_baseline.baseline_posts >= 5 then account_baseline.baseline_engagement_rate_d7
    end as baseline_engagement_rate_d7,
    coalesce(account_baseline.baseline_posts, 0) as baseline_posts,
    case
        when rated.engagement_rate_d7 is null or coalesce(account_baseline.baseline_posts, 0) < 5 then null
        else rated.engagement_rate_d7 < 0.5 * account_baseline.baseline_engagement_rate_d7
    end as is_underperforming,
    -- inbound items on the post and their net sentiment: 0 items where the platform's comments are read and
    -- none came, NULL (unknown) where they are not read
    case when {{ reads_comments('rated.platform') }} then coalesce(post_sentiment.inbound_items, 0) end
        as inbound_items,
    case when {{ reads_comments('rated.platform') }} then coalesce(post_sentiment.negative_items, 0) end
        as negative_items,
    {{ ratio(
        'post_sentiment.positive_items - post_sentiment.negative_items',
        'post_sentiment.positive_items + post_sentiment.negative_items + post_sentiment.neutral_items',
    ) }} as net_sentiment
from rated
left join account_baseline on rated.post_key = account_baseline.post_key
left join post_sentiment on rated.post_key = post_sentiment.post_key
