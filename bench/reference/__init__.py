"""Reference implementations of seven representative KPIs, outside dbt, on the same inputs: the engine's limit
(a hand-written DuckDB SQL script) and what an analyst would write in a notebook instead (pandas, polars).

They double as an independent check of the marts: `bench.reference.compare` sets each one's outputs beside the
marts' and lists every difference.

Inputs (`bench.reference.inputs.export`): the warehouse's platform-normalized intermediate tables written to
Parquet, so that every reference starts from the same files and parsing the platforms' payloads (staging) is
measured apart, as the benchmark's staging stage:

- posts.parquet         int_post_snapshots_unioned: one row per post and nightly read (post_key, account_key,
                        platform, snapshot_date, published_at_utc, content_type, likes, comments, shares, saves,
                        impressions, reach, engagements)
- followers.parquet     int_account_snapshots_unioned: one row per account and nightly read (account_key,
                        snapshot_date, followers)
- accounts.parquet      one row per configured account (account_key, brand_id, platform, account_timezone,
                        reads_comments)
- interactions.parquet  int_interactions_unioned with the brand's sentiment label of each item (interaction_key,
                        platform, account_key, post_key, parent_interaction_key, is_from_brand, created_at_utc,
                        sentiment_label)

Outputs: each implementation's `compute(inputs: Path) -> dict[str, <table>]` returns these seven tables
(`bench.reference.compare.OUTPUTS` lists their keys and value columns), by the metric contract
(/work/shared/kpis.md):

1. counter_deltas      per post and read day on or after its local publication day: engagements_gained, the
                       increase of engagements over the post's previous read (from 0)
2. d7_rates            per post with D+7 values: engagement_rate_d7
3. best_time           per account, ISO weekday and hour: posts, median_engagement_rate_d7, is_best_slot
4. content_type_lift   per account and content type: posts, median_engagement_rate_d7, lift
5. underperformance    per post with D+7 values: baseline_engagement_rate_d7, is_underperforming
6. response_times      per inbound item the brand answered: first_response_minutes
7. negative_spikes     per account and day that raises the alert: observed_value, baseline_value, baseline_stddev
"""
