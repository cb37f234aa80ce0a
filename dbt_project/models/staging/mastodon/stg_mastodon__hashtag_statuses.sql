{#- Statuses on a campaign hashtag's timeline; _parent_id is the hashtag searched. Same columns as
    stg_mastodon__mentions, which reads the status nested in a mention notification. -#}
with source as (
    select * from {{ source_if_exists('raw', 'mastodon__hashtag_statuses') }}
),

renamed as (
    select
        {{ mastodon_status_columns() }},
        _line_no
    from source
)

select * from renamed
