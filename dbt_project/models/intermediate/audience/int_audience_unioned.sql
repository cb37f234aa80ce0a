{#- One row per account, night, demographic dimension and value: the followers the platform counts in it. Each
    platform's own breakdowns under shared dimension names where they mean the same (country), its own values:
    LinkedIn's facets (country, region, job_function, industry, seniority, company_size, association; values are
    LinkedIn's URNs and codes) and Instagram's breakdowns (age, gender, country, city; ISO country codes). -#}
select
    account_key,
    'linkedin' as platform,
    snapshot_date,
    dimension,
    dimension_value,
    followers
from {{ ref('stg_linkedin__follower_demographics') }}
union all
select
    account_key,
    'instagram' as platform,
    snapshot_date,
    dimension,
    dimension_value,
    followers
from {{ ref('stg_instagram__follower_demographics') }}
