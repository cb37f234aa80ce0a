"""Scorer interface, score-to-label thresholds and the shared result type."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

# Metric contract: positive >= 0.05, negative <= -0.05, neutral in between.
POS_THRESHOLD = 0.05
NEG_THRESHOLD = -0.05
UNSCORED = "unscored"
LABELS = ("positive", "negative", "neutral", UNSCORED)

ScoreResult = tuple[float | None, str]


def label_for(score: float | None, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> str:
    """Map a score in [-1, 1] to its label; None means the text was not scored."""
    if score is None:
        return UNSCORED
    if score >= pos:
        return "positive"
    if score <= neg:
        return "negative"
    return "neutral"


class Scorer(ABC):
    """A sentiment scorer for a fixed set of languages.

    ``version`` is part of the cache key, so it must change whenever the output
    for the same text could change (code, lexicon or thresholds).
    """

    name: str = ""
    base_version: str = ""
    languages: frozenset[str] = frozenset()
    # Hints for sentiment.cache: texts per batch, and the fewest new texts for which worker processes pay
    # off (None: the cache's defaults, tuned for the lexicon scorers).
    batch_size: int | None = None
    parallel_min_texts: int | None = None

    def __init__(self, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> None:
        if not -1.0 <= neg < pos <= 1.0:
            raise ValueError(f"thresholds must satisfy -1 <= neg < pos <= 1, got neg={neg} pos={pos}")
        self.pos = pos
        self.neg = neg

    @property
    def version(self) -> str:
        # Thresholds are folded into the version so changing them invalidates the cache.
        return f"{self.base_version};pos={self.pos:g};neg={self.neg:g}"

    def supports(self, language: str) -> bool:
        return language in self.languages

    def score(self, texts: Sequence[str], languages: Sequence[str]) -> list[ScoreResult]:
        """Score each text given its detected language; unsupported languages are unscored."""
        if len(texts) != len(languages):
            raise ValueError("texts and languages must have the same length")
        results: list[ScoreResult] = []
        for text, lang in zip(texts, languages, strict=False):
            if not text or lang not in self.languages:
                results.append((None, UNSCORED))
                continue
            value = self.score_one(text, lang)
            if value is None:
                results.append((None, UNSCORED))
                continue
            value = max(-1.0, min(1.0, float(value)))
            results.append((value, label_for(value, self.pos, self.neg)))
        return results

    @abstractmethod
    def score_one(self, text: str, language: str) -> float | None:
        """Return a score in [-1, 1] for one text in a supported language."""
