{#- One row per story and night (the UTC date of its captures), on the post snapshots' columns: the night's last
    capture with insights (or its last capture), so that stories join the post facts as content type `story`
    (int_post_snapshots_unioned). A story's views stand in for impressions, as a post's (and are its video views
    when it is a video); its replies are its comments (the contract: comments and replies on the post). -#}
with ranked as (
    {{ deduplicate(ref('int_story_captures'), 'story_key, snapshot_date',
                   'has_insights desc, captured_at_utc desc') }}
)

select
    story_key as post_key,
    account_key,
    platform,
    snapshot_date,
    published_at_utc,
    'story' as content_type,
    story_text as post_text,
    permalink,
    cast(null as {{ dbt.type_string() }}) as link_url,
    cast(null as bigint) as likes,
    replies as comments,
    shares,
    cast(null as bigint) as saves,
    views as impressions,
    reach,
    cast(null as bigint) as link_clicks,
    case when media_type = 'video' then views end as video_views
from ranked
