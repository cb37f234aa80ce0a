{{ stg_x_tweets('x__mentions') }}
