"""The quality gate: Great Expectations suites on the marts, run before publishing."""

import os

# Before GX is first imported (its modules read it): no usage events leave this machine.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
