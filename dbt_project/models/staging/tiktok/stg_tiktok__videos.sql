{#- The account's videos as video/list returns them; video/query returns the same Video object shape, read
    the same way by stg_tiktok__video_stats. -#}
with source as (
    select * from {{ source_if_exists('raw', 'tiktok__videos') }}
),

renamed as (
    select
        {{ tiktok_video_columns() }},
        _line_no
    from source
)

select * from renamed
