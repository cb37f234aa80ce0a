{#- A mention notification carries the whole status that mentions the account, under `status`; _parent_id is
    NULL. Same columns as stg_mastodon__hashtag_statuses. -#}
with source as (
    select * from {{ source_if_exists('raw', 'mastodon__mentions') }}
),

renamed as (
    select
        {{ mastodon_status_columns('status.') }},
        _line_no
    from source
    where {{ json_text('payload', 'type') }} = 'mention'
)

select * from renamed
