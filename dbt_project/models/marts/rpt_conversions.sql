{#- Social web sessions, conversions and revenue per day (the GA4 property's local day, last click), at
    three grains: per post (utm_content = the tag the post's link carries, as int_posts reads it), per
    campaign (utm_campaign) and per platform (the session source, its network's domains mapped to the
    network). Each grain is attributed on its own tag, so a campaign's or platform's row also counts sessions
    whose post is not identified. A session is social when its medium says so (GA4's social mediums) or
    GA4's own channel does (Organic Social, Paid Social): the latter catches the visits without utm tags
    (l.instagram.com / referral...), which count at the platform grain only. -#}
with accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

social_session_reads as (
    select
        ga4.account_key,
        ga4.row_key,
        ga4.snapshot_date,
        ga4._line_no,
        accounts.brand_id,
        ga4.session_date,
        -- the platform of the session source: the posts' utm_source is the platform's name already; the
        -- networks' own domains (visits without utm tags, GA4's sessionSource) are mapped to it
        case
            when ga4.session_source in ('instagram.com', 'l.instagram.com') then 'instagram'
            when ga4.session_source in ('t.co', 'x.com', 'twitter.com') then 'x'
            when ga4.session_source in ('facebook.com', 'm.facebook.com', 'l.facebook.com', 'lm.facebook.com')
                then 'facebook'
            when ga4.session_source in ('linkedin.com', 'lnkd.in') then 'linkedin'
            when ga4.session_source in ('youtube.com', 'm.youtube.com') then 'youtube'
            when ga4.session_source = 'tiktok.com' then 'tiktok'
            when ga4.session_source = 'bsky.app' then 'bluesky'
            when ga4.session_source in ('threads.net', 'l.threads.net', 'threads.com') then 'threads'
            else ga4.session_source
        end as platform,
        ga4.session_campaign,
        ga4.session_ad_content,
        ga4.sessions,
        ga4.conversions,
        -- money as decimal: a sum of doubles depends on the order rows arrive in (a rerun differed in the last
        -- digit); decimals add up exactly. Four places: every ISO 4217 currency's minor unit.
        cast(ga4.revenue as decimal(18, 4)) as revenue
    from {{ ref('stg_ga4__sessions_daily') }} as ga4
    inner join accounts on ga4.account_key = accounts.account_key
    -- social: the medium says so (GA4's social mediums, not only `social`) or GA4's own channel group does
    where
        lower(ga4.session_medium)
        in ('social', 'social-network', 'social-media', 'sm', 'social network', 'social media')
        or lower(ga4.session_default_channel_group) in ('organic social', 'paid social')
),

social_sessions as (
    select
        brand_id,
        session_date,
        platform,
        session_campaign,
        session_ad_content,
        sessions,
        conversions,
        revenue
    -- a day's report read again on a later night: the latest read counts
    from (
        {{ deduplicate('social_session_reads', 'account_key, row_key', 'snapshot_date desc, _line_no') }}
    ) as latest_reads
),

posts as (
    select
        post_key,
        brand_id,
        platform,
        utm_content,
        utm_campaign
    from {{ ref('int_posts') }}
    where utm_content is not null
),

-- the day's link clicks of each post: the increase of its lifetime counter (publication day: all of it)
daily_clicks as (
    select
        post_key,
        snapshot_date,
        case
            when snapshot_date = cast(published_at_utc as date) then link_clicks
            when
                lag(snapshot_date) over (partition by post_key order by snapshot_date)
                = {{ add_days('snapshot_date', -1) }}
                then link_clicks - lag(link_clicks) over (partition by post_key order by snapshot_date)
        end as link_clicks
    from {{ ref('int_post_snapshots_unioned') }}
),

post_days as (
    select
        social_sessions.session_date,
        social_sessions.brand_id,
        posts.platform,
        posts.utm_campaign,
        posts.post_key,
        posts.utm_content,
        sum(social_sessions.sessions) as sessions,
        sum(social_sessions.conversions) as conversions,
        sum(social_sessions.revenue) as revenue
    from social_sessions
    inner join posts
        on social_sessions.brand_id = posts.brand_id
        and social_sessions.session_ad_content = posts.utm_content
    group by 1, 2, 3, 4, 5, 6
),

post_rows as (
    select
        'post' as grain,
        post_days.*,
        daily_clicks.link_clicks
    from post_days
    left join daily_clicks
        on post_days.post_key = daily_clicks.post_key
        and post_days.session_date = daily_clicks.snapshot_date
),

campaign_rows as (
    select
        'campaign' as grain,
        session_date,
        brand_id,
        cast(null as {{ dbt.type_string() }}) as platform,
        session_campaign as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as post_key,
        cast(null as {{ dbt.type_string() }}) as utm_content,
        sum(sessions) as sessions,
        sum(conversions) as conversions,
        sum(revenue) as revenue
    from social_sessions
    where session_campaign is not null
    group by 1, 2, 3, 4, 5, 6, 7
),

-- the day's link clicks of all the brand's posts of a campaign or platform; NULL if none reports them
brand_clicks as (
    select
        daily_clicks.snapshot_date as session_date,
        all_posts.brand_id,
        all_posts.platform,
        all_posts.utm_campaign,
        daily_clicks.link_clicks
    from daily_clicks
    inner join {{ ref('int_posts') }} as all_posts on daily_clicks.post_key = all_posts.post_key
),

campaign_clicks as (
    select
        session_date,
        brand_id,
        utm_campaign,
        sum(link_clicks) as link_clicks
    from brand_clicks
    where utm_campaign is not null
    group by 1, 2, 3
),

platform_rows as (
    select
        'platform' as grain,
        session_date,
        brand_id,
        platform,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as post_key,
        cast(null as {{ dbt.type_string() }}) as utm_content,
        sum(sessions) as sessions,
        sum(conversions) as conversions,
        sum(revenue) as revenue
    from social_sessions
    group by 1, 2, 3, 4, 5, 6, 7
),

platform_clicks as (
    select
        session_date,
        brand_id,
        platform,
        sum(link_clicks) as link_clicks
    from brand_clicks
    group by 1, 2, 3
),

unioned as (
    select
        grain,
        session_date,
        brand_id,
        platform,
        utm_campaign,
        post_key,
        utm_content,
        sessions,
        conversions,
        revenue,
        link_clicks
    from post_rows
    union all
    select
        campaign_rows.grain,
        campaign_rows.session_date,
        campaign_rows.brand_id,
        campaign_rows.platform,
        campaign_rows.utm_campaign,
        campaign_rows.post_key,
        campaign_rows.utm_content,
        campaign_rows.sessions,
        campaign_rows.conversions,
        campaign_rows.revenue,
        campaign_clicks.link_clicks
    from campaign_rows
    left join campaign_clicks
        on campaign_rows.session_date = campaign_clicks.session_date
        and campaign_rows.brand_id = campaign_clicks.brand_id
        and campaign_rows.utm_campaign = campaign_clicks.utm_campaign
    union all
    select
        platform_rows.grain,
        platform_rows.session_date,
        platform_rows.brand_id,
        platform_rows.platform,
        platform_rows.utm_campaign,
        platform_rows.post_key,
        platform_rows.utm_content,
        platform_rows.sessions,
        platform_rows.conversions,
        platform_rows.revenue,
        platform_clicks.link_clicks
    from platform_rows
    left join platform_clicks
        on platform_rows.session_date = platform_clicks.session_date
        and platform_rows.brand_id = platform_clicks.brand_id
        and platform_rows.platform = platform_clicks.platform
)

select
    grain || '|' || brand_id || '|' || {{ to_text('session_date') }} || '|'
    || case grain when 'post' then post_key when 'campaign' then utm_campaign else platform end
        as conversion_key,
    grain,
    session_date,
    brand_id,
    platform,
    utm_campaign,
    post_key,
    utm_content,
    sessions,
    conversions,
    revenue,
    link_clicks,
    {{ ratio('conversions', 'sessions') }} as conversion_rate,
    {{ ratio('sessions', 'link_clicks') }} as click_to_session_rate
from unioned
