with source as (
    select * from {{ source('raw', 'config__accounts') }}
),

renamed as (
    select
        -- ids
        account_key,
        platform,
        platform_account_id,
        brand_id,
        -- attributes
        handle,
        brand_name,
        timezone as account_timezone,
        brand_language
    from source
)

select * from renamed
