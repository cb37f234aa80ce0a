with accounts as (
    select * from {{ ref('stg_config__accounts') }}
)

select
    -- ids
    account_key,
    brand_id,
    platform,
    platform_account_id,
    -- attributes
    handle,
    brand_name,
    account_timezone,
    brand_language,
    -- whether the platform's comments are read: where not, inbound and sentiment figures are NULL in the marts
    {{ reads_comments('platform') }} as reads_comments
from accounts
-- a web analytics property (ga4) is configured like an account but is not a social one
where platform <> 'ga4'
