with source as (
    select * from {{ source_if_exists('raw', 'linkedin__share_statistics') }}
),

renamed as (
    select
        -- ids
        'linkedin:' || {{ json_text('payload', 'post_urn') }} as post_key,
        'linkedin:' || _account_id as account_key,
        {{ json_text('payload', 'post_urn') }} as post_urn,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts: lifetime totalShareStatistics
        {{ json_number('payload', 'totalShareStatistics.impressionCount') }} as impressions,
        {{ json_number('payload', 'totalShareStatistics.uniqueImpressionsCount') }} as unique_impressions,
        {{ json_number('payload', 'totalShareStatistics.clickCount') }} as clicks,
        {{ json_number('payload', 'totalShareStatistics.likeCount') }} as likes,
        {{ json_number('payload', 'totalShareStatistics.commentCount') }} as comments,
        {{ json_number('payload', 'totalShareStatistics.shareCount') }} as shares,
        {{ json_number('payload', 'totalShareStatistics.engagement', 'double') }} as engagement_rate,
        _line_no
    from source
)

select * from renamed
