"""Owner reports render in a real headless Chromium, and e-mail reaches a real SMTP server."""

from __future__ import annotations

import email
import shutil
import socket
import subprocess
import time
from email import policy

import pytest

from publish.delivery import deliver
from publish.owner_reports import OwnerReport, neutralise_csv_cell

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed and could not be (make test-tools installs Debian's package)")
    return path


def render(html_path: str, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra,
                           f"file://{html_path}"], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_owner_report_renders_in_chromium(samples_run, tmp_path) -> None:
    from PIL import Image

    _, out = samples_run
    report = next(r for r in out["publish"]["reports"] if r["owner"] == "科技创新局数据专员")
    dom = render(report["html_path"], tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="finding"') == report["n_findings"] >= 2
    assert "parts add up to 109, total says 126" in dom.stdout
    assert "<mark>126场</mark>" in dom.stdout and "<svg" in dom.stdout
    shot = tmp_path / "report.png"
    png = render(report["html_path"], tmp_path, f"--screenshot={shot}", "--window-size=1200,900")
    assert png.returncode == 0 and shot.exists(), png.stderr[-2000:]
    pixels = Image.open(shot).convert("L")
    low, high = pixels.getextrema()
    assert high - low > 100, "the screenshot is blank"
    assert len(set(pixels.resize((120, 90)).getdata())) > 8


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised() -> None:
    assert neutralise_csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert neutralise_csv_cell("+1+2") == "'+1+2" and neutralise_csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_csv_cell("-3.5") == "-3.5" and neutralise_csv_cell(42) == 42


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

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
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
    reports = [OwnerReport(**r) for r in out["publish"]["reports"]]
    smtp = {"host": "127.0.0.1", "port": controller.port, "sender": "dq@example.org"}
    outcome = deliver(reports, smtp)
    with_findings = {r.email for r in reports if r.n_findings or r.n_resolved or r.notify_clean}
    assert set(outcome["sent"]) == with_findings and outcome["failed"] == []
    assert {rcpt for rcpts, _ in sink.messages for rcpt in rcpts} == with_findings
    tech = next(email.message_from_bytes(raw, policy=policy.default) for rcpts, raw in sink.messages
                if rcpts == ["kjcxj-data@example.org"])
    assert tech["Subject"].startswith("[数据质量] 科技创新局数据专员: 2 errors")
    attachments = list(tech.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["科技创新局数据专员.csv"]
    csv_text = attachments[0].get_content()
    assert "total_mismatch" in csv_text and "县科协" not in csv_text
    assert "parts add up to 109" in tech.get_body(("html",)).get_content()


def test_a_failed_send_is_retried_reported_and_never_raises(samples_run) -> None:
    _, out = samples_run
    reports = [OwnerReport(**r) for r in out["publish"]["reports"]]
    started = time.monotonic()
    outcome = deliver(reports, {"host": "127.0.0.1", "port": _free_port(), "timeout": 2}, retries=2, backoff=0.1)
    assert outcome["sent"] == [] and len(outcome["failed"]) >= 1
    assert all("Error" in f["error"] or "refused" in f["error"].lower() for f in outcome["failed"])
    assert time.monotonic() - started < 30


def test_owners_without_findings_get_nothing_unless_notify_clean(samples_run, smtp_server) -> None:
    _, out = samples_run
    controller, sink = smtp_server
    reports = [OwnerReport(**r) for r in out["publish"]["reports"]]
    outcome = deliver(reports, {"host": "127.0.0.1", "port": controller.port})
    clean = [r for r in reports if r.n_findings == 0 and r.n_resolved == 0]
    assert clean, "the samples leave at least one owner without findings"
    for r in clean:
        assert (r.email in outcome["sent"]) == r.notify_clean
