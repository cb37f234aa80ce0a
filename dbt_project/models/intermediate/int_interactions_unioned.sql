{#- Every platform's comments, replies and mentions on the shared interaction columns. -#}
select * from {{ ref('int_instagram__interactions') }}
union all
select * from {{ ref('int_mastodon__interactions') }}
union all
select * from {{ ref('int_x__interactions') }}
union all
select * from {{ ref('int_bluesky__interactions') }}
union all
select * from {{ ref('int_facebook__interactions') }}
union all
select * from {{ ref('int_youtube__interactions') }}
