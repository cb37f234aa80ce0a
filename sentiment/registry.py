"""Scorer registry: pick a scorer by name, from code or the SMW_SENTIMENT_SCORER env var."""

from __future__ import annotations

import os
from collections.abc import Callable

from sentiment.accurate import AccurateScorer
from sentiment.base import NEG_THRESHOLD, POS_THRESHOLD, Scorer
from sentiment.scorers import DefaultScorer, FrenchLexiconScorerAdapter, VaderEnglishScorer

ENV_VAR = "SMW_SENTIMENT_SCORER"
DEFAULT_SCORER = "default"
# The two tiers: `default` (lexicons, ~15,000 texts/s) and `accurate` (embeddings and trained heads,
# ~30 texts/s per core); docs/sentiment.md compares them.
ACCURATE_SCORER = AccurateScorer.name

_FACTORIES: dict[str, Callable[..., Scorer]] = {
    DefaultScorer.name: DefaultScorer,
    VaderEnglishScorer.name: VaderEnglishScorer,
    FrenchLexiconScorerAdapter.name: FrenchLexiconScorerAdapter,
    AccurateScorer.name: AccurateScorer,
}


def register_scorer(name: str, factory: Callable[..., Scorer]) -> None:
    """Add a scorer; the factory takes (pos, neg) keyword thresholds."""
    _FACTORIES[name] = factory


def available_scorers() -> list[str]:
    return sorted(_FACTORIES)


def scorer_from_env() -> str | None:
    """The scorer named by $SMW_SENTIMENT_SCORER, if set."""
    return os.environ.get(ENV_VAR, "").strip() or None


def configured_scorer_name() -> str:
    return scorer_from_env() or DEFAULT_SCORER


def get_scorer(name: str | None = None, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> Scorer:
    """Build the named scorer; ``None`` means the configured one (env var, else default)."""
    name = name or configured_scorer_name()
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise KeyError(
            f"unknown sentiment scorer {name!r}; available: {', '.join(available_scorers())}"
        ) from None
    return factory(pos=pos, neg=neg)
