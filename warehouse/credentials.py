"""`python -m warehouse check-credentials`: every configured account's credential, where it was found, and
whether it gives an access token the platform accepts; the exit status says whether all of them do."""

from __future__ import annotations

import datetime as dt

from core.config import Settings
from extractors.run import check_credential
from simulator.api import simulator_transport
from simulator.world import demo_end


def check_all(settings: Settings, day: dt.date | None = None) -> list[dict]:
    """One row per account (extractors.run.check_credential), through the network for a real source and
    through the simulated world (as of the end of `day`, by default yesterday) for the simulated one. A
    platform that rotates its refresh tokens hands a new one here too: it is kept as a run keeps it."""
    rows = []
    simulated = settings.extraction.source == "simulator"
    night = day or demo_end(settings)
    for _, account in settings.accounts():
        transport = simulator_transport(settings, night) if simulated else None
        rows.append(check_credential(settings, account, transport))
    return rows


def report(rows: list[dict]) -> str:
    """The rows as the terminal shows them: one line per account, then its result, then a summary."""
    lines = []
    for row in rows:
        lines.append(f"{'OK  ' if row['ok'] else 'FAIL'} {row['platform']:<10} {row['handle']} ({row['account']}): "
                     f"{row['kind']} from {row['where']}")
        lines.append(f"     {row['result']}")
    failed = [row for row in rows if not row["ok"]]
    lines.append(f"{len(rows) - len(failed)} of {len(rows)} credentials give a token the platform accepts"
                 + (f"; fix: {', '.join(row['connection_id'] for row in failed)}" if failed else ""))
    return "\n".join(lines)
