{#- A mention notification carries the whole status that mentions the account. -#}
{{ stg_mastodon_statuses('mastodon__mentions', prefix='status.') }}
