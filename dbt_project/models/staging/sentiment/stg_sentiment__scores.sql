{#- Ephemeral, not a view: the DAG builds the staging folder before its score_sentiment step, and on a new
    warehouse the cache tables do not exist yet then. Inlined, it is read when the marts build. -#}
{{ config(materialized='ephemeral') }}

with text_scores as (
    select * from {{ source('sentiment', 'text_scores') }}
),

scorer_in_use as (
    select * from {{ source('sentiment', 'scorer_in_use') }}
),

renamed as (
    select
        -- ids
        scorer_in_use.brand_id,
        text_scores.text_hash,
        text_scores.scorer,
        text_scores.scorer_version,
        -- attributes
        text_scores.language,
        text_scores.label,
        text_scores.unscored_reason,
        -- facts
        text_scores.score,
        -- timestamps
        text_scores.scored_at
    from text_scores
    -- the scores of each brand's scorer in use only: a text has a row per scorer version that scored it, and
    -- here a row per brand whose scorer in use that is
    inner join scorer_in_use
        on
        text_scores.scorer = scorer_in_use.scorer
        and text_scores.scorer_version = scorer_in_use.scorer_version
)

select * from renamed
