{#- One row per alert: a negative spike (crisis) or a reach drop (algorithm change) of an account on a day,
    with its severity and the figures behind it, exactly as the metric contract defines them. -#}
{#- the first day of the 7 days ending D-1 -#}
{%- set recent_start = add_days('account_days.date_day', -7) %}
{#- the 7 days ending D-1 and the 28 days before them: D-35 to D-1 -#}
{%- set window_start = add_days('account_days.date_day', -35) %}
{%- set window_end = add_days('account_days.date_day', -1) %}
with account_days as (
    select
        account_key,
        brand_id,
        platform,
        date_day
    from {{ ref('fct_account_daily') }}
),

negatives as (
    select
        account_days.*,
        -- unknown (NULL: no alert) where the platform's comments are not read
        case when {{ reads_comments('account_days.platform') }} then coalesce(sentiment.negative_items, 0) end
            as negative_items
    from account_days
    left join {{ ref('rpt_sentiment_daily') }} as sentiment
        on account_days.account_key = sentiment.account_key
        and account_days.date_day = sentiment.date_day
        and sentiment.language = 'all'
),

negative_baseline as (
    select
        *,
        avg(negative_items) over prior_28_days as baseline_mean,
        stddev_samp(negative_items) over prior_28_days as baseline_stddev,
        count(*) over prior_28_days as baseline_days
    from negatives
    window prior_28_days as (partition by account_key order by date_day rows between 28 preceding and 1 preceding)
),

negative_spikes as (
    select
        'negative_spike' as alert_type,
        account_key,
        brand_id,
        platform,
        date_day,
        (negative_items - baseline_mean) / nullif(baseline_stddev, 0) as severity,
        cast(negative_items as double) as observed_value,
        baseline_mean as baseline_value,
        baseline_stddev,
        cast(null as bigint) as window_posts,
        cast(null as bigint) as baseline_posts
    from negative_baseline
    where
        baseline_days = 28
        and negative_items >= 20
        and negative_items > baseline_mean + 3 * coalesce(baseline_stddev, 0)
),

posts as (
    select
        account_key,
        published_date,
        organic_reach_rate_d1
    from {{ ref('dim_posts') }}
    where organic_reach_rate_d1 is not null
),

reach_windows as (
    select
        account_days.account_key,
        account_days.brand_id,
        account_days.platform,
        account_days.date_day,
        {{ median_of("case when posts.published_date >= " ~ recent_start ~ " then posts.organic_reach_rate_d1 end") }}
            as recent_median,
        count(case when posts.published_date >= {{ recent_start }} then 1 end) as recent_posts,
        {{ median_of("case when posts.published_date < " ~ recent_start ~ " then posts.organic_reach_rate_d1 end") }}
            as baseline_median,
        count(case when posts.published_date < {{ recent_start }} then 1 end) as baseline_posts
    from account_days
    inner join posts
        on account_days.account_key = posts.account_key
        -- the 7 days ending D-1, and the 28 days before them
        and posts.published_date between {{ window_start }} and {{ window_end }}
    group by account_days.account_key, account_days.brand_id, account_days.platform, account_days.date_day
),

reach_drops as (
    select
        'reach_drop' as alert_type,
        account_key,
        brand_id,
        platform,
        date_day,
        1 - recent_median / baseline_median as severity,
        recent_median as observed_value,
        baseline_median as baseline_value,
        cast(null as double) as baseline_stddev,
        recent_posts as window_posts,
        baseline_posts
    from reach_windows
    where
        recent_posts >= 5 and baseline_posts >= 5 and baseline_median > 0
        and recent_median < 0.7 * baseline_median
),

alerts as (
    {{ union_all_columns(['negative_spikes', 'reach_drops'], [
        'alert_type', 'account_key', 'brand_id', 'platform', 'date_day', 'severity', 'observed_value',
        'baseline_value', 'baseline_stddev', 'window_posts', 'baseline_posts',
    ]) }}
)

select
    {{ dbt.concat(['alert_type', "'|'", 'account_key', "'|'", to_text('date_day')]) }} as alert_key,
    alert_type,
    account_key,
    brand_id,
    platform,
    date_day,
    severity,
    observed_value,
    baseline_value,
    baseline_stddev,
    window_posts,
    baseline_posts
from alerts
