"""A process drawing some brands' reports: `python -m publishing.report.worker <request.json>`, started by
publishing.report.build when the brands are drawn side by side (`reports.workers`)."""

import sys
from pathlib import Path

from publishing.report.build import work

if __name__ == "__main__":
    work(Path(sys.argv[1]))
