with source as (
    select * from {{ source_if_exists('raw', 'bluesky__search') }}
),

renamed as (
    select
        -- ids
        'bluesky:' || {{ json_text('payload', 'uri') }} as post_key,
        'bluesky:' || _account_id as account_key,
        {{ json_text('payload', 'uri') }} as post_uri,
        {{ json_text('payload', 'record.reply.parent.uri') }} as reply_parent_uri,
        {{ json_text('payload', 'author.did') }} as author_did,
        {{ json_text('payload', 'author.handle') }} as author_handle,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'record.createdAt')) }} as created_at_utc,
        -- attributes: what was searched, `@<handle>` or a `#hashtag`
        _parent_id as searched,
        {{ json_text('payload', 'record.text') }} as post_text,
        {{ json_text('payload', 'record.langs[0]') }} as declared_language,
        -- facts: Bluesky sends no follower count with a post
        {{ json_number('payload', 'likeCount') }} as likes,
        {{ json_number('payload', 'replyCount') }} as replies,
        {{ json_number('payload', 'repostCount') }} as reposts,
        {{ json_number('payload', 'quoteCount') }} as quotes,
        _line_no
    from source
)

select * from renamed
