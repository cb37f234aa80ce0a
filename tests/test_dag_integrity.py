"""Every DAG file imports cleanly, the way the scheduler parses it, and has the shape the README describes."""

from __future__ import annotations

import re
from pathlib import Path

DAGS = Path(__file__).resolve().parent.parent / "dags"


def test_every_dag_file_imports_without_errors(airflow_db, dbt_manifest):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS), safe_mode=False)
    assert bag.import_errors == {}
    assert {"shared_media_nightly", "shared_media_publish", "shared_media_stories"} <= set(bag.dag_ids)


def test_the_story_capture_runs_every_3_hours_one_task_per_account_and_writes_no_duckdb(airflow_db, dbt_manifest):
    from warehouse.__main__ import stories_dag

    dag = stories_dag()
    tasks = {task.task_id: task for task in dag.tasks}
    assert set(tasks) == {"accounts", "capture"}
    assert dag.timetable.expression == "0 */3 * * *" and not dag.catchup and dag.doc_md
    assert tasks["capture"].partial_kwargs.get("map_index_template") == "{{ account_key }}"
    # landing only: the nightly load takes the pool, not the captures
    assert {task.pool for task in tasks.values()} == {"default_pool"}


def test_the_nightly_dags_have_their_stages_in_order_and_serialize_duckdb_writers(airflow_db, dbt_manifest):
    from warehouse.__main__ import nightly_dag, publish_dag
    from warehouse.assets import RAW
    from warehouse.dbt import MANIFEST, PARSE_CACHE

    # extract and load, every night
    nightly = nightly_dag()
    tasks = {task.task_id: task for task in nightly.tasks}
    assert set(tasks) == {"accounts", "extract", "extraction_failed", "load", "deliver_drift_alerts"}
    # schema drift is sent after the load, before (and whether or not) the publish
    assert tasks["deliver_drift_alerts"].upstream_task_ids == {"load"}
    assert tasks["load"].trigger_rule == "all_done" and tasks["load"].pool == "duckdb_writer"
    assert tasks["load"].outlets == [RAW]
    # the UI names each mapped extraction by its account
    assert tasks["extract"].partial_kwargs.get("map_index_template") == "{{ account_key }}"
    # transform, validate, publish and alert, on the raw Asset the load updates
    dag = publish_dag()
    assert [asset.uri for asset in dag.timetable.asset_condition.objects] == [RAW.uri]
    assert dag.doc_md and "publish" in dag.doc_md and "day" in dag.params
    tasks = {task.task_id: task for task in dag.tasks}
    transform = sorted(task_id for task_id in tasks if task_id.startswith("transform_"))
    # staging and intermediate in one dbt invocation, the marts in another (a Cosmos task per mart took 3.3x)
    assert transform == ["transform_marts", "transform_staging"]
    assert tasks["transform_staging"].select == "path:models/staging path:models/intermediate"
    assert tasks["transform_marts"].select == "path:models/marts"
    # the marts' task reuses the staging task's dbt parse (Cosmos's cache folder), which copies make setup's manifest
    assert {tasks[task_id].cache_dir for task_id in transform} == {PARSE_CACHE}
    assert {tasks[task_id].manifest_filepath for task_id in transform} == {str(MANIFEST)}
    # unit tests run in make test, not each night: neither build runs them
    assert {tasks[task_id].exclude for task_id in transform} == {"test_type:unit"}
    # dbt's incremental models read the night the first task resolved
    assert all("xcom_pull(task_ids='night')" in tasks[task_id].vars["logical_date"] for task_id in transform)
    # every task that writes DuckDB takes the one-slot pool
    writers = ["night", "score_sentiment", "validate", "deliver_alerts", "publish_docs", *transform]
    assert {tasks[task_id].pool for task_id in writers} == {"duckdb_writer"}
    assert tasks["transform_staging"].upstream_task_ids == {"night"}
    assert tasks["score_sentiment"].upstream_task_ids == {"transform_staging"}
    assert tasks["transform_marts"].upstream_task_ids == {"score_sentiment"}
    # the tests on two marts run in the marts' build (eager selection: once both marts are built), not apart
    assert tasks["transform_marts"].indirect_selection is None
    assert not [task_id for task_id in tasks if task_id.startswith("test_")]
    assert set(tasks["validate"].upstream_task_ids) == {"night", "transform_marts"}
    assert tasks["publish"].upstream_task_ids == {"night", "validate"}
    assert tasks["deliver_alerts"].upstream_task_ids == {"night", "publish"}
    # dbt docs, after publish (the marts validated), on a branch of their own: alerts do not wait for them
    assert tasks["publish_docs"].upstream_task_ids == {"publish"}
    assert tasks["deliver_reports"].upstream_task_ids == {"night", "publish"}
    # every failure is notified; the gate's with its validation results
    for each in (nightly, dag):
        assert all(task.has_on_failure_callback for task in each.tasks)
    assert tasks["validate"].on_failure_callback[0].validation_results is True


def test_no_airflow_2_spellings():
    # Airflow 3: airflow.sdk, Asset, schedule; not airflow.decorators, Dataset or schedule_interval
    retired = re.compile(r"airflow\.decorators|airflow\.datasets|schedule_interval|\bDataset\b|airflow\.operators\.")
    folders = ("dags", "warehouse", "core", "extractors", "loader", "sentiment", "expectations", "publishing")
    offenders = [str(path) for folder in folders for path in Path(DAGS.parent, folder).rglob("*.py")
                 if retired.search(path.read_text())]
    assert offenders == []
