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
    ACCURATE_SCORER,
    DEFAULT_SCORER,
    ENV_VAR,
    available_scorers,
    configured_scorer_name,
    get_scorer,
    scorer_from_env,
)

__all__ = [
    "ACCURATE_SCORER",
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
    "scorer_from_env",
]
