with source as (
    select * from {{ source('raw', 'config__influencers') }}
),

renamed as (
    select
        -- ids
        platform || ':' || lower(handle) as influencer_key,
        brand_id,
        platform,
        -- attributes
        handle,
        lower(handle) as handle_normalized,
        currency,
        -- facts
        followers,
        fee
    from source
)

select * from renamed
