{#- One row per post per day, from its publication day (account time zone) to the last night it was read.
    A counter's value on a day is the last snapshot taken on or before it (metric contract).
    Incremental: a nightly run recomputes only the days from its logical date minus the lookback window
    (re-read counters restate those days), from the full snapshot history of the posts concerned, so it
    gives the same rows as a full refresh. Without a logical_date var it recomputes everything. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{% if is_incremental() %}delete from {{ this }} where date_day >= " ~ reprocess_from() ~ "{% endif %}"],
) }}
{%- set lifetime_counters = [
    'likes', 'comments', 'shares', 'saves', 'engagements', 'impressions', 'reach', 'link_clicks', 'video_views',
] %}

with posts as (
    select * from {{ ref('int_posts') }}
),

snapshots as (
    select * from {{ ref('int_post_snapshots_unioned') }}
),

last_read as (
    select
        post_key,
        max(snapshot_date) as last_snapshot_date
    from snapshots
    group by post_key
    {% if is_incremental() %}
    having max(snapshot_date) >= {{ reprocess_from() }}
    {% endif %}
),

post_days as (
    select
        posts.post_key,
        posts.account_key,
        posts.platform,
        posts.published_date,
        posts.followers_at_publication,
        {{ explode_days('posts.published_date', 'last_read.last_snapshot_date') }} as date_day
    from posts
    inner join last_read on posts.post_key = last_read.post_key
),

carried as (
    select
        post_days.*,
        {%- for counter in lifetime_counters %}
        {{ last_value_ignore_nulls('snapshots.' ~ counter) }} over days_so_far as {{ counter }},
        {%- endfor %}
        max(snapshots.snapshot_date) over days_so_far as snapshot_date
    from post_days
    left join snapshots
        on post_days.post_key = snapshots.post_key and post_days.date_day = snapshots.snapshot_date
    window days_so_far as (
        partition by post_days.post_key order by post_days.date_day
        rows between unbounded preceding and current row
    )
),

gained as (
    select
        *,
        -- the increase over the day before; until a counter is first known, from zero. A post published in
        -- the local evening west of UTC is first read on the next UTC night: its first counters are all gained
        -- that day, not lost to a NULL day before.
        likes - coalesce(lag(likes) over by_day, 0) as likes_gained,
        comments - coalesce(lag(comments) over by_day, 0) as comments_gained,
        shares - coalesce(lag(shares) over by_day, 0) as shares_gained,
        saves - coalesce(lag(saves) over by_day, 0) as saves_gained,
        engagements - coalesce(lag(engagements) over by_day, 0) as engagements_gained,
        impressions - coalesce(lag(impressions) over by_day, 0) as impressions_gained,
        reach - coalesce(lag(reach) over by_day, 0) as reach_gained
    from carried
    window by_day as (partition by post_key order by date_day)
)

select
    -- ids
    {{ dbt.concat(['post_key', "'|'", to_text('date_day')]) }} as post_day_key,
    post_key,
    account_key,
    platform,
    -- timestamps
    date_day,
    published_date,
    {{ dbt.datediff(
        'published_date', 'date_day', 'day'
    ) }} as days_since_publication,
    snapshot_date as counters_read_on,
    -- lifetime counters as of the day
    likes,
    comments,
    shares,
    saves,
    engagements,
    impressions,
    reach,
    link_clicks,
    video_views,
    -- the day's increases
    likes_gained,
    comments_gained,
    shares_gained,
    saves_gained,
    engagements_gained,
    impressions_gained,
    reach_gained,
    -- rates (fractions; NULL where an input is unreported or a denominator is zero)
    followers_at_publication,
    {{ ratio('engagements', 'followers_at_publication') }} as engagement_rate,
    {{ ratio('engagements', 'impressions') }} as engagement_rate_by_impressions,
    {{ ratio('engagements', 'reach') }} as engagement_rate_by_reach,
    {{ ratio('likes', 'followers_at_publication') }} as applause_rate,
    {{ ratio('comments', 'followers_at_publication') }} as conversation_rate,
    {{ ratio('shares', 'followers_at_publication') }} as amplification_rate,
    {{ ratio('shares', 'impressions') }} as virality_rate
from gained
{% if is_incremental() %}
where date_day >= {{ reprocess_from() }}
{% endif %}
