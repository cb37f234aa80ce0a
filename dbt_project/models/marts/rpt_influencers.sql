{#- One row per roster influencer and campaign: their posts that mention the brand or carry a campaign
    hashtag, engagement rate by their own followers (the roster's count), tier, and cost per engagement.
    A post carrying a campaign's hashtag inside its dates counts for that campaign; any other counts under
    campaign_id 'none'. -#}
with influencers as (
    select * from {{ ref('stg_config__influencers') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

campaign_hashtags as (
    select * from {{ ref('stg_config__campaign_hashtags') }}
),

posts as (
    -- one row per post, whichever of the brand's accounts found it
    select *
    from (
        select
            community_posts.*,
            row_number() over (
                partition by community_posts.community_post_key, community_posts.brand_id
                order by community_posts.account_key
            ) as account_rank
        from {{ ref('int_community_posts') }} as community_posts
    ) as ranked
    where account_rank = 1
),

campaign_of_post as (
    select
        posts.community_post_key,
        posts.brand_id,
        min(campaign_hashtags.campaign_id) as campaign_id
    from posts
    inner join accounts on posts.account_key = accounts.account_key
    inner join {{ ref('int_community_post_hashtags') }} as hashtags
        on posts.community_post_key = hashtags.community_post_key and posts.account_key = hashtags.account_key
    inner join campaign_hashtags
        on posts.brand_id = campaign_hashtags.brand_id
        and hashtags.hashtag = campaign_hashtags.hashtag_normalized
        and cast({{ to_local('posts.created_at_utc', 'accounts.account_timezone') }} as date)
        between campaign_hashtags.start_date and campaign_hashtags.end_date
    group by posts.community_post_key, posts.brand_id
),

influencer_posts as (
    select
        influencers.influencer_key,
        influencers.brand_id,
        coalesce(campaign_of_post.campaign_id, 'none') as campaign_id,
        posts.community_post_key,
        posts.created_at_utc,
        posts.engagements
    from posts
    inner join influencers
        on posts.brand_id = influencers.brand_id
        and posts.platform = influencers.platform
        and posts.author_handle = influencers.handle_normalized
    left join campaign_of_post
        on posts.community_post_key = campaign_of_post.community_post_key
        and posts.brand_id = campaign_of_post.brand_id
    where posts.mentions_brand or campaign_of_post.campaign_id is not null
),

per_campaign as (
    select
        influencer_key,
        brand_id,
        campaign_id,
        count(*) as posts,
        sum(engagements) as engagements,
        min(created_at_utc) as first_post_at_utc,
        max(created_at_utc) as last_post_at_utc
    from influencer_posts
    group by influencer_key, brand_id, campaign_id
),

totals as (
    select
        influencer_key,
        brand_id,
        sum(posts) as all_posts
    from per_campaign
    group by influencer_key, brand_id
)

select
    -- ids
    {{ dbt.concat(['per_campaign.brand_id', "'|'", 'per_campaign.influencer_key', "'|'", 'per_campaign.campaign_id']) }}
        as influencer_campaign_key,
    per_campaign.influencer_key,
    per_campaign.brand_id,
    per_campaign.campaign_id,
    influencers.platform,
    influencers.handle,
    -- attributes
    case
        when influencers.followers < 10000 then 'nano'
        when influencers.followers < 100000 then 'micro'
        when influencers.followers < 1000000 then 'macro'
        else 'mega'
    end as tier,
    influencers.currency,
    -- timestamps
    per_campaign.first_post_at_utc,
    per_campaign.last_post_at_utc,
    -- facts
    influencers.followers,
    per_campaign.posts,
    per_campaign.engagements,
    -- the mean over the posts of engagements / followers (the followers are the roster's, one figure)
    {{ ratio('per_campaign.engagements', 'influencers.followers * per_campaign.posts') }} as engagement_rate,
    -- the roster's fee covers all the influencer's posts: each campaign carries its share of them
    influencers.fee * per_campaign.posts / totals.all_posts as fee_allocated,
    {{ ratio('influencers.fee * per_campaign.posts / totals.all_posts', 'per_campaign.engagements') }}
        as cost_per_engagement
from per_campaign
inner join influencers
    on per_campaign.influencer_key = influencers.influencer_key and per_campaign.brand_id = influencers.brand_id
inner join totals
    on per_campaign.influencer_key = totals.influencer_key and per_campaign.brand_id = totals.brand_id
