{#- One row per comment, reply or mention: where it was made, by whom (pseudonymous), its language and
    sentiment, and for inbound items the brand's first reply.
    Incremental: a night rewrites only the items first seen since its logical date minus the lookback window
    and the items a brand reply first seen then answers (their first reply may change); an item's text, and
    so its score, never changes. When a brand's sentiment scorer changes, the DAG's score_sentiment step drops
    this model (and the other incremental marts), so that the next build is a full one. -#}
{{ config(
    materialized=keyed_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=["{% if is_incremental() %}delete from {{ this }} where interaction_key in ("
              ~ "{{ interactions_changed_since(ref('int_interactions_unioned')) }}){% endif %}"],
) }}

with interactions as (
    select * from {{ ref('int_interactions_unioned') }}
),

accounts as (
    select * from {{ ref('stg_config__accounts') }}
),

scores as (
    -- the scores of the scorer in use (the DAG's score_sentiment step writes them)
    select * from {{ ref('stg_sentiment__scores') }}
),

first_replies as (
    select
        parent_interaction_key as interaction_key,
        min(created_at_utc) as first_brand_reply_at_utc
    from interactions
    where is_from_brand and parent_interaction_key is not null
    group by parent_interaction_key
)

select
    -- ids
    interactions.interaction_key,
    interactions.platform,
    interactions.account_key,
    accounts.brand_id,
    interactions.post_key,
    interactions.parent_interaction_key,
    interactions.author_id_hash,
    -- attributes
    interactions.interaction_type,
    interactions.is_from_brand,
    not interactions.is_from_brand as is_inbound,
    coalesce(scores.language, 'und') as language,
    scores.score as sentiment_score,
    coalesce(scores.label, 'unscored') as sentiment_label,
    -- timestamps
    interactions.created_at_utc,
    {{ to_local('interactions.created_at_utc', 'accounts.account_timezone') }} as created_at_local,
    cast({{ to_local('interactions.created_at_utc', 'accounts.account_timezone') }} as date) as created_date,
    first_replies.first_brand_reply_at_utc,
    -- facts
    case
        when not interactions.is_from_brand and first_replies.first_brand_reply_at_utc is not null
            -- a double on every engine (Spark would make `/ 60.0` a decimal of 6 places)
            then cast({{ dbt.datediff(
                'interactions.created_at_utc', 'first_replies.first_brand_reply_at_utc', 'second'
            ) }} as double) / 60
    end as first_response_minutes
from interactions
inner join accounts on interactions.account_key = accounts.account_key
left join scores on md5(interactions.text) = scores.text_hash and accounts.brand_id = scores.brand_id
left join first_replies
    on interactions.interaction_key = first_replies.interaction_key and not interactions.is_from_brand
{% if is_incremental() %}
where interactions.interaction_key in ({{ interactions_changed_since(ref('int_interactions_unioned')) }})
{% endif %}
