{#- One row per account, night, demographic dimension and value: the followers the platform counts in it. Each
    platform's own breakdowns, under shared dimension names (country, region, job_function, industry, seniority,
    company_size, association today: LinkedIn's). -#}
select
    account_key,
    'linkedin' as platform,
    snapshot_date,
    dimension,
    dimension_value,
    followers
from {{ ref('stg_linkedin__follower_demographics') }}
