{#- Instagram media and their insights for one night, on the contract's columns.
    Meta retired media impressions in 2025 (Graph v22+): `views` stands in for impressions. For a video or a
    reel, the same `views` (plays before 2025) are its video views too (metric contract, settled readings). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=nightly_strategy(),
    partition_by=night_partition(),
    on_schema_change='fail',
    pre_hook=[delete_reprocessed_nights()],
) }}
with media as (
    -- a record read twice in one night (paging overlap) counts once
    {{ deduplicate(nights_of(ref('stg_instagram__media')), 'post_key, snapshot_date', '_line_no') }}
),

insights as (
    select
        post_key,
        snapshot_date,
        max(case when metric_name = 'reach' then metric_value end) as reach,
        max(case when metric_name = 'views' then metric_value end) as views,
        max(case when metric_name = 'impressions' then metric_value end) as legacy_impressions,
        max(case when metric_name = 'plays' then metric_value end) as legacy_plays,
        max(case when metric_name = 'saved' then metric_value end) as saves,
        max(case when metric_name = 'shares' then metric_value end) as shares
    from {{ nights_of(ref('stg_instagram__media_insights')) }}
    group by post_key, snapshot_date
),

joined as (
    select
        media.post_key,
        media.account_key,
        'instagram' as platform,
        media.snapshot_date,
        media.published_at_utc,
        media.content_type,
        media.post_text,
        media.permalink,
        cast(null as {{ dbt.type_string() }}) as link_url,
        media.likes,
        media.comments,
        insights.shares,
        insights.saves,
        coalesce(insights.views, insights.legacy_impressions) as impressions,
        insights.reach,
        cast(null as bigint) as link_clicks,
        case
            when {{ is_video_type('media.content_type') }} then coalesce(insights.views, insights.legacy_plays)
        end as video_views
    from media
    left join insights
        on media.post_key = insights.post_key and media.snapshot_date = insights.snapshot_date
)

select * from joined
