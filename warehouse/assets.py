"""Airflow Assets that hand work from one stage to the next; no DAG is defined here."""

from airflow.sdk import Asset

RAW = Asset("duckdb://warehouse/raw", extra={"stage": "raw payloads loaded"})
MARTS = Asset("duckdb://warehouse/marts", extra={"stage": "KPI marts built and validated"})
PUBLISHED = Asset("duckdb://published/marts", extra={"stage": "read-only copy for BI tools"})
