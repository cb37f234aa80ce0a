"""The marketing lead's report: one page and one PDF per brand and logical date, and an index of them all."""

from publishing.report.build import write_report

__all__ = ["write_report"]
