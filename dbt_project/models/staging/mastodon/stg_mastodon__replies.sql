with source as (
    select * from {{ source_if_exists('raw', 'mastodon__replies') }}
),

renamed as (
    select
        -- ids
        'mastodon:' || {{ json_text('payload', 'id') }} as reply_key,
        'mastodon:' || _parent_id as post_key,
        'mastodon:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as status_id,
        {{ json_text('payload', 'in_reply_to_id') }} as in_reply_to_id,
        _parent_id as root_status_id,
        {{ json_text('payload', 'account.id') }} as author_id,
        {{ json_text('payload', 'account.acct') }} as author_acct,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_at')) }} as created_at_utc,
        -- attributes: the brand answers from its own account, whose id is the owned account's
        coalesce({{ json_text('payload', 'account.id') }} = _account_id, false) as is_from_brand,
        {{ json_text('payload', 'content') }} as reply_html,
        coalesce(
            {{ json_text('payload', 'content_text') }}, trim({{ strip_html(json_text('payload', 'content')) }})
        ) as reply_text,
        {{ json_text('payload', 'language') }} as declared_language,
        -- facts
        {{ json_number('payload', 'favourites_count') }} as likes,
        {{ json_number('payload', 'replies_count') }} as replies,
        {{ json_number('payload', 'reblogs_count') }} as reblogs,
        _line_no
    from source
)

select * from renamed
