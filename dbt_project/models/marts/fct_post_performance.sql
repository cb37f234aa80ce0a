{#- One row per post and observed day: a row carries only what a read produced (docs/DECISIONLOG.md, "A grain
    bounded by observation"). A post's days are
    - its publication day (account time zone), D+0, so that the account's posts published that day count it;
    - every day while it is re-read: from its first read to the end of its re-read period (the lookback window
      after publication, and at least to D+7 so that the contract's D+1 and D+7 values are rows), bounded by its
      last read; a day in it without a read (a failed night) carries the last snapshot, as the contract reads;
    - the day of each later read (an account's first night reads its whole history once).
    A counter's value on a day is the last snapshot taken on or before it (metric contract); a day's increase
    is taken against the post's previous row, so a later read's row gains everything since the last one.
    Incremental: a nightly run recomputes only the days from its logical date minus the lookback window
    (re-read counters restate those days), from the full snapshot history of the posts concerned, so it
    gives the same rows as a full refresh. Without a logical_date var it recomputes everything. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition('date_day'),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights('date_day')],
) }}
{#- A post published on local day P is re-read on the nights whose lookback window holds its UTC time: up to
    P + lookback_days (its UTC day can be P + 1). Its days run at least to the contract's D+1 and D+7. -#}
{%- set reread_days = [
    var('lookback_days') | int, var('benchmark_day') | int, var('alert_day') | int,
] | max %}
{%- set lifetime_counters = [
    'likes', 'comments', 'shares', 'saves', 'engagements', 'impressions', 'reach', 'link_clicks', 'video_views',
] %}

-- the increase of a counter before its first read: from zero while that read is by the day after publication
{%- set from_zero = 'case when date_day <= ' ~ add_days('published_date', 1) ~ ' then 0 end' %}
with posts as (
    select * from {{ ref('int_posts') }}
),

snapshots as (
    select * from {{ ref('int_post_snapshots_unioned') }}
),

reads as (
    -- each post's reads from its publication day on (a snapshot dated before it, UTC ahead of local, is none)
    select
        snapshots.post_key,
        min(snapshots.snapshot_date) as first_read,
        max(snapshots.snapshot_date) as last_read
    from snapshots
    inner join posts on snapshots.post_key = posts.post_key
    where snapshots.snapshot_date >= posts.published_date
    group by snapshots.post_key
    {% if is_incremental() %}
    having max(snapshots.snapshot_date) >= {{ reprocess_from() }}
    {% endif %}
),

read_posts as (
    select
        posts.post_key,
        posts.account_key,
        posts.platform,
        posts.published_date,
        posts.followers_at_publication,
        reads.first_read,
        -- the last day of the re-read period (D+{{ reread_days }}), never past the last read
        least(reads.last_read, {{ add_days('posts.published_date', reread_days) }}) as reread_until
    from posts
    inner join reads on posts.post_key = reads.post_key
),

observed_days as (
    select
        post_key,
        published_date as date_day
    from read_posts
    union
    select
        post_key,
        {{ explode_days('first_read', 'reread_until') }} as date_day
    from read_posts
    union
    select
        snapshots.post_key,
        snapshots.snapshot_date as date_day
    from snapshots
    inner join read_posts on snapshots.post_key = read_posts.post_key
    where snapshots.snapshot_date > read_posts.reread_until
),

post_days as (
    select
        read_posts.post_key,
        read_posts.account_key,
        read_posts.platform,
        read_posts.published_date,
        read_posts.followers_at_publication,
        observed_days.date_day
    from read_posts
    inner join observed_days on read_posts.post_key = observed_days.post_key
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
        -- the increase over the post's previous row (the day before while it is re-read, the previous read
        -- after). Until a counter is first known, from zero when that first read is by the day after
        -- publication: a post published in the local evening west of UTC is first read on the next UTC night,
        -- its first counters all gained that day, not lost to a NULL day before. A post first read later (an
        -- account's first night reading its history, a post found late) gained them on days no read saw: the
        -- first read's increase is unknown (NULL), not all of it on that day.
        likes - coalesce(lag(likes) over by_day, {{ from_zero }}) as likes_gained,
        comments - coalesce(lag(comments) over by_day, {{ from_zero }}) as comments_gained,
        shares - coalesce(lag(shares) over by_day, {{ from_zero }}) as shares_gained,
        saves - coalesce(lag(saves) over by_day, {{ from_zero }}) as saves_gained,
        engagements - coalesce(lag(engagements) over by_day, {{ from_zero }}) as engagements_gained,
        impressions - coalesce(lag(impressions) over by_day, {{ from_zero }}) as impressions_gained,
        reach - coalesce(lag(reach) over by_day, {{ from_zero }}) as reach_gained
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
