{#- One row per brand, hashtag and week (Monday to Sunday, brand time zone): uses in others' posts that
    mention the brand that week, against the week before; growth = uses / uses the week before - 1. A
    hashtag trends when it has at least 10 uses; trend_rank orders the trending ones by growth. -#}
with accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

uses as (
    -- one use per post and hashtag, whichever of the brand's accounts found it
    select distinct
        hashtags.brand_id,
        hashtags.hashtag,
        hashtags.community_post_key,
        cast({{ dbt.date_trunc('week', to_local('hashtags.created_at_utc', 'accounts.account_timezone')) }} as date)
            as week_start
    from {{ ref('int_community_post_hashtags') }} as hashtags
    inner join accounts on hashtags.account_key = accounts.account_key
    where hashtags.mentions_brand
),

weekly as (
    select
        brand_id,
        hashtag,
        week_start,
        count(*) as uses
    from uses
    group by brand_id, hashtag, week_start
),

compared as (
    select
        this_week.brand_id,
        this_week.hashtag,
        this_week.week_start,
        this_week.uses,
        coalesce(week_before.uses, 0) as uses_week_before
    from weekly as this_week
    left join weekly as week_before
        on this_week.brand_id = week_before.brand_id
        and this_week.hashtag = week_before.hashtag
        and week_before.week_start = cast({{ dbt.dateadd('day', -7, 'this_week.week_start') }} as date)
),

rated as (
    select
        *,
        {{ ratio('uses', 'uses_week_before') }} - 1 as growth,
        uses >= 10 as is_trending
    from compared
)

select
    -- ids
    {{ dbt.concat(['brand_id', "'|'", 'hashtag', "'|'", to_text('week_start')]) }} as brand_hashtag_week_key,
    brand_id,
    hashtag,
    week_start,
    -- facts
    uses,
    uses_week_before,
    growth,
    is_trending,
    -- 1 = the fastest-growing trending hashtag of the brand's week; a hashtag new this week (no uses the
    -- week before, growth NULL) ranks before any growth
    case
        when is_trending
            then
                row_number() over (
                    partition by brand_id, week_start, is_trending
                    order by case when growth is null then 0 else 1 end asc, growth desc, uses desc, hashtag asc
                )
    end as trend_rank
from rated
