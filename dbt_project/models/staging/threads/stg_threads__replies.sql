with source as (
    select * from {{ source_if_exists('raw', 'threads__replies') }}
),

renamed as (
    select
        -- ids
        'threads:' || {{ json_text('payload', 'id') }} as reply_key,
        'threads:' || _parent_id as post_key,
        'threads:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as media_id,
        {{ json_text('payload', 'replied_to.id') }} as replied_to_id,
        coalesce({{ json_text('payload', 'root_post.id') }}, _parent_id) as root_post_id,
        -- the author: only a username (public profiles and the brand's own), hashed downstream
        {{ json_text('payload', 'username') }} as author_username,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'timestamp')) }} as created_at_utc,
        -- attributes
        {{ json_text('payload', 'text') }} as reply_text,
        {{ json_text('payload', 'hide_status') }} as hide_status,
        _line_no
    from source
)

select * from renamed
