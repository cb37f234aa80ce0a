{#- raw.youtube__comment_threads flattened: the thread's top-level comment and its embedded replies. -#}
with source as (
    select * from {{ source_if_exists('raw', 'youtube__comment_threads') }}
),

top_level as (
    select
        {{ json_fragment('payload', 'snippet.topLevelComment') }} as comment,
        _account_id,
        _logical_date,
        _line_no
    from source
),

replies as (
    select
        {{ unnest_json_array('payload', 'replies.comments') }} as comment,
        _account_id,
        _logical_date,
        _line_no
    from source
),

comments as (
    select
        comment,
        _account_id,
        _logical_date,
        _line_no
    from top_level
    union all
    select
        comment,
        _account_id,
        _logical_date,
        _line_no
    from replies
),

renamed as (
    select
        -- ids
        'youtube:' || {{ json_text('comment', 'id') }} as comment_key,
        'youtube:' || _account_id as account_key,
        'youtube:' || {{ json_text('comment', 'snippet.videoId') }} as video_key,
        {{ json_text('comment', 'id') }} as comment_id,
        {{ json_text('comment', 'snippet.parentId') }} as parent_comment_id,
        {{ json_text('comment', 'snippet.authorChannelId.value') }} as author_channel_id,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('comment', 'snippet.publishedAt')) }} as created_at_utc,
        -- attributes
        coalesce({{ json_text('comment', 'snippet.authorChannelId.value') }} = _account_id, false) as is_from_brand,
        {{ json_text('comment', 'snippet.textOriginal') }} as comment_text,
        -- facts
        {{ json_number('comment', 'snippet.likeCount') }} as likes,
        _line_no
    from comments
)

select * from renamed
