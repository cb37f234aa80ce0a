"""Write the references' inputs (bench/reference/__init__.py) from a built warehouse to a directory of Parquet
files, each one read once by every reference."""

from __future__ import annotations

from pathlib import Path

import duckdb

QUERIES = {
    "posts": """
        select post_key, account_key, platform, snapshot_date, published_at_utc, content_type,
               likes, comments, shares, saves, impressions, reach, engagements
        from intermediate.int_post_snapshots_unioned""",
    "followers": """
        select account_key, snapshot_date, followers from intermediate.int_account_snapshots_unioned""",
    "accounts": """
        select account_key, brand_id, platform, account_timezone, reads_comments from marts.dim_accounts""",
    # the label of each item by its brand's scorer in use (what score_sentiment wrote): an input of the
    # references, as the scores are of the marts
    "interactions": """
        select interactions.interaction_key, interactions.platform, interactions.account_key,
               interactions.post_key, interactions.parent_interaction_key, interactions.is_from_brand,
               interactions.created_at_utc, coalesce(scores.label, 'unscored') as sentiment_label
        from intermediate.int_interactions_unioned as interactions
        inner join marts.dim_accounts as accounts on interactions.account_key = accounts.account_key
        left join (
            select in_use.brand_id, text_scores.text_hash, text_scores.label
            from sentiment.text_scores as text_scores
            inner join sentiment.scorer_in_use as in_use
                on text_scores.scorer = in_use.scorer and text_scores.scorer_version = in_use.scorer_version
        ) as scores on md5(interactions.text) = scores.text_hash and accounts.brand_id = scores.brand_id""",
}


def export(warehouse: Path | duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """The four input files under `target`; returns their row counts. `warehouse`: its file (opened read-only)
    or an open connection to it (in a process that already holds the file open, as dag.test's)."""
    target.mkdir(parents=True, exist_ok=True)
    counts = {}
    con = warehouse if isinstance(warehouse, duckdb.DuckDBPyConnection) else duckdb.connect(str(warehouse),
                                                                                           read_only=True)
    try:
        for name, query in QUERIES.items():
            path = target / f"{name}.parquet"
            con.execute(f"copy ({query}) to '{path}' (format parquet)")
            counts[name] = con.execute(f"select count(*) from '{path}'").fetchone()[0]  # type: ignore[index]
    finally:
        if con is not warehouse:
            con.close()
    return counts
