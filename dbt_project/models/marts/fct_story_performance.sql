{#- One row per story (Instagram and Facebook): its values at its last capture with insights, usually a few hours
    before it expired, the only final values an API gives (stories and their insights live 24 hours), and its own
    rates: completion, exit, taps forward and back. The metric contract's vocabulary for stories is in
    _marts__stories.yml. -#}
with captures as (
    select * from {{ ref('int_story_captures') }}
),

final as (
    {{ deduplicate('captures', 'story_key', 'has_insights desc, captured_at_utc desc') }}
),

capture_counts as (
    select
        story_key,
        count(*) as captures,
        min(captured_at_utc) as first_captured_at_utc,
        max(captured_at_utc) as last_captured_at_utc
    from captures
    group by story_key
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

measured as (
    select
        final.story_key,
        final.account_key,
        accounts.brand_id,
        final.platform,
        'story' as content_type,
        final.media_type,
        final.published_at_utc,
        {{ to_local('final.published_at_utc', 'accounts.account_timezone') }} as published_at_local,
        final.permalink,
        capture_counts.captures,
        capture_counts.first_captured_at_utc,
        capture_counts.last_captured_at_utc,
        final.has_insights,
        case when final.has_insights then final.captured_at_utc end as insights_captured_at_utc,
        case
            when final.has_insights
                then cast({{ seconds_between('final.published_at_utc', 'final.captured_at_utc') }} as double) / 3600
        end as insights_age_hours,
        final.views,
        final.reach,
        final.replies,
        final.shares,
        final.follows,
        final.profile_visits,
        final.taps_forward,
        final.taps_back,
        final.exits,
        final.swipes_forward,
        {{ sum_reported(['final.replies', 'final.shares']) }} as engagements
    from final
    inner join capture_counts on final.story_key = capture_counts.story_key
    inner join accounts on final.account_key = accounts.account_key
)

select
    *,
    cast(published_at_local as date) as published_date,
    {{ ratio('exits', 'views') }} as exit_rate,
    1 - {{ ratio('exits + swipes_forward', 'views') }} as completion_rate,
    {{ ratio('taps_forward', 'views') }} as tap_forward_rate,
    {{ ratio('taps_back', 'views') }} as tap_back_rate,
    {{ ratio('engagements', 'reach') }} as engagement_rate_by_reach
from measured
