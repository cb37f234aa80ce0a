"""Set a reference's seven outputs beside the marts' and list every difference.

A table is a pandas DataFrame, a polars DataFrame or a DuckDB relation; each is brought to pandas here (the
comparison is not timed). Keys must match as sets; integers, booleans and labels exactly; rates and medians to
RELATIVE_TOLERANCE (engines sum and divide floats in their own order).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

RELATIVE_TOLERANCE = 1e-9

# output -> (key columns, value columns, the marts' rows for it)
OUTPUTS: dict[str, tuple[list[str], list[str], str]] = {
    "counter_deltas": (["post_key", "date_day"], ["engagements_gained"], """
        select post_key, date_day, engagements_gained from marts.fct_post_performance
        where counters_read_on = date_day"""),
    "d7_rates": (["post_key"], ["engagement_rate_d7"], """
        select post_key, engagement_rate_d7 from marts.dim_posts where engagement_rate_d7 is not null"""),
    "best_time": (["account_key", "weekday", "hour"], ["posts", "median_engagement_rate_d7", "is_best_slot"], """
        select account_key, weekday, hour, posts, median_engagement_rate_d7, is_best_slot
        from marts.rpt_best_time_to_post where posts > 0"""),
    "content_type_lift": (["account_key", "content_type"], ["posts", "median_engagement_rate_d7", "lift"], """
        select account_key, content_type, posts, median_engagement_rate_d7, lift
        from marts.rpt_content_type_performance"""),
    "underperformance": (["post_key"], ["baseline_engagement_rate_d7", "is_underperforming"], """
        select post_key, baseline_engagement_rate_d7, is_underperforming from marts.dim_posts
        where engagement_rate_d7 is not null"""),
    "response_times": (["interaction_key"], ["first_response_minutes"], """
        select interaction_key, first_response_minutes from marts.fct_interactions
        where is_inbound and first_response_minutes is not null"""),
    "negative_spikes": (["account_key", "date_day"], ["observed_value", "baseline_value", "baseline_stddev"], """
        select account_key, date_day, observed_value, baseline_value, baseline_stddev from marts.rpt_alerts
        where alert_type = 'negative_spike'"""),
}


def to_pandas(table: Any) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    if hasattr(table, "to_pandas"):  # polars
        return table.to_pandas()
    return table.df()  # a DuckDB relation


def _normal(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    for key in keys:
        if key == "date_day":
            frame[key] = pd.to_datetime(frame[key]).dt.date.astype(str)
        elif key in ("weekday", "hour"):
            frame[key] = frame[key].astype("int64")
        else:
            frame[key] = frame[key].astype(str)
    return frame


def _mismatches(mart: pd.Series, ours: pd.Series) -> np.ndarray:
    """Where the two columns differ: one side missing, a boolean or label unequal, a number beyond tolerance."""
    mart_missing, ours_missing = mart.isna().to_numpy(), ours.isna().to_numpy()
    differ = mart_missing != ours_missing
    both = ~mart_missing & ~ours_missing
    if pd.api.types.is_bool_dtype(mart.dropna()) or pd.api.types.is_object_dtype(mart.dropna()):
        equal = (mart.astype(object) == ours.astype(object)).to_numpy()
    else:
        left, right = mart.astype(float).to_numpy(), ours.astype(float).to_numpy()
        with np.errstate(invalid="ignore"):
            equal = np.isclose(left, right, rtol=RELATIVE_TOLERANCE, atol=1e-12)
    return differ | (both & ~equal)


def differences(warehouse: Path | duckdb.DuckDBPyConnection, outputs: dict[str, Any], limit: int = 5) -> dict:
    """Per output: its rows, the mart's, the keys only one side has, and up to `limit` differing rows.
    An empty `problems` list in every entry means the reference equals the marts."""
    con = (warehouse if isinstance(warehouse, duckdb.DuckDBPyConnection)
           else duckdb.connect(str(warehouse), read_only=True))
    report = {}
    for name, (keys, values, query) in OUTPUTS.items():
        mart = _normal(con.execute(query).df(), keys)
        ours = _normal(to_pandas(outputs[name])[keys + values], keys)
        both = mart.merge(ours, on=keys, how="outer", suffixes=("_mart", "_ours"), indicator=True)
        problems = []
        for side, label in (("left_only", "only in the marts"), ("right_only", "only in the reference")):
            alone = both[both["_merge"] == side]
            if len(alone):
                problems.append(f"{len(alone)} keys {label}, e.g. {alone[keys].head(limit).values.tolist()}")
        matched = both[both["_merge"] == "both"]
        for column in values:
            wrong = matched[_mismatches(matched[f"{column}_mart"], matched[f"{column}_ours"])]
            if len(wrong):
                sample = wrong[keys + [f"{column}_mart", f"{column}_ours"]].head(limit).values.tolist()
                problems.append(f"{len(wrong)} rows differ in {column}, e.g. {sample}")
        report[name] = {"rows": len(ours), "mart_rows": len(mart), "problems": problems}
    return report
