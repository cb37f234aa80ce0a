{#- The phrase lists that flag a post's content features (the metric contract's "Content features and
    advocates"): calls to action, the CTAs that ask for comments, questions and contests. Each entry is a regular
    expression matched, case-insensitively, against the post's text with its links and hashtags taken out. A post is matched
    against every language's list, not only its brand's: brands mix languages (an English giveaway on a French
    page), and the phrases do not collide across English and French. To add a language or a phrase, add it here;
    README.md ("Content features and advocates") explains them, and the unit test of
    int_post_features (models/intermediate/content/_int_content__models.yml) checks them on real-looking captions. -#}
{% macro content_feature_phrases() -%}
    {{ return({
        'cta': {
            'en': [
                'comment (below|now|with|your)', 'tell us', 'let us know', 'share (this|with|your)',
                'tag (a|your|two|three|[0-9]+) (friends?|bff|bestie)', 'tag someone', 'click (the|on|here)',
                'link in (our |the )?bio', 'shop (now|the)', 'swipe (up|left)', 'sign up', 'subscribe',
                'enter (now|here|to win|the)', 'double tap', 'save (this|for later)', 'drop an? ', 'vote (for|now)',
                'reply with', 'join (us|the)', 'book (now|your)', 'learn more', 'check out',
            ],
            'fr': [
                'commente[zs]?', 'dites-(nous|le)', 'dis-(nous|le)', 'partage[zs]?', 'identifie[zs]?',
                'tague[zs]?', 'mentionne[zs]? (un|une|ton|ta|tes|vos|votre|deux)', 'clique[zs]?',
                'lien (en|dans (la|notre)) bio', 'abonne[zs]?-(toi|vous)', 'inscri(s|vez)-(toi|vous)',
                'participe[zs]?', 'vote[zs]? ', 'réponds|répondez', 'découvre[zs]? ', 'réserve[zs]? ',
                'rejoins|rejoignez', 'enregistre[zs]? (ce|cette)', 'double-clique[zs]?',
            ],
        },
        'comment_cta': {
            'en': [
                'comment (below|now|with|your)', 'tell us', 'let us know', 'in the comments',
                'tag (a|your|two|three|[0-9]+) (friends?|bff|bestie)', 'tag someone', 'reply with', 'drop an? ',
            ],
            'fr': [
                'commente[zs]?', 'dites-(nous|le)', 'dis-(nous|le)', 'en commentaire', 'identifie[zs]?', 'tague[zs]?',
                'mentionne[zs]? (un|une|ton|ta|tes|vos|votre|deux)', 'réponds|répondez',
            ],
        },
        'question': {
            'en': ['[?]'],
            'fr': ['[?]'],
        },
        'contest': {
            'en': ['giveaway', 'contest', 'sweepstakes?', 'to win', 'win an? ', 'prize'],
            'fr': ['concours', 'à gagner', 'tirage au sort', 'gagne[zr]? ', 'remporte[zr]? ', 'lots? à '],
        },
    }) }}
{%- endmacro %}

{% macro content_feature_pattern(feature) -%}
    {#- One alternation of every language's phrases for the feature, quoted for SQL. -#}
    {%- set phrases = [] -%}
    {%- for language, patterns in content_feature_phrases()[feature].items() | sort -%}
        {%- do phrases.extend(patterns) -%}
    {%- endfor -%}
    '({{ phrases | join("|") | replace("'", "''") }})'
{%- endmacro %}

{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches')(expression, pattern)) }}
{%- endmacro %}
{% macro default__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}
{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ pattern }})
{%- endmacro %}

{% macro feature_text(expression) -%}
    {#- The text the phrase lists read: lower-cased, without its URLs (a link's `?utm_source=` is no question, its
        path no phrase) and without its hashtags (a topic, not a sentence: a post tagged #concours whose text says
        nothing of a contest is no contest post). -#}
    {{ return(adapter.dispatch('feature_text')(expression)) }}
{%- endmacro %}
{% macro default__feature_text(expression) -%}
    regexp_replace(lower({{ expression }}), '(https?://|#)[^ ]+', ' ', 'g')
{%- endmacro %}
{% macro spark__feature_text(expression) -%}
    regexp_replace(lower({{ expression }}), '(https?://|#)[^ ]+', ' ')
{%- endmacro %}
