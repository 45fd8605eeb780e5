"""What the DAG does when a task fails for good, and where it finds SMTP settings."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage

from pipeline.settings import Settings

log = logging.getLogger(__name__)


SMTP_CONN_ID = "smtp_default"


def smtp_from_airflow() -> dict | None:
    """SMTP settings from the Airflow connection `smtp_default`, or None when it is not defined."""
    try:
        from airflow.sdk import BaseHook

        conn = BaseHook.get_connection(SMTP_CONN_ID)
    except Exception:  # the connection is optional: no connection means no e-mail
        return None
    if not conn.host:
        return None
    extra = conn.extra_dejson or {}
    return {"host": conn.host, "port": conn.port or 25, "user": conn.login or None, "password": conn.password or None,
            "sender": extra.get("from_email") or "annual-reports@localhost", "starttls": bool(extra.get("starttls"))}


def record_failure(context: dict) -> None:
    """Append the failure to the lake's run history and tell the admin (ADMIN_EMAIL) when SMTP is set."""
    from ingest.lake import Lake

    settings = Settings.from_env()
    ti = context.get("task_instance") or context.get("ti")
    run_id = str(context.get("run_id") or "unknown")
    task_id = getattr(ti, "task_id", "?")
    error = str(context.get("exception") or "")[:2000]
    now = datetime.now(UTC)
    lake = Lake(settings.lake_dir)
    lake.init()
    lake.write_rows("runs", f"failed-{run_id}-{task_id}".replace(":", "-").replace("+", "-"), [{
        "run_id": run_id, "started_at": now, "finished_at": now, "status": f"failed: {task_id}: {error[:500]}",
        "n_new": None, "n_ingested": None, "n_quarantined": None, "seconds": None}])
    from pipeline.stages import smtp_from_settings

    smtp = smtp_from_airflow() or smtp_from_settings(settings)
    if smtp is None or not settings.admin_email:
        log.error("run %s failed in %s: %s (no admin e-mail configured)", run_id, task_id, error)
        return
    msg = EmailMessage()
    msg["From"], msg["To"] = smtp["sender"], settings.admin_email
    msg["Subject"] = f"[annual_reports_nightly] run {run_id} failed in {task_id}"
    msg.set_content(f"Task {task_id} of run {run_id} failed at {now.isoformat()}:\n\n{error}")
    try:
        with smtplib.SMTP(smtp["host"], int(smtp["port"]), timeout=15) as server:
            if smtp.get("user"):
                server.login(smtp["user"], smtp.get("password") or "")
            server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("could not e-mail the admin about run %s: %s", run_id, exc)
