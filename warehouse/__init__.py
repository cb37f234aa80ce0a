"""Shared Media Warehouse: config, loading, publishing and reports around the nightly DAG."""
