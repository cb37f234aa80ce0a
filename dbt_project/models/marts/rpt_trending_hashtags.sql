{#- One row per brand, hashtag and day D (window_end_date, from the hashtag's first use to the last night read)
    on which others' posts that mention the brand used the hashtag in the 7 days ending D (D-6 to D, brand time
    zone): uses in those 7 days against the 7 before (D-13 to D-7). growth = uses - uses_before, growth_rate =
    growth / uses_before (NULL when uses_before is 0). A hashtag trends with at least 10 uses in the 7 days
    ending D; trend_rank orders the brand's trending hashtags of D by growth, then uses, then hashtag. The row
    of the logical date is the contract's trending list of that night. -#}
with accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

last_night as (
    select max(last_seen_date) as last_date from {{ ref('int_community_posts') }}
),

uses as (
    -- one use per post and hashtag, whichever of the brand's accounts found it
    select distinct
        hashtags.brand_id,
        hashtags.hashtag,
        hashtags.community_post_key,
        cast({{ to_local('hashtags.created_at_utc', 'accounts.account_timezone') }} as date) as use_date
    from {{ ref('int_community_post_hashtags') }} as hashtags
    inner join accounts on hashtags.account_key = accounts.account_key
    where hashtags.mentions_brand
),

daily as (
    select
        brand_id,
        hashtag,
        use_date,
        count(*) as uses
    from uses
    group by brand_id, hashtag, use_date
),

offsets as (
    {{ integer_series('days_after', 0, 13) }}
),

-- a day's uses count in the windows ending 0 to 6 days later, and as the window before those ending 7 to 13
windowed as (
    select
        daily.brand_id,
        daily.hashtag,
        {{ add_days('daily.use_date', 'offsets.days_after') }} as window_end_date,
        cast(sum(case when offsets.days_after <= 6 then daily.uses else 0 end) as bigint) as uses,
        cast(sum(case when offsets.days_after >= 7 then daily.uses else 0 end) as bigint) as uses_before
    from daily
    cross join offsets
    group by daily.brand_id, daily.hashtag, {{ add_days('daily.use_date', 'offsets.days_after') }}
),

rated as (
    select
        windowed.brand_id,
        windowed.hashtag,
        windowed.window_end_date,
        windowed.uses,
        windowed.uses_before,
        windowed.uses - windowed.uses_before as growth,
        {{ ratio('windowed.uses - windowed.uses_before', 'windowed.uses_before') }} as growth_rate,
        windowed.uses >= 10 as is_trending
    from windowed
    cross join last_night
    where windowed.uses >= 1 and windowed.window_end_date <= last_night.last_date
)

select
    -- ids
    {{ dbt.concat(['brand_id', "'|'", 'hashtag', "'|'", to_text('window_end_date')]) }} as brand_hashtag_week_key,
    brand_id,
    hashtag,
    -- the 7 days: week_start (D-6) to window_end_date (D)
    {{ add_days('window_end_date', -6) }} as week_start,
    window_end_date,
    -- facts
    uses,
    uses_before as uses_week_before,
    uses_before,
    growth,
    growth_rate,
    is_trending,
    -- 1 = the brand's trending hashtag of D with the largest growth (then the most uses, then by name)
    case
        when is_trending
            then
                row_number() over (
                    partition by brand_id, window_end_date, is_trending
                    order by growth desc, uses desc, hashtag asc
                )
    end as trend_rank
from rated
