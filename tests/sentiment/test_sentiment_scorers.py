"""Routing by language: supported languages get scores, others are explicitly unscored."""

import pytest

from sentiment import UNSCORED, get_scorer


@pytest.mark.parametrize(
    ("text", "lang", "expected_label"),
    [
        pytest.param("I love this brand, great service!", "en", "positive", id="en-positive"),
        pytest.param("Worst delivery ever, totally broken", "en", "negative", id="en-negative"),
        pytest.param("What time does the store open?", "en", "neutral", id="en-neutral"),
        pytest.param("Love it 😍", "en", "positive", id="en-emoji"),
        pytest.param("J'adore, livraison rapide 😍", "fr", "positive", id="fr-positive"),
        pytest.param("Je ne recommande pas, produit cassé", "fr", "negative", id="fr-negative"),
        pytest.param("Vous livrez en Belgique ?", "fr", "neutral", id="fr-neutral"),
    ],
)
def test_default_scorer_supported_languages(default_scorer, text, lang, expected_label):
    # GIVEN a text in a supported language
    # WHEN scored by the default scorer
    [(score, label)] = default_scorer.score([text], [lang])
    # THEN it gets a score in range and the expected label
    assert score is not None and -1.0 <= score <= 1.0
    assert label == expected_label


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        pytest.param("Me encanta este producto", "es", id="spanish"),
        pytest.param("Ich hasse das", "de", id="german"),
        pytest.param("😍😍", "und", id="undetermined"),
        pytest.param("", "en", id="empty-text"),
    ],
)
def test_unsupported_languages_are_unscored(default_scorer, text, lang):
    # GIVEN a text in a language the scorer does not support (or no text)
    # WHEN scored
    [(score, label)] = default_scorer.score([text], [lang])
    # THEN it is explicitly unscored rather than given a wrong score
    assert score is None
    assert label == UNSCORED


def test_single_language_scorer_leaves_other_language_unscored():
    # GIVEN the English-only scorer
    scorer = get_scorer("vader-en")
    # WHEN a French text comes in
    [(score, label)] = scorer.score(["J'adore ce produit"], ["fr"])
    # THEN French is unscored, not scored with an English lexicon
    assert (score, label) == (None, UNSCORED)
