{#- One row per rival account and night: its public figures, every platform that serves them (Instagram's
    Business Discovery, Mastodon, Bluesky and X public profiles, YouTube channels), with the owned account that
    read it. -#}
{%- set platforms = ['instagram', 'mastodon', 'bluesky', 'x', 'youtube'] %}
{%- set models = {'instagram': 'stg_instagram__rival_accounts', 'mastodon': 'stg_mastodon__rival_accounts',
                  'bluesky': 'stg_bluesky__rival_profiles', 'x': 'stg_x__rival_users',
                  'youtube': 'stg_youtube__rival_channels'} %}
{% for platform in platforms %}
select
    rival_key,
    '{{ platform }}' as platform,
    reading_account_key,
    handle,
    display_name,
    snapshot_date,
    followers,
    posts_count
from {{ ref(models[platform]) }}
{%- if not loop.last %}
union all
{%- endif %}
{% endfor %}
