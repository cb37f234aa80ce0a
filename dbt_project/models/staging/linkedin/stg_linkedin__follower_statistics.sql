{#- The lifetime facets the API breaks followers down by. Each lists its top 100 values only, and a facet's
    organicFollowerCount is already the total of organic and paid followers (paidFollowerCount is not to be read
    for demographics): summing organic and paid would count paid followers twice. The facets:
    linkedin_follower_facets() (macros/staging_columns.sql). -#}
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
        -- facts: the organization's follower total (networkSizes, which the extractor attaches)
        {{ json_number('payload', 'networkSize.firstDegreeSize') }} as network_followers,
        -- the country facet: every follower has one country, so it covers all but those beyond its top 100
        {{ json_array_sum('payload', 'followerCountsByGeoCountry[*].followerCounts.organicFollowerCount') }}
            as organic_followers,
        {{ json_array_sum('payload', 'followerCountsByGeoCountry[*].followerCounts.paidFollowerCount') }}
            as paid_followers,
        -- the largest facet present, when networkSizes was not read: a lower bound of the total
        greatest(
            {%- for _, facet, _ in linkedin_follower_facets() %}
            {{ json_array_sum('payload', facet ~ '[*].followerCounts.organicFollowerCount') }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        ) as facet_followers,
        _line_no
    from source
)

select
    *,
    coalesce(network_followers, facet_followers) as followers
from renamed
