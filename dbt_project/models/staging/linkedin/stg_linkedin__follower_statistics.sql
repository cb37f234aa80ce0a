with source as (
    select * from {{ source_if_exists('raw', 'linkedin__follower_statistics') }}
),

renamed as (
    select
        -- ids
        'linkedin:' || _account_id as account_key,
        {{ json_text('payload', 'organizationalEntity') }} as organization_urn,
        -- timestamps
        _logical_date as snapshot_date,
        -- facts: lifetime counts by facet; every follower has exactly one country, so the country facet sums
        -- to the organization's followers (the other facets cover only part of them)
        {{ json_array_sum('payload', 'followerCountsByGeoCountry[*].followerCounts.organicFollowerCount') }}
            as organic_followers,
        {{ json_array_sum('payload', 'followerCountsByGeoCountry[*].followerCounts.paidFollowerCount') }}
            as paid_followers,
        _line_no
    from source
)

select
    *,
    organic_followers + coalesce(paid_followers, 0) as followers
from renamed
