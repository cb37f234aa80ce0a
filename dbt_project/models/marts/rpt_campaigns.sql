{#- One row per campaign and day of its dates (brand time zone, up to the last night read): others' posts
    and mentions carrying one of its hashtags that day, their distinct authors and engagements; the roster
    influencers' posts apart from the other UGC; and the distinct authors over the campaign's whole dates so far
    (an author counted once for the campaign, as the daily counts cannot be summed). -#}
with campaign_hashtags as (
    select * from {{ ref('stg_config__campaign_hashtags') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

influencers as (
    select * from {{ ref('stg_config__influencers') }}
),

campaigns as (
    select distinct
        campaign_id,
        brand_id,
        utm_campaign,
        start_date,
        end_date
    from campaign_hashtags
),

last_night as (
    select max(last_seen_date) as last_date from {{ ref('int_community_posts') }}
),

campaign_days as (
    select
        campaigns.*,
        {{ explode_days('campaigns.start_date', 'least(campaigns.end_date, last_night.last_date)') }} as date_day
    from campaigns
    cross join last_night
    where campaigns.start_date <= last_night.last_date
),

-- a post carrying two of the campaign's hashtags, or found by two of the brand's accounts, counts once
tagged as (
    select distinct
        campaign_hashtags.campaign_id,
        hashtags.community_post_key,
        hashtags.platform,
        hashtags.author_key,
        hashtags.author_handle,
        hashtags.brand_id,
        hashtags.mentions_brand,
        hashtags.engagements,
        cast({{ to_local('hashtags.created_at_utc', 'accounts.account_timezone') }} as date) as date_day
    from {{ ref('int_community_post_hashtags') }} as hashtags
    inner join accounts on hashtags.account_key = accounts.account_key
    inner join campaign_hashtags
        on hashtags.brand_id = campaign_hashtags.brand_id
        and hashtags.hashtag = campaign_hashtags.hashtag_normalized
),

by_influencer as (
    select
        tagged.*,
        influencers.influencer_key is not null as is_by_influencer
    from tagged
    left join influencers
        on tagged.brand_id = influencers.brand_id
        and tagged.platform = influencers.platform
        and tagged.author_handle = influencers.handle_normalized
),

daily as (
    select
        campaign_id,
        date_day,
        count(distinct community_post_key) as posts,
        count(distinct case when mentions_brand then community_post_key end) as posts_mentioning_brand,
        count(distinct case when is_by_influencer then community_post_key end) as influencer_posts,
        count(distinct author_key) as distinct_authors,
        sum(engagements) as engagements,
        sum(case when is_by_influencer then engagements end) as influencer_engagements,
        count(distinct case when not is_by_influencer then community_post_key end) as ugc_posts,
        count(distinct case when not is_by_influencer then author_key end) as ugc_distinct_authors,
        sum(case when not is_by_influencer then engagements end) as ugc_engagements
    from by_influencer  -- one row per campaign and post already (tagged is distinct, the roster unique)
    group by campaign_id, date_day
),

-- each author once over the campaign's dates up to the last night read
whole_campaign as (
    select
        by_influencer.campaign_id,
        count(distinct by_influencer.author_key) as campaign_distinct_authors,
        count(distinct case when not by_influencer.is_by_influencer then by_influencer.author_key end)
            as campaign_ugc_distinct_authors
    from by_influencer
    inner join campaigns on by_influencer.campaign_id = campaigns.campaign_id
    cross join last_night
    where by_influencer.date_day between campaigns.start_date and least(campaigns.end_date, last_night.last_date)
    group by by_influencer.campaign_id
)

select
    -- ids
    {{ dbt.concat(['campaign_days.campaign_id', "'|'", to_text('campaign_days.date_day')]) }} as campaign_day_key,
    campaign_days.campaign_id,
    campaign_days.brand_id,
    campaign_days.utm_campaign,
    -- dates
    campaign_days.date_day,
    campaign_days.start_date,
    campaign_days.end_date,
    -- facts: a day without posts is a 0, not a missing row
    coalesce(daily.posts, 0) as posts,
    coalesce(daily.posts_mentioning_brand, 0) as posts_mentioning_brand,
    coalesce(daily.influencer_posts, 0) as influencer_posts,
    coalesce(daily.distinct_authors, 0) as distinct_authors,
    coalesce(daily.engagements, 0) as engagements,
    -- the roster influencers' posts apart from the other UGC (posts = influencer_posts + ugc_posts)
    coalesce(daily.influencer_engagements, 0) as influencer_engagements,
    coalesce(daily.ugc_posts, 0) as ugc_posts,
    coalesce(daily.ugc_distinct_authors, 0) as ugc_distinct_authors,
    coalesce(daily.ugc_engagements, 0) as ugc_engagements,
    -- over the campaign's whole dates up to the last night read, the same on each of its rows
    coalesce(whole_campaign.campaign_distinct_authors, 0) as campaign_distinct_authors,
    coalesce(whole_campaign.campaign_ugc_distinct_authors, 0) as campaign_ugc_distinct_authors
from campaign_days
left join daily
    on campaign_days.campaign_id = daily.campaign_id and campaign_days.date_day = daily.date_day
left join whole_campaign on campaign_days.campaign_id = whole_campaign.campaign_id
