with source as (
    select * from {{ source_if_exists('raw', 'instagram__comments') }}
),

-- the endpoint nests each top-level comment's replies under it: one row per comment or reply
replies as (
    select
        {{ unnest_json_array('source.payload', 'replies.data') }} as payload,
        {{ json_text('source.payload', 'id') }} as parent_comment_id,
        source._parent_id,
        source._account_id,
        source._logical_date,
        source._line_no
    from source
),

comments_and_replies as (
    select
        payload,
        cast(null as {{ dbt.type_string() }}) as parent_comment_id,
        _parent_id,
        _account_id,
        _logical_date,
        _line_no
    from source
    union all
    select
        payload,
        parent_comment_id,
        _parent_id,
        _account_id,
        _logical_date,
        _line_no
    from replies
),

renamed as (
    select
        -- ids
        'instagram:' || {{ json_text('payload', 'id') }} as comment_key,
        'instagram:' || _parent_id as post_key,
        'instagram:' || _account_id as account_key,
        {{ json_text('payload', 'id') }} as comment_id,
        parent_comment_id,
        {{ json_text('payload', 'username') }} as author_username,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', 'timestamp')) }} as created_at_utc,
        -- attributes
        {{ json_text('payload', 'text') }} as comment_text,
        -- facts
        {{ json_number('payload', 'like_count') }} as likes,
        _line_no
    from comments_and_replies
)

select * from renamed
