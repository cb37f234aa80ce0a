with source as (
    select * from {{ source_if_exists('raw', 'ga4__sessions_daily') }}
),

renamed as (
    select
        -- ids
        'ga4:' || _account_id as account_key,
        {{ json_text('payload', 'property_id') }} as property_id,
        {{ json_text('payload', 'row_key') }} as row_key,
        -- timestamps: GA4's date is the property's local day (YYYYMMDD)
        {{ compact_date(json_text('payload', 'date')) }} as session_date,
        _logical_date as snapshot_date,
        -- attributes: '(not set)' is GA4's way of saying there is no value
        lower({{ json_text('payload', 'sessionSource') }}) as session_source,
        lower({{ json_text('payload', 'sessionMedium') }}) as session_medium,
        nullif({{ json_text('payload', 'sessionCampaignName') }}, '(not set)') as session_campaign,
        nullif({{ json_text('payload', 'sessionManualAdContent') }}, '(not set)') as session_ad_content,
        -- GA4's own channel of the session, as GA4 spells it ('Organic Social'); NULL in reads made before it was
        -- asked for
        {{ json_text('payload', 'sessionDefaultChannelGroup') }} as session_default_channel_group,
        {{ json_text('payload', 'currency') }} as currency,
        -- facts: strings in the API
        {{ json_number('payload', 'sessions') }} as sessions,
        {{ json_number('payload', 'keyEvents') }} as conversions,
        {{ json_number('payload', 'totalRevenue', 'double') }} as revenue,
        _line_no
    from source
)

select * from renamed
