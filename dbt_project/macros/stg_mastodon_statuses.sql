{#- Others' Mastodon statuses come as statuses (hashtag timelines) or nested in a mention notification under
    `status`: one staging shape for raw.mastodon__hashtag_statuses and raw.mastodon__mentions, read at `prefix`.
    The row's _parent_id is the hashtag searched (timelines) or NULL (notifications). -#}
{% macro stg_mastodon_statuses(raw_table, prefix='') %}
with source as (
    select * from {{ source_if_exists('raw', raw_table) }}
),

renamed as (
    select
        -- ids
        'mastodon:' || {{ json_text('payload', prefix ~ 'id') }} as status_key,
        'mastodon:' || _account_id as account_key,
        {{ json_text('payload', prefix ~ 'id') }} as status_id,
        {{ json_text('payload', prefix ~ 'in_reply_to_id') }} as in_reply_to_id,
        {{ json_text('payload', prefix ~ 'account.id') }} as author_id,
        {{ json_text('payload', prefix ~ 'account.acct') }} as author_acct,
        {{ json_number('payload', prefix ~ 'account.followers_count') }} as author_followers,
        -- timestamps
        _logical_date as snapshot_date,
        {{ parse_utc(json_text('payload', prefix ~ 'created_at')) }} as created_at_utc,
        -- attributes
        _parent_id as searched_hashtag,
        trim({{ strip_html(json_text('payload', prefix ~ 'content')) }}) as status_text,
        {{ html_text_tight(json_text('payload', prefix ~ 'content')) }} as status_text_tight,
        {{ json_text('payload', prefix ~ 'language') }} as declared_language,
        -- facts
        {{ json_number('payload', prefix ~ 'favourites_count') }} as likes,
        {{ json_number('payload', prefix ~ 'replies_count') }} as replies,
        {{ json_number('payload', prefix ~ 'reblogs_count') }} as reblogs,
        _line_no
    from source
    {%- if prefix %}
    where {{ json_text('payload', 'type') }} = 'mention'
    {%- endif %}
)

select * from renamed
{% endmacro %}
