with source as (
    select * from {{ source_if_exists('raw', 'bluesky__replies') }}
),

renamed as (
    select
        -- ids
        'bluesky:' || {{ json_text('payload', 'uri') }} as reply_key,
        'bluesky:' || _account_id as account_key,
        {{ json_text('payload', 'uri') }} as reply_uri,
        {{ json_text('payload', 'record.reply.root.uri') }} as root_uri,
        {{ json_text('payload', 'record.reply.parent.uri') }} as parent_uri,
        _parent_id as thread_root_uri,
        {{ json_text('payload', 'author.did') }} as author_did,
        {{ json_text('payload', 'author.handle') }} as author_handle,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'record.createdAt')) }} as created_at_utc,
        -- attributes
        coalesce({{ json_text('payload', 'author.did') }} = _account_id, false) as is_from_brand,
        {{ json_text('payload', 'record.text') }} as reply_text,
        {{ json_text('payload', 'record.langs[0]') }} as declared_language,
        -- facts
        {{ json_number('payload', 'likeCount') }} as likes,
        {{ json_number('payload', 'replyCount') }} as replies,
        _line_no
    from source
)

select * from renamed
