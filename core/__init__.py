"""The kernel every stage stands on: typed configuration, data paths, secrets, DuckDB connections, the
stream catalog, the lookback window and the landing contract. It imports no other package of the project."""
