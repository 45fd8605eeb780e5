"""E-mail each owner their quality report. A failed send is retried, then reported; it never fails the run."""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from publish.owner_reports import OwnerReport

log = logging.getLogger(__name__)


def subject_line(report: OwnerReport) -> str:
    c = report.counts
    return (f"[数据质量] {report.owner}: {c.get('error', 0)} errors, {c.get('warning', 0)} warnings, "
            f"{c.get('info', 0)} info ({report.n_new} new, {report.n_resolved} resolved)"
            + (f", {report.n_quarantined} file(s) quarantined" if report.n_quarantined else ""))


def build_message(report: OwnerReport, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = report.email or ""
    msg["Subject"] = subject_line(report)
    html = Path(report.html_path).read_text(encoding="utf-8")
    msg.set_content(f"{subject_line(report)}\n\nThe report is attached as HTML and CSV.")
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(Path(report.csv_path).read_bytes(), maintype="text", subtype="csv",
                       filename=Path(report.csv_path).name)
    return msg


def _send(msg: EmailMessage, smtp: dict) -> None:
    with smtplib.SMTP(smtp["host"], int(smtp.get("port") or 25), timeout=float(smtp.get("timeout", 15))) as server:
        if smtp.get("starttls"):
            server.starttls()
        if smtp.get("user"):
            server.login(smtp["user"], smtp.get("password") or "")
        server.send_message(msg)


@dataclass(frozen=True, slots=True)
class FailedSend:
    to: str
    error: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """What `deliver` did: `configured` is False without SMTP (every report skipped)."""
    configured: bool
    sent: tuple[str, ...] = ()  # e-mail addresses
    skipped: tuple[str, ...] = ()  # owners: no address, or nothing to tell and no wish for clean reports
    failed: tuple[FailedSend, ...] = ()


def deliver(reports: list[OwnerReport], smtp: dict | None, retries: int = 3, backoff: float = 1.0) -> Delivery:
    """Send each owner with findings, quarantined files (or notify_clean) their report; a send that fails
    `retries` times is reported, not raised."""
    if smtp is None:
        return Delivery(False, skipped=tuple(r.owner for r in reports))
    sent: list[str] = []
    skipped: list[str] = []
    failed: list[FailedSend] = []
    for report in reports:
        if not report.email or (report.n_findings == 0 and report.n_resolved == 0 and report.n_quarantined == 0
                                and not report.notify_clean):
            skipped.append(report.owner)
            continue
        msg = build_message(report, smtp.get("sender") or "annual-reports@localhost")
        for attempt in range(1, retries + 1):
            try:
                _send(msg, smtp)
                sent.append(report.email)
                break
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("sending to %s failed (attempt %d/%d): %s", report.email, attempt, retries, exc)
                if attempt == retries:
                    failed.append(FailedSend(report.email, f"{type(exc).__name__}: {exc}"))
                else:
                    time.sleep(backoff * attempt)
    return Delivery(True, tuple(sent), tuple(skipped), tuple(failed))
