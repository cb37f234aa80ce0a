{#- Tweets carrying a campaign hashtag (GET /2/tweets/search/recent). X API v2 returns one Tweet object shape
    from the timeline, the mentions and the recent search: stg_x__tweets and stg_x__mentions read the same columns. -#}
with source as (
    select * from {{ source_if_exists('raw', 'x__hashtag_search') }}
),

renamed as (
    select
        {{ x_tweet_columns() }},
        _line_no
    from source
)

select * from renamed
