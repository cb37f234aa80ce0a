{#- Readings of the metric contract shared by several models. -#}

{% macro video_content_types() -%}
    {#- The content types whose views are video views (settled reading: video, reel, short and live posts). -#}
    {{ return(['video', 'short_video', 'live']) }}
{%- endmacro %}

{% macro is_video_type(content_type_expression) -%}
    {{ content_type_expression }} in ('{{ video_content_types() | join("', '") }}')
{%- endmacro %}
