{{ stg_x_tweets('x__tweets') }}
