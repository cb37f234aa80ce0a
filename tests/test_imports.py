"""The warehouse imports from any kind of Python entry point. pyspark (installed for the Spark target) exits the
process when pyspark.sql is imported from a main module without a file (`python -c`, a script on stdin) and Spark
Connect's packages are missing; great-expectations imports it. The lock installs pyspark[connect] for that."""

from __future__ import annotations

import subprocess
import sys


def test_the_pipeline_imports_from_python_dash_c_and_stdin():
    code = "import great_expectations, warehouse.pipeline; print('imported')"
    for command, stdin in (([sys.executable, "-c", code], None), ([sys.executable, "-"], code)):
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0 and done.stdout.strip().endswith("imported"), done.stderr[-2000:]
