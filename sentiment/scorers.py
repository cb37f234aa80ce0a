"""Concrete scorers: VADER for English, our lexicon scorer for French, and their combination."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from sentiment.base import NEG_THRESHOLD, POS_THRESHOLD, Scorer
from sentiment.french import LEXICON_VERSION, FrenchLexiconScorer


def _pkg_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


class VaderEnglishScorer(Scorer):
    """English only: VADER compound score (emoji are translated to words by VADER itself)."""

    name = "vader-en"
    languages = frozenset({"en"})

    def __init__(self, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> None:
        super().__init__(pos, neg)
        # Imported when this scorer is chosen: VADER's lexicon is read at import.
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.base_version = f"vader{_pkg_version('vaderSentiment')}"
        self._vader = SentimentIntensityAnalyzer()

    def score_one(self, text: str, language: str) -> float | None:
        return self._vader.polarity_scores(text)["compound"]


class FrenchLexiconScorerAdapter(Scorer):
    """French only: VADER-style scorer over Pattern's lexicon and our own."""

    name = "lexicon-fr"
    languages = frozenset({"fr"})

    def __init__(self, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> None:
        super().__init__(pos, neg)
        # textblob-fr's version is included because its lexicon file feeds the scores.
        self.base_version = f"{LEXICON_VERSION}+textblob-fr{_pkg_version('textblob-fr')}"
        self._fr = FrenchLexiconScorer()

    def score_one(self, text: str, language: str) -> float | None:
        return self._fr(text)


class DefaultScorer(Scorer):
    """Fast default: routes English to VADER and French to the French lexicon scorer."""

    name = "default"

    def __init__(self, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> None:
        super().__init__(pos, neg)
        self._by_lang: dict[str, Scorer] = {}
        for part in (VaderEnglishScorer(pos, neg), FrenchLexiconScorerAdapter(pos, neg)):
            for lang in part.languages:
                self._by_lang[lang] = part
        self.languages = frozenset(self._by_lang)
        self.base_version = "+".join(
            f"{lang}:{self._by_lang[lang].base_version}" for lang in sorted(self._by_lang)
        )

    def score_one(self, text: str, language: str) -> float | None:
        return self._by_lang[language].score_one(text, language)
