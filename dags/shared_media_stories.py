"""
### Shared media: intra-day story capture

Instagram and Facebook stories live 24 hours, and their insights with them: a nightly read would miss every
story published and expired between two nights, and read the others' insights hours before they end. Every
3 hours, for every Instagram and Facebook account of `warehouse.yml`:

1. **capture** (one mapped task per account, named by its account): list the account's live stories and read
   each one's insights (Instagram: views, reach, replies, shares, follows, profile visits, and navigation: taps
   forward and back, exits, swipes to the next account), landed as received under
   `data/landing/<platform>/<stream>/<UTC date>/capture=<HHMMSS>/`, with a manifest of its own.

Nothing is written to DuckDB here (no pool, no lock on the warehouse): the **shared_media_nightly** run of that
UTC date loads every capture of the date with the rest of the night, and the marts keep each story's last
capture with insights (`fct_story_performance`; stories are content type `story` in `dim_posts`). A story is
captured at least 7 times in its 24 hours, so one failed capture loses nothing. On the simulated world the
run's logical date is the world's clock.
"""

import pendulum
from airflow.sdk import CronTriggerTimetable, dag, get_current_context, task

from warehouse import pipeline
from warehouse.alerts import failure_notifier

EVERY_HOURS = 3  # a story (24 h) is seen by 7 or 8 captures; its last is at most 3 h before it expires


@dag(
    dag_id="shared_media_stories",
    schedule=CronTriggerTimetable(f"0 */{EVERY_HOURS} * * *", timezone="UTC"),
    start_date=pendulum.datetime(2026, 10, 1, tz="UTC"),
    catchup=False,  # a missed capture cannot be made up: the API serves only the stories live now
    max_active_runs=1,
    doc_md=__doc__,
    tags=["shared-media", "stories", "intra-day"],
    default_args={"retries": 1, "retry_delay": pendulum.duration(minutes=5),
                  "on_failure_callback": failure_notifier()},
)
def shared_media_stories():
    @task
    def accounts() -> list[str]:
        return pipeline.capture_account_keys()

    @task(max_active_tis_per_dagrun=4, map_index_template="{{ account_key }}")
    def capture(account_key: str, logical_date=None, run_id=None) -> dict:
        get_current_context()["account_key"] = account_key  # type: ignore[typeddict-unknown-key]
        # A trigger timetable's run starts at its logical date: the capture's moment (a manual run without one,
        # now).
        at = logical_date or pendulum.now("UTC")
        return pipeline.capture(account_key, at, run_id)

    capture.expand(account_key=accounts())


stories = shared_media_stories()
