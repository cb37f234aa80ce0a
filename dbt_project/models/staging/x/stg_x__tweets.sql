{#- The owned account's tweets (GET /2/users/:id/tweets): its posts and its replies. X API v2 returns one Tweet
    object shape from the timeline, the mentions and the recent search: stg_x__mentions and stg_x__hashtag_search
    read the same columns. -#}
with source as (
    select * from {{ source_if_exists('raw', 'x__tweets') }}
),

renamed as (
    select
        {{ x_tweet_columns() }},
        _line_no
    from source
)

select * from renamed
