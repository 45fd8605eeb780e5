"""Owner reports render in a real headless Chromium, and e-mail reaches a real SMTP server."""

from __future__ import annotations

import csv
import email
import socket
import time
from email import policy
from pathlib import Path

import duckdb
import pytest

from publish.delivery import deliver
from publish.owner_reports import csv_cell_sql
from tests.conftest import assert_not_blank, render


@pytest.mark.slow
def test_owner_report_renders_in_chromium(samples_run, tmp_path) -> None:
    _, out = samples_run
    report = next(r for r in out.publish.reports if r.owner == "科技创新局数据专员")
    dom = render(report.html_path, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="finding"') == report.n_findings >= 2
    assert "parts add up to 109场, total says 119场" in dom.stdout
    assert "<mark>119场</mark>" in dom.stdout and "<svg" in dom.stdout
    assert_not_blank(report.html_path, tmp_path)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    cells = {'=HYPERLINK("http://x")': """'=HYPERLINK("http://x")""", "+1+2": "'+1+2", "@SUM(A1)": "'@SUM(A1)",
             "\tcmd": "'\tcmd", "-x": "'-x", "-3.5": "-3.5", "净增-3": "净增-3", None: None}
    with duckdb.connect() as con:
        for value, expected in cells.items():
            cell = con.execute(f"select {csv_cell_sql('message')} from (select ?::varchar as message)", [value]).fetchone()
            assert cell[0] == expected, value
    assert csv_cell_sql("char_start") == "char_start"  # numbers are written as numbers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp_server():
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802, ARG002 (aiosmtpd's hook name and signature)
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


def test_publish_emails_each_owner_with_findings(samples_run, smtp_server) -> None:
    settings, out = samples_run
    controller, sink = smtp_server
    reports = list(out.publish.reports)
    smtp = {"host": "127.0.0.1", "port": controller.port, "sender": "dq@example.org"}
    outcome = deliver(reports, smtp)
    with_findings = {r.email for r in reports if r.n_findings or r.n_resolved or r.notify_clean}
    assert set(outcome.sent) == with_findings and outcome.failed == ()
    assert {rcpt for rcpts, _ in sink.messages for rcpt in rcpts} == with_findings
    tech = next(email.message_from_bytes(raw, policy=policy.default) for rcpts, raw in sink.messages
                if rcpts == ["kjcxj-data@example.org"])
    assert tech["Subject"].startswith("[数据质量] 科技创新局数据专员: 2 errors")
    attachments = list(tech.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["科技创新局数据专员.csv"]
    csv_text = attachments[0].get_content()
    assert "total_mismatch" in csv_text and "县科协" not in csv_text
    assert "parts add up to 109场" in tech.get_body(("html",)).get_content()


def test_a_failed_send_is_retried_reported_and_never_raises(samples_run) -> None:
    _, out = samples_run
    reports = list(out.publish.reports)
    started = time.monotonic()
    outcome = deliver(reports, {"host": "127.0.0.1", "port": _free_port(), "timeout": 2}, retries=2, backoff=0.1)
    assert outcome.sent == () and len(outcome.failed) >= 1
    assert all("Error" in f.error or "refused" in f.error.lower() for f in outcome.failed)
    assert time.monotonic() - started < 30


def test_owners_without_findings_get_nothing_unless_notify_clean(samples_run, smtp_server) -> None:
    _, out = samples_run
    controller, sink = smtp_server
    reports = list(out.publish.reports)
    outcome = deliver(reports, {"host": "127.0.0.1", "port": controller.port})
    clean = [r for r in reports if r.n_findings == 0 and r.n_resolved == 0]
    assert clean, "the samples leave at least one owner without findings"
    for r in clean:
        assert (r.email in outcome.sent) == r.notify_clean


def test_a_failed_run_is_recorded_and_the_admin_is_told(tmp_path, smtp_server, monkeypatch) -> None:
    from ingest.lake import Lake
    from pipeline.alerts import record_failure

    controller, sink = smtp_server
    for key, value in (("LAKE_DIR", tmp_path / "lake"), ("ADMIN_EMAIL", "admin@example.org"),
                       ("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", controller.port)):
        monkeypatch.setenv(key, str(value))

    class TaskInstance:
        task_id = "build"

    record_failure({"run_id": "scheduled__2026-11-29T02:00:00+00:00", "task_instance": TaskInstance(),
                    "exception": RuntimeError("dbt build failed: assert_metric_span_matches_text")})
    runs = Lake(tmp_path / "lake").read_table("runs").to_pylist()
    assert [r["status"] for r in runs] == ["failed: build: dbt build failed: assert_metric_span_matches_text"]
    (rcpts, raw), = sink.messages
    message = email.message_from_bytes(raw, policy=policy.default)
    assert rcpts == ["admin@example.org"] and "failed in build" in message["Subject"]


def test_a_long_report_page_shows_the_first_rows_and_the_csv_keeps_all(samples_run, tmp_path, monkeypatch) -> None:
    from publish import owner_reports

    settings, _ = samples_run
    monkeypatch.setattr(owner_reports, "MAX_HTML_ROWS", 1)
    reports = owner_reports.write_owner_reports(settings.warehouse_path, tmp_path, "capped")
    report = next(r for r in reports if r.owner == "科技创新局数据专员")
    assert report.n_findings >= 2
    html = Path(report.html_path).read_text(encoding="utf-8")
    assert html.count('class="finding"') == 1
    assert f"all {report.n_findings} are in" in html and Path(report.csv_path).name in html
    with open(report.csv_path, encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == report.n_findings + report.n_resolved
