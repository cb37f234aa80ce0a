{{ stg_x_tweets('x__hashtag_search') }}
