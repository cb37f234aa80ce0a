{#- The account's videos as video/query (by id) returns them; video/list returns the same Video object shape,
    read the same way by stg_tiktok__videos. -#}
with source as (
    select * from {{ source_if_exists('raw', 'tiktok__video_stats') }}
),

renamed as (
    select
        {{ tiktok_video_columns() }},
        _line_no
    from source
)

select * from renamed
