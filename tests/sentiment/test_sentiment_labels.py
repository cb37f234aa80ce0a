"""Score-to-label thresholds and the Scorer contract."""

import pytest

from sentiment import UNSCORED, available_scorers, get_scorer, label_for


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        pytest.param(0.05, "positive", id="exactly-pos-threshold-is-positive"),
        pytest.param(0.0499, "neutral", id="just-below-pos-threshold-is-neutral"),
        pytest.param(-0.05, "negative", id="exactly-neg-threshold-is-negative"),
        pytest.param(-0.0499, "neutral", id="just-above-neg-threshold-is-neutral"),
        pytest.param(0.0, "neutral", id="zero-is-neutral"),
        pytest.param(1.0, "positive", id="max-is-positive"),
        pytest.param(-1.0, "negative", id="min-is-negative"),
        pytest.param(None, UNSCORED, id="none-is-unscored"),
    ],
)
def test_label_for_default_thresholds(score, expected):
    # GIVEN the contract thresholds (pos >= 0.05, neg <= -0.05)
    # WHEN a score is labelled
    # THEN the label follows the inclusive thresholds
    assert label_for(score) == expected


def test_label_for_custom_thresholds():
    # GIVEN wider thresholds
    # WHEN a mildly positive score is labelled
    # THEN it is neutral under them and positive under the defaults
    assert label_for(0.2, pos=0.3, neg=-0.3) == "neutral"
    assert label_for(0.2) == "positive"


@pytest.mark.parametrize(
    ("pos", "neg"),
    [
        pytest.param(-0.1, 0.1, id="inverted"),
        pytest.param(0.05, 0.05, id="equal"),
        pytest.param(1.5, -0.05, id="out-of-range"),
    ],
)
def test_invalid_thresholds_are_rejected(pos, neg):
    # GIVEN thresholds that cannot define three classes
    # WHEN a scorer is built with them
    # THEN it refuses instead of silently mislabelling
    with pytest.raises(ValueError):
        get_scorer("default", pos=pos, neg=neg)


def test_version_changes_with_thresholds():
    # GIVEN the same scorer built with two sets of thresholds
    # WHEN their versions are compared
    # THEN they differ, so the cache rescoring kicks in
    a = get_scorer("default")
    b = get_scorer("default", pos=0.1, neg=-0.1)
    assert a.version != b.version
    assert "pos=0.05" in a.version and "neg=-0.05" in a.version


def test_registry_lists_and_rejects():
    # GIVEN the registry
    # WHEN an unknown name is asked for
    # THEN a KeyError names the available scorers
    assert {"default", "vader-en", "lexicon-fr"} <= set(available_scorers())
    with pytest.raises(KeyError, match="available"):
        get_scorer("no-such-scorer")


def test_env_var_selects_scorer(monkeypatch):
    # GIVEN SMW_SENTIMENT_SCORER set to the English-only scorer
    monkeypatch.setenv("SMW_SENTIMENT_SCORER", "vader-en")
    # WHEN no name is passed
    scorer = get_scorer()
    # THEN the env var decides
    assert scorer.name == "vader-en"
    assert scorer.languages == frozenset({"en"})


def test_scores_stay_in_range(default_scorer):
    # GIVEN extreme texts in both languages
    texts = ["BEST BEST BEST EVER!!!! 😍😍😍😍", "HORRIBLE arnaque nul nul nul 😡😡😡 !!!!"]
    # WHEN scored
    results = default_scorer.score(texts, ["en", "fr"])
    # THEN scores are clipped to [-1, 1] and labelled consistently
    (s1, l1), (s2, l2) = results
    assert 0.9 < s1 <= 1.0 and l1 == "positive"
    assert -1.0 <= s2 < -0.9 and l2 == "negative"


def test_score_requires_aligned_inputs(default_scorer):
    # GIVEN two texts and one language
    # WHEN scored
    # THEN the mismatch is an error, not a silent truncation
    with pytest.raises(ValueError):
        default_scorer.score(["a", "b"], ["en"])
