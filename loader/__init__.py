"""The load stage: a logical date's landing files into DuckDB's raw tables, reconciled, all or nothing."""

from loader.load import ReconciliationError, load_date

__all__ = ["ReconciliationError", "load_date"]
