"""The contract's headline metrics are defined once, as dbt semantic models and metrics (MetricFlow), and parse."""

from __future__ import annotations

import json

HEADLINE = {"engagements", "engagement_rate", "followers", "follower_growth", "impressions", "reach",
            "net_sentiment", "response_rate", "sessions", "conversions", "conversion_rate", "revenue"}


def test_dbt_parse_writes_the_headline_metrics_to_the_semantic_manifest(dbt_manifest):
    # GIVEN dbt parse of the project (the session's, as `make setup` runs it; it fails on an invalid semantic model)
    semantic = json.loads(dbt_manifest.with_name("semantic_manifest.json").read_text())
    metrics = {metric["name"]: metric for metric in semantic["metrics"]}
    models = {model["name"]: model for model in semantic["semantic_models"]}
    # THEN every headline metric of the contract is there, by name, and every metric says what it is
    assert HEADLINE <= set(metrics)
    assert all(metric["description"] for metric in metrics.values())
    # AND the ratios are ratios of the metrics they name
    ratios = {name: (metric["type_params"]["numerator"]["name"], metric["type_params"]["denominator"]["name"])
              for name, metric in metrics.items() if metric["type"] == "ratio"}
    assert ratios == {"engagement_rate": ("engagements", "follower_days"),
                      "net_sentiment": ("net_positive_items", "scored_items"),
                      "response_rate": ("responded_within_24h", "inbound_items"),
                      "conversion_rate": ("conversions", "sessions")}
    # AND they read the marts, and group by the account's platform through the accounts (dim_accounts)
    assert {model["node_relation"]["schema_name"] for model in models.values()} == {"marts"}
    assert {model["node_relation"]["alias"] for model in models.values()} == {
        "dim_accounts", "fct_account_daily", "rpt_sentiment_daily", "rpt_community_response", "rpt_conversions"}
    assert {dimension["name"] for dimension in models["accounts"]["dimensions"]} >= {"platform", "brand_id"}
    # AND the time spine is dim_dates, by day
    [spine] = semantic["project_configuration"]["time_spines"]
    assert spine["node_relation"]["alias"] == "dim_dates"
    assert spine["primary_column"] == {"name": "date_day", "time_granularity": "day"}
