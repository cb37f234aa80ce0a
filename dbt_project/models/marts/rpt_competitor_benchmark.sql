{#- One row per brand, account and week (Monday to Sunday in the brand's time zone): the brand's own accounts and
    its rivals (brands[].rivals) side by side, on each platform where the brand has rivals, measured alike on
    what a public profile shows: followers at the week's last read and their growth since the week before,
    posts published in the week, their public engagements at their latest read (likes and comments; plus shares,
    reblogs or reposts where they are public: not on Instagram or YouTube) per post, and that per follower. -#}
with accounts as (
    select * from {{ ref('dim_accounts') }}
),

rival_accounts as (
    select * from {{ ref('int_rival_accounts') }}
),

rival_posts as (
    select * from {{ ref('int_rival_posts') }}
),

-- the platforms of each brand that has rivals on them: its own accounts there join the benchmark
benchmarked as (
    select distinct
        accounts.brand_id,
        rival_accounts.platform
    from rival_accounts
    inner join accounts on rival_accounts.reading_account_key = accounts.account_key
),

followers as (
    select
        accounts.brand_id,
        rival_accounts.platform,
        rival_accounts.rival_key as account_key,
        false as is_own,
        rival_accounts.handle,
        rival_accounts.display_name,
        rival_accounts.snapshot_date,
        rival_accounts.followers
    from rival_accounts
    inner join accounts on rival_accounts.reading_account_key = accounts.account_key
    union all
    select
        accounts.brand_id,
        accounts.platform,
        accounts.account_key,
        true as is_own,
        accounts.handle,
        accounts.brand_name as display_name,
        snapshots.snapshot_date,
        snapshots.followers
    from {{ ref('int_account_snapshots_unioned') }} as snapshots
    inner join accounts on snapshots.account_key = accounts.account_key
    inner join benchmarked on accounts.brand_id = benchmarked.brand_id and accounts.platform = benchmarked.platform
),

-- each account's last read of each week
weekly_followers as (
    select
        brand_id,
        platform,
        account_key,
        is_own,
        handle,
        display_name,
        week_start,
        snapshot_date as followers_as_of,
        followers
    from (
        select
            *,
            {{ week_start('snapshot_date') }} as week_start,
            row_number() over (
                partition by brand_id, account_key, {{ week_start('snapshot_date') }}
                order by snapshot_date desc
            ) as read_in_week
        from followers
        where followers is not null
    ) as ranked
    where read_in_week = 1
),

posts as (
    select
        accounts.brand_id,
        rival_posts.rival_key as account_key,
        cast({{ to_local('rival_posts.published_at_utc', 'accounts.account_timezone') }} as date) as published_date,
        {{ sum_reported(['rival_posts.likes', 'rival_posts.comments', 'rival_posts.shares']) }} as public_engagements
    from rival_posts
    inner join accounts on rival_posts.reading_account_key = accounts.account_key
    union all
    select
        own.brand_id,
        own.account_key,
        own.published_date,
        -- the same public counts as a rival's: Instagram and YouTube show likes and comments, not shares
        case
            when own.platform in ('instagram', 'youtube') then {{ sum_reported(['own.likes', 'own.comments']) }}
            else {{ sum_reported(['own.likes', 'own.comments', 'own.shares']) }}
        end as public_engagements
    from {{ ref('dim_posts') }} as own
    inner join benchmarked on own.brand_id = benchmarked.brand_id and own.platform = benchmarked.platform
),

weekly_posts as (
    select
        brand_id,
        account_key,
        {{ week_start('published_date') }} as week_start,
        count(*) as posts_published,
        sum(public_engagements) as public_engagements,
        count(public_engagements) as posts_with_engagements
    from posts
    where published_date is not null
    group by 1, 2, 3
),

joined as (
    select
        weekly_followers.*,
        coalesce(weekly_posts.posts_published, 0) as posts_published,
        weekly_posts.public_engagements,
        weekly_posts.posts_with_engagements,
        lag(weekly_followers.followers) over (
            partition by weekly_followers.brand_id, weekly_followers.account_key order by weekly_followers.week_start
        ) as previous_followers,
        lag(weekly_followers.week_start) over (
            partition by weekly_followers.brand_id, weekly_followers.account_key order by weekly_followers.week_start
        ) as previous_week_start
    from weekly_followers
    left join weekly_posts
        on weekly_followers.brand_id = weekly_posts.brand_id
        and weekly_followers.account_key = weekly_posts.account_key
        and weekly_followers.week_start = weekly_posts.week_start
)

select
    -- ids
    {{ dbt.concat(['brand_id', "'|'", 'account_key', "'|'", to_text('week_start')]) }} as benchmark_key,
    brand_id,
    platform,
    account_key,
    is_own,
    handle,
    display_name,
    -- dates
    week_start,
    {{ add_days('week_start', 6) }} as week_end,
    followers_as_of,
    -- facts
    followers,
    case
        when previous_week_start = {{ add_days('week_start', -7) }} then followers - previous_followers
    end as follower_growth,
    posts_published,
    public_engagements,
    {{ ratio('public_engagements', 'posts_with_engagements') }} as engagements_per_post,
    {{ ratio(ratio('public_engagements', 'posts_with_engagements'), 'followers') }} as engagement_rate_by_followers
from joined
