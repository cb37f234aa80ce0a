with source as (
    select * from {{ source_if_exists('raw', 'linkedin__comments') }}
),

renamed as (
    select
        -- ids
        coalesce({{ json_text('payload', 'commentUrn') }}, {{ json_text('payload', '"$URN"') }}) as comment_urn,
        'linkedin:' || _account_id as account_key,
        'linkedin:' || _parent_id as post_key,
        {{ json_text('payload', 'parentComment') }} as parent_comment_urn,
        {{ json_text('payload', 'actor') }} as author_urn,
        -- timestamps
        _logical_date as snapshot_date,
        {{ from_epoch_ms("cast(" ~ json_text('payload', 'created.time') ~ " as bigint)") }} as created_at_utc,
        -- attributes
        coalesce({{ json_text('payload', 'actor') }} = 'urn:li:organization:' || _account_id, false) as is_from_brand,
        {{ json_text('payload', 'message.text') }} as comment_text,
        _line_no
    from source
)

select * from renamed
