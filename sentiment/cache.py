"""Incremental scoring into the sentiment.text_scores cache table of a DuckDB database."""

from __future__ import annotations

import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import chain, islice
from multiprocessing import get_context

import duckdb
import pyarrow as pa

from sentiment.base import NEG_THRESHOLD, POS_THRESHOLD, Scorer
from sentiment.langdetect import UNDETERMINED, detect_languages, has_words
from sentiment.registry import configured_scorer_name, get_scorer

CACHE_SCHEMA = "sentiment"
CACHE_TABLE = f"{CACHE_SCHEMA}.text_scores"
# Below this many new texts, process start-up (~1 s per spawned worker) outweighs the gain; a scorer may set
# its own (Scorer.parallel_min_texts, Scorer.batch_size): a slower one gains from workers much sooner.
PARALLEL_MIN_TEXTS = 20_000
BATCH_SIZE = 5_000
# Why a text got no score (NULL when it got one).
NO_WORDS = "no_words"  # empty, emoji-only, links or handles only: nothing to read a language from
LANGUAGE_UNDETERMINED = "language_undetermined"  # words, but no language reached the detection's confidence
LANGUAGE_NOT_SUPPORTED = "language_not_supported"  # a language the scorer has no model for

_ARROW_SCHEMA = pa.schema(
    [
        ("text_hash", pa.string()),
        ("scorer", pa.string()),
        ("scorer_version", pa.string()),
        ("language", pa.string()),
        ("score", pa.float64()),
        ("label", pa.string()),
        ("scored_at", pa.timestamp("us")),
        ("unscored_reason", pa.string()),
    ]
)

_COLUMNS = ", ".join(_ARROW_SCHEMA.names)

_worker_scorer: Scorer | None = None
_worker_prior: str | None = None


