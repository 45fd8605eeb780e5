"""annual_reports_nightly: landing → ingest → lake → dbt → quality → reports, every night at 02:00.

A page of wiring: every task calls the same function the `warehouse` CLI calls (pipeline.stages). Nothing
runs at import: settings are read and modules imported inside the tasks. The stages return dataclasses;
a task hands its result to XCom as a dict (`_xcom`): Airflow serializes a dataclass of any module, but
deserializes only the classes `[core] allowed_deserialization_classes` allows (`airflow.*`). `promote` updates the asset
PUBLISHED_WAREHOUSE, so a DAG scheduled on it (`schedule=[PUBLISHED_WAREHOUSE]`) runs once a night's
warehouse is published.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk import Asset, dag, task

# The published warehouse file (WAREHOUSE_PATH), as downstream DAGs know it.
PUBLISHED_WAREHOUSE = Asset(name="annual_reports_warehouse", group="annual_reports")

DEFAULT_ARGS = {
    "owner": "data-platform",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
}


def _locked_stage(stage: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one stage of pipeline.stages under the run lock (a CLI run at the same time waits, up to 10 min)."""
    from pipeline.settings import Settings
    from pipeline.stages import run_lock

    settings = Settings.from_env()
    with run_lock(settings, wait_seconds=600):
        return stage(settings, *args, **kwargs)


def _run_id(run_id: str | None) -> str:
    from pipeline.stages import safe_run_id

    return safe_run_id(run_id)


def _xcom(result: Any) -> dict[str, Any]:
    """A stage's result as XCom stores it: a dict of plain values (see the module's docstring)."""
    from dataclasses import asdict

    return asdict(result)


def _on_failure(context) -> None:  # type: ignore[no-untyped-def]
    from pipeline.alerts import record_failure

    record_failure(context)


@dag(
    dag_id="annual_reports_nightly",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    on_failure_callback=_on_failure,
    tags=["annual-reports"],
    doc_md=__doc__,
)
def annual_reports_nightly() -> None:
    @task
    def discover(run_id: str | None = None) -> list[list[dict]]:
        """Record every landed file in the ledger; return the new documents to parse, in batches (no more
        than Airflow's max_map_length: a first night of 10,000 reports would be refused as 10,000 tasks)."""
        from airflow.sdk.configuration import conf

        from pipeline.stages import discover_batches

        return _locked_stage(discover_batches, _run_id(run_id), max_batches=conf.getint("core", "max_map_length"))

    @task(max_active_tis_per_dagrun=8)
    def ingest(batch: list[dict]) -> dict:
        """Parse one batch of documents into the lake (mapped: one task instance per batch)."""
        from pipeline.settings import Settings
        from pipeline.stages import ingest_stage

        results = ingest_stage(Settings.from_env(), batch)
        return {"documents": len(results), "ingested": sum(r["status"] == "ingested" for r in results),
                "quarantined": [{"source_file": r["source_file"], "reason": r["reason"]}
                                for r in results if r["status"] == "quarantined"],
                "metrics": sum(r["n_metrics"] for r in results)}

    @task(trigger_rule="none_failed")  # runs when nothing new landed (ingest mapped to zero and skipped)
    def build(_parsed: list[dict], run_id: str | None = None) -> dict:
        """dbt build into a candidate warehouse file (fresh, or a copy of the published one when only new
        documents landed); skipped (and so is everything after it) when no input changed since the published
        build."""
        from airflow.sdk.exceptions import AirflowSkipException

        from pipeline.stages import build_stage

        built = _locked_stage(build_stage, _run_id(run_id))
        if built.skipped:
            raise AirflowSkipException(f"{built.reason}: the published warehouse and reports stay as they are")
        return _xcom(built)

    @task
    def validate(_built: dict, run_id: str | None = None) -> dict:
        """GX over the candidate; finding lifecycle; quality marts."""
        from pipeline.stages import validate_stage

        return _xcom(_locked_stage(validate_stage, _run_id(run_id)))

    @task(outlets=[PUBLISHED_WAREHOUSE])
    def promote(_validated: dict, run_id: str | None = None) -> dict:
        """Atomically replace the published warehouse with the candidate (an event of PUBLISHED_WAREHOUSE)."""
        from pipeline.stages import promote_stage

        return _xcom(_locked_stage(promote_stage, _run_id(run_id)))

    @task(trigger_rule="none_failed")  # a night that built nothing still finishes what the last left undone
    def publish_reports() -> dict:
        """Owner reports and e-mail (SMTP from the Airflow connection `smtp_default` when it exists) of the
        published run, when it still owes them."""
        from pipeline.alerts import smtp_from_airflow
        from pipeline.settings import Settings
        from pipeline.stages import publish_stage, smtp_from_settings, summarize

        settings = Settings.from_env()
        smtp = smtp_from_airflow() or smtp_from_settings(settings)
        published = _locked_stage(publish_stage, smtp=smtp)
        return {"publish": _xcom(published), "summary": _xcom(summarize(settings))}

    batches = discover()
    parsed = ingest.expand(batch=batches)
    # publish_reports takes no value from promote: after a skipped build there is none, and it still runs
    promote(validate(build(parsed))) >> publish_reports()


annual_reports_nightly()
