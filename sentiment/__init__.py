"""Offline language detection and sentiment scoring of comments and mentions."""

from sentiment.base import (
    NEG_THRESHOLD,
    POS_THRESHOLD,
    UNSCORED,
    Scorer,
    ScoreResult,
    label_for,
)
from sentiment.cache import CACHE_TABLE, ensure_cache_table, score_new_texts
from sentiment.langdetect import detect_languages
from sentiment.registry import (
    DEFAULT_SCORER,
    ENV_VAR,
    available_scorers,
    configured_scorer_name,
    get_scorer,
)

__all__ = [
    "CACHE_TABLE",
    "DEFAULT_SCORER",
    "ENV_VAR",
    "NEG_THRESHOLD",
    "POS_THRESHOLD",
    "UNSCORED",
    "ScoreResult",
    "Scorer",
    "available_scorers",
    "configured_scorer_name",
    "detect_languages",
    "ensure_cache_table",
    "get_scorer",
    "label_for",
    "score_new_texts",
]
