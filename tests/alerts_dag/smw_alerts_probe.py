"""A DAG for tests/test_alerts.py: a quality gate that fails, with the alerts' failure notifier as its
on_failure_callback. Airflow's dag.test() runs DAGs from a bundle's folder, so it lives in a folder of its own."""

import pendulum
from airflow.sdk import dag, task

from warehouse.alerts import failure_notifier

ERROR = "expectation failed on marts.fct_account_daily {{ not a template }}"


@dag(dag_id="smw_alerts_probe", schedule=None, start_date=pendulum.datetime(2026, 11, 1, tz="UTC"), catchup=False)
def smw_alerts_probe():
    @task(on_failure_callback=failure_notifier(validation_results=True))
    def validate():
        raise RuntimeError(ERROR)

    validate()


smw_alerts_probe()
