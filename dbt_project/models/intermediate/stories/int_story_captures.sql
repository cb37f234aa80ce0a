{#- One row per story and intra-day capture (Instagram and Facebook), its insights as of that capture pivoted to
    columns: views, reach, replies, shares, follows, profile visits and the navigation actions. Facebook Page
    stories have no insights (NULL); an Instagram story seen by fewer than 5 people has none yet
    (has_insights false). Small (a few stories an account a day): rebuilt whole every run. -#}
with instagram_stories as (
    -- a story listed twice in one capture (paging overlap) counts once
    {{ deduplicate(ref('stg_instagram__stories'), 'story_key, captured_at_utc', '_line_no') }}
),

insights as (
    select
        story_key,
        captured_at_utc,
        max(case when metric_name = 'views' then metric_value end) as views,
        max(case when metric_name = 'reach' then metric_value end) as reach,
        max(case when metric_name = 'replies' then metric_value end) as replies,
        max(case when metric_name = 'shares' then metric_value end) as shares,
        max(case when metric_name = 'follows' then metric_value end) as follows,
        max(case when metric_name = 'profile_visits' then metric_value end) as profile_visits,
        max(case when metric_name = 'tap_forward' then metric_value end) as taps_forward,
        max(case when metric_name = 'tap_back' then metric_value end) as taps_back,
        max(case when metric_name = 'tap_exit' then metric_value end) as exits,
        max(case when metric_name = 'swipe_forward' then metric_value end) as swipes_forward
    from {{ ref('stg_instagram__story_insights') }}
    group by story_key, captured_at_utc
),

instagram as (
    select
        instagram_stories.story_key,
        instagram_stories.account_key,
        'instagram' as platform,
        instagram_stories.snapshot_date,
        instagram_stories.captured_at_utc,
        instagram_stories.published_at_utc,
        instagram_stories.media_type,
        instagram_stories.story_text,
        instagram_stories.permalink,
        insights.story_key is not null as has_insights,
        insights.views,
        insights.reach,
        insights.replies,
        insights.shares,
        insights.follows,
        insights.profile_visits,
        insights.taps_forward,
        insights.taps_back,
        insights.exits,
        insights.swipes_forward
    from instagram_stories
    left join insights
        on instagram_stories.story_key = insights.story_key
        and instagram_stories.captured_at_utc = insights.captured_at_utc
),

facebook as (
    select
        story_key,
        account_key,
        'facebook' as platform,
        snapshot_date,
        captured_at_utc,
        published_at_utc,
        media_type,
        cast(null as {{ dbt.type_string() }}) as story_text,
        permalink,
        false as has_insights,
        cast(null as bigint) as views,
        cast(null as bigint) as reach,
        cast(null as bigint) as replies,
        cast(null as bigint) as shares,
        cast(null as bigint) as follows,
        cast(null as bigint) as profile_visits,
        cast(null as bigint) as taps_forward,
        cast(null as bigint) as taps_back,
        cast(null as bigint) as exits,
        cast(null as bigint) as swipes_forward
    from ({{ deduplicate(ref('stg_facebook__stories'), 'story_key, captured_at_utc', '_line_no') }}) as deduplicated
)

select * from instagram
union all
select * from facebook
