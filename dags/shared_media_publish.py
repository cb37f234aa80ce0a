"""
### Shared media: transform, validate, publish

Runs when **shared_media_nightly** has loaded a night into the raw tables (the Asset `duckdb://warehouse/raw`),
for that night; or by hand, to rebuild, re-validate and re-publish the marts without extracting again
(Trigger with the `day` parameter; empty: the latest night loaded).

1. **night**: the night to publish (the `day` parameter, else the night the Asset event names).
2. **transform_staging**: `dbt build` of the staging views and intermediate tables and their tests, in one task.
3. **score_sentiment**: language and sentiment of every new comment, reply and mention (cached).
4. **transform_marts**: `dbt build` of the marts and their tests (the tests on two marts too, once both are
   built), in one task (astronomer-cosmos); its log gives every model's and test's status.
5. **validate**: Great Expectations suites on the marts, the cross-mart reconciliation, and the night's raw
   verdict (the raw suites run by the load); a critical failure, or an expectation that raised, stops here and
   nothing is published. Its Data Docs are written either way (`data/validation/<date>/data_docs/`).
6. **publish**: a read-only copy of the marts at `data/published/warehouse.duckdb`, swapped in atomically,
   and each brand's report (HTML and PDF) under `data/published/reports/<date>/<brand>/`, with the night's
   Data Docs beside them (`data/published/reports/<date>/data-docs/`). A night older than
   the one published is not published unless the `backfill` parameter says so.
7. **deliver_alerts**: new crisis and reach-drop alerts of `rpt_alerts` (and schema drift not sent yet), once
   each, by email (connection `smw_alerts_email`) and chat (`smw_alerts_chat`, Apprise: Slack, Teams, webhooks).
8. **deliver_reports**: on the weekday of `reports.weekly_email_weekday` (default Monday), each brand's report
   as a PDF, once a week, through the same email connection.
9. **publish_docs** (after publish, beside the deliveries): dbt's docs, catalog, lineage and metrics, as one page
   that works offline, at `data/published/docs/index.html`.

A failed task, and a failed quality gate with the path of its results, are sent to the same channels.
Tasks that write DuckDB share the one-slot pool `duckdb_writer`.
"""

import pendulum
from airflow.sdk import Param, dag, task

from warehouse import pipeline
from warehouse.alerts import failure_notifier
from warehouse.assets import MARTS, PUBLISHED, RAW
from warehouse.dbt import DUCKDB_POOL, NIGHT_TASK, build_task


@dag(
    dag_id="shared_media_publish",
    schedule=[RAW],
    start_date=pendulum.datetime(2026, 10, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shared-media", "nightly"],
    default_args={"retries": 0, "on_failure_callback": failure_notifier()},
    params={"day": Param(None, type=["null", "string"], format="date",
                         description="The night to publish (YYYY-MM-DD); empty: the night the raw Asset names, "
                                     "else the latest night loaded."),
            "backfill": Param(False, type="boolean",
                              description="Publish even if the night is older than the one published (a backfill); "
                                          "otherwise an older night is rebuilt but not published.")},
    user_defined_macros={"smw_lookback_days": pipeline.lookback_days},
)
def shared_media_publish():
    # Reads raw._loads when no night is named, hence the writers' pool.
    @task(task_id=NIGHT_TASK, pool=DUCKDB_POOL)
    def night(params=None, triggering_asset_events=None) -> str:
        events = (triggering_asset_events or {}).get(RAW, [])
        return pipeline.night_to_publish(params.get("day"), [event.extra for event in events]).isoformat()

    @task(pool=DUCKDB_POOL)
    def score_sentiment() -> dict:
        return pipeline.score_sentiment()

    @task(pool=DUCKDB_POOL, outlets=[MARTS], on_failure_callback=failure_notifier(validation_results=True))
    def validate(day: str) -> dict:
        return pipeline.validate(pendulum.Date.fromisoformat(day))

    @task(outlets=[PUBLISHED])
    def publish(day: str, run_id=None, params=None) -> dict:
        return pipeline.publish(pendulum.Date.fromisoformat(day), run_id, backfill=bool(params.get("backfill")))

    # Reads rpt_alerts in the warehouse, hence the writers' pool (DuckDB: one process holds the file).
    @task(pool=DUCKDB_POOL)
    def deliver_alerts(day: str, run_id=None) -> dict:
        return pipeline.deliver_alerts(pendulum.Date.fromisoformat(day), run_id)

    # Reads the PDFs on disk only: no pool.
    @task
    def deliver_reports(day: str, run_id=None) -> dict:
        return pipeline.deliver_reports(pendulum.Date.fromisoformat(day), run_id)

    # dbt docs generate reads the warehouse's catalog, hence the writers' pool.
    @task(pool=DUCKDB_POOL)
    def publish_docs() -> dict:
        return pipeline.publish_docs()

    day = night()
    # Staging and intermediate models build in one task, the marts in another: a Cosmos task per mart took 3.3x
    # one dbt build of them (bench/cosmos_bench.py, docs/benchmarks.md); the task's log lists every model.
    staging = build_task("transform_staging", ["path:models/staging", "path:models/intermediate"])
    marts = build_task("transform_marts", ["path:models/marts"])
    validated = validate(day)
    published = publish(day)
    day >> staging >> score_sentiment() >> marts >> validated >> published
    published >> [deliver_alerts(day), deliver_reports(day)]
    published >> publish_docs()


publish_dag = shared_media_publish()
