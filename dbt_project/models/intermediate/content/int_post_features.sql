{#- One row per post: its content features, flagged from its text by the phrase lists of
    macros/content_features.sql (calls to action, those that ask for comments, questions, contests). A post with
    no text has none of them. -#}
with posts as (
    select
        post_key,
        account_key,
        brand_id,
        {{ feature_text('post_text') }} as feature_text
    from {{ ref('int_posts') }}
)

select
    post_key,
    account_key,
    brand_id,
    coalesce({{ regex_matches('feature_text', content_feature_pattern('cta')) }}, false) as has_cta,
    coalesce({{ regex_matches('feature_text', content_feature_pattern('comment_cta')) }}, false)
        as has_comment_cta,
    coalesce({{ regex_matches('feature_text', content_feature_pattern('question')) }}, false)
        as has_question,
    coalesce({{ regex_matches('feature_text', content_feature_pattern('contest')) }}, false)
        as has_contest
from posts
