"""
### Shared media: nightly

Every night, for every brand account on every configured platform (`warehouse.yml`):

1. **extract** (one mapped task per account): read the platform's API through its extractor and land the
   payloads as received under `data/landing/<platform>/<stream>/<date>/`, with a manifest.
2. **load**: replace the date's rows in the DuckDB `raw` tables; bad rows go to `raw._quarantine`.
3. **transform_staging**: `dbt build` of the staging views and intermediate tables and their tests, in one task.
4. **score_sentiment**: language and sentiment of every new comment, reply and mention (cached).
5. **transform_marts**: the dbt marts, one task per model (astronomer-cosmos), each followed by its tests.
6. **validate**: Great Expectations suites on the marts; a failure stops here and nothing is published.
7. **publish**: a read-only copy of the marts at `data/published/warehouse.duckdb`, swapped in atomically,
   and the day's HTML report under `data/published/reports/<date>/`.
8. **deliver_alerts**: new crisis and reach-drop alerts of `rpt_alerts`, once each, by email
   (connection `smw_alerts_email`) and chat (`smw_alerts_chat`, Apprise: Slack, Teams, webhooks).

A failed task, and a failed quality gate with the path of its results, are sent to the same channels.

If an account fails to extract, the others still load and publish, and `extraction_failed` fails the run.
Tasks that write DuckDB share the one-slot pool `duckdb_writer`. The logical date is the day whose
counters are read (the run starts when that day ends, UTC).
"""

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, task

from warehouse import pipeline
from warehouse.alerts import failure_notifier
from warehouse.assets import MARTS, PUBLISHED, RAW
from warehouse.dbt import DUCKDB_POOL, build_task, task_group


def _day(logical_date) -> "pendulum.Date":
    # For this timetable a scheduled run's logical date is the start of the day it reads, and a manual
    # `dag.test(logical_date=D)` reads D: either way the snapshot day is the logical date's calendar day.
    return logical_date.date()


@dag(
    dag_id="shared_media_nightly",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 10, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shared-media", "nightly"],
    # Every task's failure reaches the alert channels (none configured: nothing is sent).
    default_args={"retries": 0, "on_failure_callback": failure_notifier()},
    user_defined_macros={"smw_lookback_days": pipeline.lookback_days},
)
def shared_media_nightly():
    @task
    def accounts() -> list[str]:
        return pipeline.account_keys()

    @task(max_active_tis_per_dagrun=4)
    def extract(account_key: str, logical_date=None, run_id=None) -> dict:
        return pipeline.extract(account_key, _day(logical_date), run_id)

    # all_done: one platform failing must not stop the other platforms' data from loading.
    @task(trigger_rule="all_done", pool=DUCKDB_POOL, outlets=[RAW])
    def load(logical_date=None, run_id=None) -> dict:
        return pipeline.load(_day(logical_date), run_id)

    @task(pool=DUCKDB_POOL)
    def score_sentiment() -> dict:
        return pipeline.score_sentiment()

    @task(pool=DUCKDB_POOL, outlets=[MARTS], on_failure_callback=failure_notifier(validation_results=True))
    def validate(logical_date=None) -> dict:
        return pipeline.validate(_day(logical_date))

    @task(outlets=[PUBLISHED])
    def publish(logical_date=None, run_id=None) -> dict:
        return pipeline.publish(_day(logical_date), run_id)

    # Reads rpt_alerts in the warehouse, hence the writers' pool (DuckDB: one process holds the file).
    @task(pool=DUCKDB_POOL)
    def deliver_alerts(logical_date=None, run_id=None) -> dict:
        return pipeline.deliver_alerts(_day(logical_date), run_id)

    # Load runs on all_done so one failing account does not hold back the others; Airflow judges a run by
    # its last tasks, so this one runs only when an extraction failed, and fails the run where it shows.
    @task(trigger_rule="one_failed")
    def extraction_failed() -> None:
        raise RuntimeError("at least one account failed to extract; the others were loaded and published")

    extracted = extract.expand(account_key=accounts())
    extracted >> extraction_failed()
    loaded = load()
    # Staging and intermediate models build in one task; each mart is a task of its own in the UI.
    staging = build_task("transform_staging", ["path:models/staging", "path:models/intermediate"])
    marts = task_group("transform_marts", ["path:models/marts"])
    extracted >> loaded >> staging >> score_sentiment() >> marts >> validate() >> publish() >> deliver_alerts()


nightly = shared_media_nightly()
