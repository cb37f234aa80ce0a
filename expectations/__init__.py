"""The quality gate: Great Expectations suites on the marts, run before publishing."""

import logging
import os

# Before GX is first imported (its modules read it): no usage events leave this machine.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# GX logs at INFO, on import, each public function it cannot register in its API docs (forty lines of
# "Skipping registering function ... because it is a closure" per process, where Airflow's logging shows INFO).
logging.getLogger("great_expectations._docs_decorators").setLevel(logging.WARNING)
