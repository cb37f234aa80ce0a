with source as (
    select * from {{ source('raw', 'config__campaign_hashtags') }}
),

renamed as (
    select
        -- ids
        campaign_id,
        brand_id,
        -- attributes: hashtags match case-insensitively, as the platforms' hashtag pages do
        hashtag,
        lower(hashtag) as hashtag_normalized,
        utm_campaign,
        -- dates, in the brand's time zone
        start_date,
        end_date
    from source
)

select * from renamed
