"""How the DAG runs the dbt project through astronomer-cosmos."""

from __future__ import annotations

from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos import settings as cosmos_settings
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection
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


# Where the dbt tasks outside the task group keep dbt's partial-parse file between runs (Cosmos's own cache
# folder, as its task groups use). Without it each task parsed the whole project (about 5 s, and Cosmos runs dbt
# with --no-static-parser); with it a run's second task reuses the first's parse, whose vars are the same. dbt
# checks the files, vars, profile and environment before reusing it, and parses in full when any differs.
PARSE_CACHE = cosmos_settings.cache_dir / "shared_media_dbt"


def _profile():
    return ProfileConfig(profile_name="shared_media", target_name="local", profiles_yml_filepath=PROFILES)


def _single_task_args() -> dict:
    """What every dbt task outside the Cosmos group runs with: in-process dbt on the project and the warehouse,
    the night's vars, no JSON artifacts, and the one-slot DuckDB pool."""
    return {"project_dir": str(DBT_PROJECT), "profile_config": _profile(),
            "invocation_mode": InvocationMode.DBT_RUNNER,
            "install_deps": False,  # no dbt hub here; the project writes its own macros
            "env": {"SMW_WAREHOUSE": str(warehouse_path())}, "append_env": True,
            "vars": DBT_VARS, "dbt_cmd_flags": DBT_FLAGS, "emit_datasets": False, "pool": DUCKDB_POOL,
            # the cached parse; Cosmos copies a manifest back beside it, and --no-write-json writes none: make
            # setup's is copied into the task's project (dbt itself reads the partial-parse file, not it)
            "cache_dir": PARSE_CACHE, "manifest_filepath": str(MANIFEST)}


def build_task(task_id: str, select: list[str]):
    """One `dbt build` of the selected models and their tests, as a single task.

    The publishing DAG builds its staging and intermediate models this way, and its marts too: one dbt
    invocation pays dbt's start-up once, where a Cosmos task per model paid it for each (the per-model task
    group took 3.3x one plain `dbt build` of the marts, one task 0.93x: bench/cosmos_bench.py). Each model's and
    test's status is in the task's log, as dbt prints it (`12 of 40 OK created sql table model ...`), a failure
    names the model or test, and `dbt build` skips the models downstream of it. Tests on two models of the
    selection (relationships between marts) run once both are built, in the same invocation."""
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
    DuckDB pool: DuckDB allows one writer at a time.

    The publishing DAG built its marts this way until its cost was measured against one `dbt build` (each task
    pays dbt's start-up and Airflow's own per-task cost); bench/cosmos_bench.py still measures it beside the one
    task the DAG runs now (build_task). The tests on two models are left out of the group (cautious selection):
    a model's build would otherwise run them with the first of the two built, before the other."""
    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT,
            manifest_path=MANIFEST,
            install_dbt_deps=False,  # no dbt hub here; the project writes its own macros
            env_vars={"SMW_WAREHOUSE": str(warehouse_path())},
        ),
        profile_config=_profile(),
        # A model's `dbt build` runs only the tests on it alone (cautious indirect selection), as the docstring says.
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
