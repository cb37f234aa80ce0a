"""French lexicon scorer: negation, intensifiers, emoji, emphasis, contrast."""

import pytest

from sentiment.french import FrenchLexiconScorer, tokenize


@pytest.fixture(scope="module")
def fr():
    return FrenchLexiconScorer()


@pytest.mark.parametrize(
    ("text", "expected_sign"),
    [
        pytest.param("Je recommande ce sérum", 1, id="recommande"),
        pytest.param("Je ne recommande pas ce sérum", -1, id="ne-recommande-pas"),
        pytest.param("Je recommande pas", -1, id="recommande-pas-without-ne"),
        pytest.param("Pas terrible ce parfum", -1, id="pas-terrible-idiom"),
        pytest.param("Pas mal du tout ce menu", 1, id="pas-mal-idiom"),
        pytest.param("Cette marque ne m'a jamais déçu", 1, id="jamais-decu"),
        pytest.param("Je ne suis pas satisfaite", -1, id="pas-satisfaite"),
        pytest.param("Je n'aime plus cette crème", -1, id="ne-plus"),
        pytest.param("Ce n'est pas bon", -1, id="pas-bon"),
        pytest.param("Le colis n'est toujours pas arrivé", -1, id="bare-negation-is-complaint"),
        pytest.param("Sans doute le meilleur gloss", 1, id="negation-stops-at-distance"),
    ],
)
def test_negation(fr, text, expected_sign):
    # GIVEN a French comment with or without negation
    # WHEN scored
    score = fr(text)
    # THEN the polarity follows the negation
    assert score * expected_sign >= 0.05, score


def test_negation_does_not_cross_clause_boundary(fr):
    # GIVEN a negation followed, after a comma, by a sentiment word
    # WHEN scored
    # THEN the later word keeps its own polarity
    assert fr("Piscine fermée sans prévenir, inadmissible") <= -0.05


def test_intensifier_strengthens(fr):
    # GIVEN the same word with and without "très"
    # WHEN scored
    # THEN the boosted one is further from zero in both directions
    assert fr("très bon") > fr("bon") > 0
    assert fr("vraiment décevant") < fr("décevant") < 0


def test_exclamation_emphasis(fr):
    # GIVEN the same praise with and without "!!!"
    # WHEN scored
    # THEN exclamation marks add emphasis
    assert fr("génial !!!") > fr("génial") > 0


@pytest.mark.parametrize(
    ("text", "expected_sign"),
    [
        pytest.param("Nouvelle collection 😍", 1, id="heart-eyes"),
        pytest.param("Nouvelle collection 👎", -1, id="thumbs-down"),
        pytest.param("Commande reçue 😡😡", -1, id="angry"),
        pytest.param("❤️", 1, id="emoji-only-heart"),
    ],
)
def test_emoji_carry_sentiment(fr, text, expected_sign):
    # GIVEN a neutral French sentence plus an emoji
    # WHEN scored
    # THEN the emoji decides the polarity
    assert fr(text) * expected_sign >= 0.05


def test_contrast_mais_weighs_second_clause(fr):
    # GIVEN praise followed by "mais" and a complaint
    # WHEN scored
    # THEN the complaint after "mais" wins
    assert fr("La crème est bonne mais beaucoup trop chère et décevante") <= -0.05


def test_neutral_question_stays_neutral(fr):
    # GIVEN an information request without sentiment words
    # WHEN scored
    # THEN it is neutral
    assert abs(fr("Vous livrez en Belgique ?")) < 0.05


def test_unaccented_spelling_is_understood(fr):
    # GIVEN social-media spelling without accents
    # WHEN scored
    # THEN it matches the accented lexicon entry
    assert fr("tres decue") <= -0.05
    assert fr("c'est genial") >= 0.05


def test_tokenize_splits_elisions():
    # GIVEN elided forms with straight and curly apostrophes
    # WHEN tokenized
    # THEN "n'" and "j'" become their own tokens
    assert tokenize("Je n’aime pas, j'adore!") == ["Je", "n'", "aime", "pas", ",", "j'", "adore", "!"]
