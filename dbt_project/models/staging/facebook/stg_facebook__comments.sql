with source as (
    select * from {{ source_if_exists('raw', 'facebook__comments') }}
),

renamed as (
    select
        -- ids
        'facebook:' || {{ json_text('payload', 'id') }} as comment_key,
        'facebook:' || _parent_id as post_key,
        'facebook:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as comment_id,
        {{ json_text('payload', 'parent.id') }} as parent_comment_id,
        {{ json_text('payload', 'from.id') }} as author_id,
        {{ json_text('payload', 'from.name') }} as author_name,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'created_time')) }} as created_at_utc,
        -- attributes: the Page answers as itself, so its comments carry the page id
        coalesce({{ json_text('payload', 'from.id') }} = _account_id, false) as is_from_brand,
        {{ json_text('payload', 'message') }} as comment_text,
        -- facts
        {{ json_number('payload', 'like_count') }} as likes,
        {{ json_number('payload', 'comment_count') }} as replies,
        _line_no
    from source
)

select * from renamed
