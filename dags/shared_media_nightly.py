"""
### Shared media: nightly extract and load

Every night, for every brand account on every configured platform (`warehouse.yml`):

1. **extract** (one mapped task per account, named by its account): read the platform's API through its
   extractor and land the payloads as received under `data/landing/<platform>/<stream>/<date>/`, with a manifest.
2. **load**: replace the date's rows in the DuckDB `raw` tables; bad rows go to `raw._quarantine`. Then the raw
   suites (Great Expectations): rows breaking a row rule move to `raw._rejected`, the fields' drift is recorded
   in `raw._schema_drift`, and the night's verdict is written for the gate (`data/validation/<date>/raw.json`).
   It updates the Asset `duckdb://warehouse/raw` with the night it loaded, and that starts
   **shared_media_publish** (transform, validate, publish, alerts) for that night: one click runs the whole night.
3. **deliver_drift_alerts**: new `schema_drift` alerts, by the alert channels, before any publish.

If an account fails to extract, the others still load and publish, and `extraction_failed` fails the run.
Every failed task is sent to the alert channels (connections `smw_alerts_email`, `smw_alerts_chat`).
The logical date is the day whose counters are read (the run starts when that day ends, UTC).
"""

import pendulum
from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

from warehouse import pipeline
from warehouse.alerts import failure_notifier
from warehouse.assets import RAW
from warehouse.dbt import DUCKDB_POOL

DRIFT_ALERT_PRIORITY = 1000  # above any publishing task's weight (the downstream rule: at most ~40)


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
)
def shared_media_nightly():
    @task
    def accounts() -> list[str]:
        return pipeline.account_keys()

    # The UI names each mapped task by its account ("instagram:1784..."), not by its index.
    @task(max_active_tis_per_dagrun=4, map_index_template="{{ account_key }}")
    def extract(account_key: str, logical_date=None, run_id=None) -> dict:
        get_current_context()["account_key"] = account_key  # type: ignore[typeddict-unknown-key]
        return pipeline.extract(account_key, _day(logical_date), run_id)

    # all_done: one platform failing must not stop the other platforms' data from loading.
    @task(trigger_rule="all_done", pool=DUCKDB_POOL, outlets=[RAW])
    def load(logical_date=None, run_id=None, outlet_events=None) -> dict:
        day = _day(logical_date)
        result = pipeline.load(day, run_id)
        # The publishing DAG reads which night to transform from the Asset event.
        outlet_events[RAW].extra = {"day": day.isoformat()}
        return result

    # Load runs on all_done so one failing account does not hold back the others; Airflow judges a run by
    # its last tasks, so this one runs only when an extraction failed, and fails the run where it shows.
    @task(trigger_rule="one_failed")
    def extraction_failed() -> None:
        raise RuntimeError("at least one account failed to extract; the others were loaded and published")

    # The schema drift the load's raw suites found, sent before the publish (which a drift can block). The load's
    # Asset event starts the publishing DAG at once, and its ~35 tasks want the same one-slot pool: by default
    # weight this task would wait behind all of them (the night's run unfinished, the alert late), so it goes first.
    @task(pool=DUCKDB_POOL, priority_weight=DRIFT_ALERT_PRIORITY, weight_rule="absolute")
    def deliver_drift_alerts(logical_date=None, run_id=None) -> dict:
        return pipeline.deliver_drift_alerts(_day(logical_date), run_id)

    extracted = extract.expand(account_key=accounts())
    extracted >> extraction_failed()
    extracted >> load() >> deliver_drift_alerts()


nightly = shared_media_nightly()
