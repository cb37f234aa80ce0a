"""Orchestration: the pipeline functions the DAG calls, the Cosmos set-up, Assets and the CLI
(`python -m warehouse`). The top layer: it calls the stages, and nothing below imports it."""
