"""Orchestration shared by the Airflow DAG and the `warehouse` CLI: settings, stages, run summary."""
