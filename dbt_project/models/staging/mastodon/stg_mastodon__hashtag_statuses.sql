{{ stg_mastodon_statuses('mastodon__hashtag_statuses') }}
