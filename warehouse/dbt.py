"""How the DAG runs the dbt project through astronomer-cosmos, each model a task."""

from __future__ import annotations

from warehouse.config import PROJECT_ROOT, warehouse_path

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
MANIFEST = DBT_PROJECT / "target" / "manifest.json"
DUCKDB_POOL = "duckdb_writer"


def task_group(group_id: str, select: list[str]):
    """A Cosmos task group of the selected models, rendered from dbt's manifest (made by `make setup`), so
    parsing the DAG file runs no dbt command. Every task takes the one-slot DuckDB pool: DuckDB allows one
    writer at a time."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

    return DbtTaskGroup(
        group_id=group_id,
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT,
            manifest_path=MANIFEST,
            install_dbt_deps=False,  # no dbt hub here; the project writes its own macros
            env_vars={"SMW_WAREHOUSE": str(warehouse_path())},
        ),
        profile_config=ProfileConfig(
            profile_name="shared_media",
            target_name="local",
            profiles_yml_filepath=DBT_PROJECT / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL,
            invocation_mode=InvocationMode.DBT_RUNNER,
        ),
        # A test on two models (relationships) gets a task after both, instead of running with the first.
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD,
                                   select=select, should_detach_multiple_parents_tests=True),
        # Incremental models recompute from the run's logical date minus the lookback window; both are
        # rendered when the task runs (smw_lookback_days is a DAG macro reading warehouse.yml then).
        operator_args={"pool": DUCKDB_POOL, "install_deps": False,
                       "vars": {"logical_date": "{{ ds }}", "lookback_days": "{{ smw_lookback_days() }}"}},
    )
