"""The publish stage: the marts as a read-only DuckDB file for BI tools, and the report."""
