"""`make bench`'s parts: the three references of the seven KPIs equal the marts on the planted-truth world, and
the harness (bench/run.py) runs every stage, the references and the nightly increment at its smoke scale, writing
its results and the page generated from them. (Its timings are read in the results, never asserted.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bench.reference import duckdb_ref, pandas_ref, polars_ref
from bench.reference.compare import OUTPUTS, differences
from bench.reference.inputs import export
from bench.run import REFERENCES, STAGES, write_doc

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("reference", [duckdb_ref, pandas_ref, polars_ref], ids=REFERENCES)
def test_each_reference_equals_the_marts_of_the_truth_world(ground_truth_world, tmp_path, request, reference):
    # GIVEN the 90-day world's intermediate layer written to Parquet
    # (the working warehouse: it holds the intermediate layer; connected as the DAG's tasks of this process were)
    warehouse = duckdb.connect(str(ground_truth_world.data / "warehouse.duckdb"))
    request.addfinalizer(warehouse.close)
    counts = export(warehouse, tmp_path / "inputs")
    assert all(rows > 0 for rows in counts.values()), counts
    # WHEN the reference computes the seven KPIs from those files alone
    outputs = reference.compute(tmp_path / "inputs")
    # THEN each output has rows and equals the mart it is read from
    compared = differences(warehouse, outputs)
    assert set(compared) == set(OUTPUTS)
    assert {name: entry["problems"] for name, entry in compared.items() if entry["problems"]} == {}
    assert all(entry["rows"] > 0 and entry["rows"] == entry["mart_rows"] for entry in compared.values()), compared


def test_the_bench_runs_every_stage_and_the_references_at_its_smoke_scale(tmp_path):
    # WHEN the harness runs at XS with its own landing cache
    out = tmp_path / "results" / "XS.json"
    env = {**os.environ, "SMW_BENCH_CACHE": str(tmp_path / "cache")}
    env.pop("SMW_DATA_DIR", None)
    done = subprocess.run([sys.executable, "bench/run.py", "--scale", "XS", "--out", str(out), "--no-doc"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text())
    # THEN the landing went to the cache, to be reused
    [cache] = (tmp_path / "cache").iterdir()
    assert (cache / "landed.json").exists() and any((cache / "data" / "landing").rglob("*.gz"))
    # AND every stage of the full build and of the nightly increment was measured on rows it loaded
    for build in ("full_build", "nightly"):
        assert set(STAGES) <= set(result[build])
        assert result[build]["load"]["rows"] > 0
        for stage in STAGES:
            measure = result[build][stage]
            assert measure["seconds"] > 0 and measure["cpu_seconds"] > 0 and measure["peak_rss_mb"] > 0, stage
    assert result["full_build"]["load"]["rows"] > result["nightly"]["load"]["rows"]  # a year read once, one night
    assert result["full_build"]["publish"]["published"] and result["nightly"]["publish"]["published"]
    # AND the three references equal the marts
    assert all(result["references"][name]["equal_to_the_marts"] for name in REFERENCES), result["references"]
    assert set(result["ratios"]) >= {"nightly_over_full_build", "dbt_kpi_marts_over_duckdb_script"}
    # AND the page is generated from the results
    doc = write_doc(out.parent, tmp_path / "benchmarks.md", smoke=True)
    page = doc.read_text()
    assert "## Scale XS" in page and "| marts |" in page and "| pandas |" in page
    assert f"{result['full_build']['load']['rows_per_second']:,}" in page
