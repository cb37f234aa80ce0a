{#- Others' posts: the hashtags in a text, one row each. Engine-specific, so behind dispatch like portable.sql. -#}

{% macro hashtags_in(text_column) -%}
    {{ return(adapter.dispatch('hashtags_in')(text_column)) }}
{%- endmacro %}
{% macro default__hashtags_in(text_column) -%}
    {#- One value per `#word` of the text, lower-cased with its #, as a set-returning expression
        (Spark: explode(regexp_extract_all(...))). -#}
    unnest(regexp_extract_all(lower({{ text_column }}), '(#[\p{L}\p{N}_]+)', 1))
{%- endmacro %}

{% macro html_text_tight(expression) -%}
    {{ return(adapter.dispatch('html_text_tight')(expression)) }}
{%- endmacro %}
{% macro default__html_text_tight(expression) -%}
    {#- Mastodon writes a hashtag as `#<span>Tag</span>`: drop the tags without a space, so `#Tag` stays whole. -#}
    regexp_replace({{ expression }}, '<[^>]+>', '', 'g')
{%- endmacro %}
