{#- One row per account, date, dimension and value: the account's followers in that demographic bucket, as the
    platform counted them that night, and their share of the account's followers. A platform that lists only its
    top values (LinkedIn: 100 per facet) or only the members who filled a field in leaves the shares summing below
    1; they are never scaled up. -#}
with audience as (
    select * from {{ ref('int_audience_unioned') }}
),

accounts as (
    select * from {{ ref('int_account_snapshots_unioned') }}
)

select
    -- ids
    {{ dbt.concat([
        'audience.account_key', "'|'", to_text('audience.snapshot_date'), "'|'", 'audience.dimension', "'|'",
        'audience.dimension_value',
    ]) }} as audience_key,
    audience.account_key,
    audience.platform,
    audience.snapshot_date as date_day,
    audience.dimension,
    audience.dimension_value,
    -- facts
    audience.followers,
    accounts.followers as account_followers,
    {{ ratio('audience.followers', 'accounts.followers') }} as share_of_followers
from audience
left join accounts
    on audience.account_key = accounts.account_key and audience.snapshot_date = accounts.snapshot_date
