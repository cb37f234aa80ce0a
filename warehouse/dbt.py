"""How the DAG runs the dbt project through astronomer-cosmos."""

from __future__ import annotations

from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior
from cosmos.operators.local import DbtBuildLocalOperator

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


def build_task(task_id: str, select: list[str]):
    """One `dbt build` of the selected models and their tests, as a single task.

    Staging views and intermediate tables: building all of them in one dbt invocation saves the 1.4 s of
    start-up a Cosmos task per model paid (70 s a night at fifty models). A failure
    still names the model in the task's log, and `dbt build` skips the models downstream of it."""
    return DbtBuildLocalOperator(
        task_id=task_id,
        project_dir=str(DBT_PROJECT),
        profile_config=_profile(),
        select=" ".join(select),
        # Unit tests check formulas on fixed inputs; they run in `make test` (tests/test_dbt_unit_tests.py), not
        # each night: a staging unit test needs its raw table to exist, and a world without that platform has none.
        exclude="test_type:unit",
        invocation_mode=InvocationMode.DBT_RUNNER,
        install_deps=False,  # no dbt hub here; the project writes its own macros
        env={"SMW_WAREHOUSE": str(warehouse_path())},
        append_env=True,
        vars=DBT_VARS,
        dbt_cmd_flags=DBT_FLAGS,
        emit_datasets=False,
        pool=DUCKDB_POOL,
    )


def task_group(group_id: str, select: list[str]):
    """A Cosmos task group of the selected models, one task per model (and per test on two models),
    rendered from dbt's manifest (made by `make setup`), so parsing the DAG file runs no dbt command. Every
    task takes the one-slot DuckDB pool: DuckDB allows one writer at a time."""
    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT,
            manifest_path=MANIFEST,
            install_dbt_deps=False,  # no dbt hub here; the project writes its own macros
            env_vars={"SMW_WAREHOUSE": str(warehouse_path())},
        ),
        profile_config=_profile(),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
        ),
        # A test on two models (relationships) gets a task after both, instead of running with the first.
        # Unit tests run in make test, not each night (as build_task): excluded here, Cosmos also passes the
        # exclusion on to each model's `dbt build`, which would otherwise run the model's unit tests too.
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   select=select, exclude=["resource_type:unit_test"],
                                   should_detach_multiple_parents_tests=True),
        operator_args={"pool": DUCKDB_POOL, "install_deps": False, "vars": DBT_VARS, "dbt_cmd_flags": DBT_FLAGS,
                       "emit_datasets": False},
    )
