"""How the DAG runs the dbt project through astronomer-cosmos."""

from __future__ import annotations

import json

from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection
from cosmos.operators.local import DbtBuildLocalOperator, DbtTestLocalOperator

from core.paths import PROJECT_ROOT, warehouse_path

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
MANIFEST = DBT_PROJECT / "target" / "manifest.json"
PROFILES = DBT_PROJECT / "profiles.yml"
DUCKDB_POOL = "duckdb_writer"

# The publishing DAG's first task: the night it publishes (an Asset-triggered run has no logical date).
NIGHT_TASK = "night"
# Incremental models recompute from that night minus the lookback window; both are rendered when the task
# runs (smw_lookback_days is a DAG macro reading warehouse.yml then).
DBT_VARS = {"logical_date": "{{ ti.xcom_pull(task_ids='" + NIGHT_TASK + "') }}",
            "lookback_days": "{{ smw_lookback_days() }}"}


# Each dbt invocation would write manifest.json (3 MB) twice and run_results.json: in a publishing run that was
# 106 of the mart tasks' 225 s (profiled). Cosmos deletes its copy of the project after each task and nothing here
# reads them; the partial-parse file that lets the next task skip parsing is still written. Cosmos's Asset events
# per model, read from those files, are left off too: the DAGs hand work over through warehouse.assets.
DBT_FLAGS = ["--no-write-json"]


def _profile():
    return ProfileConfig(profile_name="shared_media", target_name="local", profiles_yml_filepath=PROFILES)


def _single_task_args() -> dict:
    """What every dbt task outside the Cosmos group runs with: in-process dbt on the project and the warehouse,
    the night's vars, no JSON artifacts, and the one-slot DuckDB pool."""
    return {"project_dir": str(DBT_PROJECT), "profile_config": _profile(),
            "invocation_mode": InvocationMode.DBT_RUNNER,
            "install_deps": False,  # no dbt hub here; the project writes its own macros
            "env": {"SMW_WAREHOUSE": str(warehouse_path())}, "append_env": True,
            "vars": DBT_VARS, "dbt_cmd_flags": DBT_FLAGS, "emit_datasets": False, "pool": DUCKDB_POOL}


def build_task(task_id: str, select: list[str]):
    """One `dbt build` of the selected models and their tests, as a single task.

    Staging views and intermediate tables: building all of them in one dbt invocation saves the 1.4 s of
    start-up a Cosmos task per model paid (70 s a night at fifty models). A failure
    still names the model in the task's log, and `dbt build` skips the models downstream of it."""
    return DbtBuildLocalOperator(
        task_id=task_id,
        select=" ".join(select),
        # Unit tests check formulas on fixed inputs; they run in `make test` (tests/test_dbt_unit_tests.py), not
        # each night: a staging unit test needs its raw table to exist, and a world without that platform has none.
        exclude="test_type:unit",
        **_single_task_args(),
    )


def task_group(group_id: str, select: list[str]):
    """A Cosmos task group of the selected models, one task per model with its own tests, rendered from dbt's
    manifest (made by `make setup`), so parsing the DAG file runs no dbt command. Every task takes the one-slot
    DuckDB pool: DuckDB allows one writer at a time. The tests on two models run in `tests_across_models`."""
    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT,
            manifest_path=MANIFEST,
            install_dbt_deps=False,  # no dbt hub here; the project writes its own macros
            env_vars={"SMW_WAREHOUSE": str(warehouse_path())},
        ),
        profile_config=_profile(),
        # A model's `dbt build` runs only the tests on it alone (cautious indirect selection): a test on two models
        # (relationships) would otherwise run with the first of them built, before the other. Those tests run
        # after the group, all in one task (tests_across_models): a Cosmos task each cost 15 to 55 s of dbt
        # start-up for one query, about 4 of a publishing run's 20 minutes under the scheduler (13 tests).
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        # Unit tests run in make test, not each night (as build_task): excluded here, Cosmos also passes the
        # exclusion on to each model's `dbt build`, which would otherwise run the model's unit tests too.
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   select=select, exclude=["resource_type:unit_test"]),
        operator_args={"pool": DUCKDB_POOL, "install_deps": False, "vars": DBT_VARS, "dbt_cmd_flags": DBT_FLAGS,
                       "emit_datasets": False},
    )


def tests_across_models(task_id: str, folder: str):
    """One `dbt test` of every test on two or more models of `folder` (relationships, and singular tests
    joining two marts), the tests a model's own build leaves out (task_group), as a single task after them.
    The list is read from dbt's manifest, as the task group is. A failing test is named in the task's log."""
    return DbtTestLocalOperator(
        task_id=task_id,
        select=" ".join(_tests_across_models(folder)),
        **_single_task_args(),
    )


def _tests_across_models(folder: str) -> list[str]:
    """The names of the data tests whose models (two or more) all live under `folder` of the dbt project."""
    nodes = json.loads(MANIFEST.read_text())["nodes"]
    inside = {key for key, node in nodes.items()
              if node["resource_type"] == "model" and node["original_file_path"].startswith(f"{folder}/")}
    names = []
    for node in nodes.values():
        models = {parent for parent in node["depends_on"]["nodes"] if parent.startswith("model.")}
        if node["resource_type"] == "test" and len(models) > 1 and models <= inside:
            names.append(node["name"])
    return sorted(names)
