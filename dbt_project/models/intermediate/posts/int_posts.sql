{#- One row per post: its attributes from the latest night it was read, its publication time in the
    account's time zone, and the account's followers at the end of the day before it was published. -#}
{#- the URL posted where the text shortens it (X, Bluesky), else the text -#}
{%- set link_or_text = 'coalesce(latest.link_url, latest.post_text)' %}
with latest as (
    {{ deduplicate(ref('int_post_snapshots_unioned'), 'post_key', 'snapshot_date desc') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

localized as (
    select
        latest.post_key,
        latest.account_key,
        latest.platform,
        accounts.brand_id,
        accounts.account_timezone,
        latest.published_at_utc,
        {{ to_local('latest.published_at_utc', 'accounts.account_timezone') }} as published_at_local,
        latest.content_type,
        latest.post_text,
        latest.permalink,
        latest.link_url,
        -- the UTM tags of the post's link: the URL posted where the text shortens it (X, Bluesky), else the text
        {{ regex_first(link_or_text, 'utm_content=([A-Za-z0-9_\-]+)') }} as utm_content,
        {{ regex_first(link_or_text, 'utm_campaign=([A-Za-z0-9_\-]+)') }} as utm_campaign,
        {{ regex_all('lower(latest.post_text)', '#[\\p{L}\\p{N}_]+') }} as hashtags
    from latest
    inner join accounts on latest.account_key = accounts.account_key
),

followers_until_publication as (
    select
        localized.post_key,
        followers.snapshot_date,
        followers.followers
    from localized
    inner join {{ ref('int_account_snapshots_unioned') }} as followers
        on localized.account_key = followers.account_key
        and followers.snapshot_date <= {{ add_days('cast(localized.published_at_local as date)', -1) }}
),

followers_before as (
    {{ deduplicate('followers_until_publication', 'post_key', 'snapshot_date desc') }}
)

select
    localized.*,
    cast(localized.published_at_local as date) as published_date,
    {{ iso_weekday('localized.published_at_local') }} as published_weekday,
    extract(hour from localized.published_at_local) as published_hour,
    followers_before.followers as followers_at_publication
from localized
left join followers_before on localized.post_key = followers_before.post_key
