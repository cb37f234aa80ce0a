{#- One row per brand and community member (a pseudonymous author) with an inbound comment, reply or mention in the
    90 days ending the logical date (without a logical_date var, ending the brand's last day with interactions):
    their items, net sentiment and the brand's posts they engaged with, ranked per brand by inbound items. An
    advocate has a net sentiment above 0. -#}
with interactions as (
    select * from {{ ref('fct_interactions') }}
    where is_inbound and author_id_hash is not null
),

as_of as (
    select
        brand_id,
        {%- if var('logical_date', none) %}
        cast('{{ var("logical_date") }}' as date) as as_of_date
        {%- else %}
        max(created_date) as as_of_date
        {%- endif %}
    from interactions
    group by brand_id
),

windowed as (
    select
        interactions.*,
        as_of.as_of_date
    from interactions
    inner join as_of on interactions.brand_id = as_of.brand_id
    where interactions.created_date between {{ add_days('as_of.as_of_date', -89) }} and as_of.as_of_date
),

members as (
    select
        brand_id,
        author_id_hash,
        max(as_of_date) as as_of_date,
        count(*) as inbound_items,
        count(case when interaction_type = 'comment' then 1 end) as comments,
        count(case when interaction_type = 'reply' then 1 end) as replies,
        count(case when interaction_type = 'mention' then 1 end) as mentions,
        count(case when sentiment_label = 'positive' then 1 end) as positive_items,
        count(case when sentiment_label = 'negative' then 1 end) as negative_items,
        count(case when sentiment_label = 'neutral' then 1 end) as neutral_items,
        count(distinct post_key) as posts_engaged,
        count(distinct platform) as platforms,
        min(created_date) as first_item_date,
        max(created_date) as last_item_date
    from windowed
    group by brand_id, author_id_hash
),

rated as (
    select
        *,
        {{ ratio('positive_items - negative_items', 'positive_items + negative_items + neutral_items') }}
            as net_sentiment
    from members
)

select
    -- ids
    {{ dbt.concat(['brand_id', "'|'", 'author_id_hash']) }} as brand_member_key,
    brand_id,
    author_id_hash,
    -- the window
    {{ add_days('as_of_date', -89) }} as window_start_date,
    as_of_date as window_end_date,
    -- facts
    inbound_items,
    comments,
    replies,
    mentions,
    positive_items,
    negative_items,
    neutral_items,
    net_sentiment,
    posts_engaged,
    platforms,
    first_item_date,
    last_item_date,
    coalesce(net_sentiment > 0, false) as is_advocate,
    row_number() over (
        partition by brand_id
        order by inbound_items desc, net_sentiment desc nulls last, posts_engaged desc, author_id_hash asc
    ) as member_rank
from rated