def ensure_cache_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {CACHE_SCHEMA}")
    con.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {CACHE_TABLE} (
            text_hash VARCHAR NOT NULL,
            scorer VARCHAR NOT NULL,
            scorer_version VARCHAR NOT NULL,
            language VARCHAR,
            score DOUBLE,
            label VARCHAR NOT NULL,
            scored_at TIMESTAMP NOT NULL
        )
        """
    )
    # Caches made before the column existed get it (NULL on their rows).
    con.execute(f"ALTER TABLE {CACHE_TABLE} ADD COLUMN IF NOT EXISTS unscored_reason VARCHAR")


def cache_version(scorer: Scorer, language_prior: str | None = None) -> str:
    """The scorer_version a cache row is keyed on: the scorer's own, and the language prior detection used
    (the same text can be detected differently under another prior)."""
    return scorer.version + (f";prior={language_prior}" if language_prior else "")


def unscored_reason(text: str | None, language: str, scorer: Scorer) -> str:
    if language == UNDETERMINED:
        return LANGUAGE_UNDETERMINED if has_words(text) else NO_WORDS
    return LANGUAGE_NOT_SUPPORTED if not scorer.supports(language) else "not_scored"


Scored = tuple[list[str], list[float | None], list[str], list[str | None]]


def detect_and_score(scorer: Scorer, texts: Sequence[str], language_prior: str | None = None) -> Scored:
    """(languages, scores, labels, unscored reasons) of ``texts``."""
    languages = detect_languages(texts, prior=language_prior)
    results = scorer.score(texts, languages)
    reasons = [None if score is not None else unscored_reason(text, language, scorer)
               for text, language, (score, _) in zip(texts, languages, results, strict=True)]
    return languages, [r[0] for r in results], [r[1] for r in results], reasons


def _init_worker(scorer_name: str, pos: float, neg: float, language_prior: str | None = None) -> None:
    global _worker_scorer, _worker_prior
    _worker_scorer = get_scorer(scorer_name, pos=pos, neg=neg)
    _worker_prior = language_prior


def _worker_batch(texts: list[str]) -> Scored:
    assert _worker_scorer is not None, "worker initializer did not run"
    return detect_and_score(_worker_scorer, texts, _worker_prior)


def _insert(con: duckdb.DuckDBPyConnection, scorer: Scorer, version: str, hashes, languages, scores, labels,
            reasons) -> None:
    n = len(hashes)
    now = datetime.now(UTC).replace(tzinfo=None)
    table = pa.Table.from_arrays(
        [
            pa.array(hashes, pa.string()),
            pa.array([scorer.name] * n, pa.string()),
            pa.array([version] * n, pa.string()),
            pa.array(languages, pa.string()),
            pa.array(scores, pa.float64()),
            pa.array(labels, pa.string()),
            pa.array([now] * n, pa.timestamp("us")),
            pa.array(reasons, pa.string()),
        ],
        schema=_ARROW_SCHEMA,
    )
    view = f"_smw_new_scores_{uuid.uuid4().hex}"
    con.register(view, table)
    try:
        con.execute(f"INSERT INTO {CACHE_TABLE} ({_COLUMNS}) SELECT {_COLUMNS} FROM {view}")
    finally:
        con.unregister(view)


def score_new_texts(
    con: duckdb.DuckDBPyConnection,
    source_sql: str,
    scorer_name: str | None = None,
    workers: int = 2,
    *,
    pos: float = POS_THRESHOLD,
    neg: float = NEG_THRESHOLD,
    batch_size: int | None = None,
    language_prior: str | None = None,
) -> dict:
    """Score the distinct texts of ``source_sql`` (a relation with a ``text`` column) not yet cached.

    ``scorer_name=None`` uses $SMW_SENTIMENT_SCORER, else 'default'. ``language_prior``: the language most
    texts are expected in (the brand's), which language detection favours (langdetect.PRIOR_WEIGHT); it is
    part of the cache key. ``batch_size=None``: the scorer's own, else BATCH_SIZE. Returns
    {seen, cached, scored, unscored, unscored_reasons, by_language, scorer, scorer_version, workers, seconds},
    where seen counts distinct non-null texts and by_language counts the texts scored in this run.
    """
    started = time.perf_counter()
    scorer_name = scorer_name or configured_scorer_name()
    scorer = get_scorer(scorer_name, pos=pos, neg=neg)
    version_key = cache_version(scorer, language_prior)
    batch_size = batch_size or scorer.batch_size or BATCH_SIZE
    parallel_min = scorer.parallel_min_texts or PARALLEL_MIN_TEXTS
    ensure_cache_table(con)

    # Hashing in SQL keeps the anti-join columnar; only texts missing from the cache reach Python, and only
    # BATCH_SIZE of them at a time (a first night at benchmark size brings tens of millions). The pending texts
    # are a table of the database, not a temp table, so that a second cursor can stream them while this
    # connection writes the scores.
    pending = f"{CACHE_SCHEMA}._smw_pending_{uuid.uuid4().hex}"
    con.execute(
        f"CREATE TABLE {pending} AS "
        f"SELECT md5(text) AS text_hash, any_value(text) AS text "
        f"FROM ({source_sql}) AS src WHERE text IS NOT NULL GROUP BY 1"
    )
    missing_sql = (f"FROM {pending} AS p ANTI JOIN {CACHE_TABLE} AS c ON c.text_hash = p.text_hash "
                   f"AND c.scorer = $scorer AND c.scorer_version = $version")
    version = {"scorer": scorer.name, "version": version_key}
    by_language: Counter[str] = Counter()
    reasons_seen: Counter[str] = Counter()
    unscored = n = used_workers = 0
    reader = con.cursor()
    try:
        seen = con.execute(f"SELECT count(*) FROM {pending}").fetchall()[0][0]
        batches = reader.sql(f"SELECT p.text_hash, p.text {missing_sql}", params=version).fetch_record_batch(
            batch_size)

        def chunks() -> Iterator[tuple[list[str], list[str]]]:
            """(hashes, texts) of at most batch_size texts each (DuckDB's batches may be smaller)."""
            hashes: list[str] = []
            texts: list[str] = []
            for batch in batches:
                hashes.extend(batch.column(0).to_pylist())
                texts.extend(batch.column(1).to_pylist())
                while len(texts) >= batch_size:
                    yield hashes[:batch_size], texts[:batch_size]
                    del hashes[:batch_size], texts[:batch_size]
            if texts:
                yield hashes, texts

        def consume(hashes: list[str], result: Scored) -> None:
            nonlocal unscored, n
            languages, scores, labels, reasons = result
            _insert(con, scorer, version_key, hashes, languages, scores, labels, reasons)
            by_language.update(languages)
            reasons_seen.update(reason for reason in reasons if reason)
            unscored += sum(s is None for s in scores)
            n += len(hashes)

        # Whether workers pay off is decided on the first batches read, instead of counting the missing texts
        # with a second anti-join: at most parallel_min texts are read ahead.
        stream = chunks()
        head = list(islice(stream, -(-parallel_min // batch_size)))
        ahead = chain(head, stream)
        if workers > 1 and sum(len(texts) for _, texts in head) >= parallel_min:
            used_workers = workers
            # spawn, not fork: the parent holds a DuckDB connection and its threads. At most two batches per
            # worker are in flight: pool.map would take every text at once.
            with ProcessPoolExecutor(
                max_workers=workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(scorer_name, pos, neg, language_prior),
            ) as pool:
                in_flight: deque = deque()
                for hashes, texts in ahead:
                    in_flight.append((hashes, pool.submit(_worker_batch, texts)))
                    if len(in_flight) >= 2 * workers:
                        done, future = in_flight.popleft()
                        consume(done, future.result())
                while in_flight:
                    done, future = in_flight.popleft()
                    consume(done, future.result())
        else:
            for hashes, texts in ahead:
                consume(hashes, detect_and_score(scorer, texts, language_prior))
    finally:
        reader.close()
        con.execute(f"DROP TABLE IF EXISTS {pending}")

    return {
        "seen": seen,
        "cached": seen - n,
        "scored": n,
        "unscored": unscored,
        "unscored_reasons": dict(sorted(reasons_seen.items())),
        "by_language": dict(sorted(by_language.items())),
        "scorer": scorer.name,
        "scorer_version": version_key,
        "workers": used_workers or 1,
        "seconds": round(time.perf_counter() - started, 3),
    }
