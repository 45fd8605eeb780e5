"""Untrusted reports, trusted outputs: each defence attacked by a test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import PROJECT_ROOT
from pipeline.stages import run_all
from tests.conftest import landing_with, render, settings_for

HOSTILE = """东湖区科技局2024年工作总结
　　2024年，东湖区科技局开展工作。
　　一、工作成效
　　全年举办<script>document.title='pwned';document.body.innerHTML='pwned'</script>活动100场，其中讲座50场、培训40场。
　　发放<img src=x onerror="document.title='pwned'">资料XX份，</td></tr></table><b>注入</b>{{ 7*7 }}{% raw %}。
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    settings = landing_with(tmp_path_factory.mktemp("hostile"), {
        "hostile.txt": HOSTILE, "=cmd|' calc'!A1.txt": HOSTILE.replace("东湖区", "西湖区")})
    return settings, run_all(settings)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["owner_report", "overview"])
def test_html_in_a_report_is_shown_as_text_and_never_runs(hostile_run, tmp_path, page: str) -> None:
    settings, out = hostile_run
    path = (next(r.html_path for r in out.publish.reports if r.n_findings)
            if page == "owner_report" else out.publish.overview)
    html = Path(path).read_text(encoding="utf-8")
    assert "<script>document" not in html and "<img src=x" not in html
    dom = render(path, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "pwned" not in dom.stdout.split("<body")[0]  # the title was not changed by a script
    assert "<script" not in dom.stdout and "<img" not in dom.stdout
    if page == "owner_report":
        assert "&lt;/script&gt;活动" in dom.stdout  # visible, literally
        assert "&lt;img src=x onerror=" in dom.stdout and "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in dom.stdout
        assert "{{ 7*7 }}{% raw %}" in dom.stdout  # template syntax in the data is not evaluated


def test_csv_report_neutralises_formula_cells(hostile_run) -> None:
    _, out = hostile_run
    csv_text = Path(next(r.csv_path for r in out.publish.reports if r.n_findings)).read_text(encoding="utf-8-sig")
    assert "'=cmd|' calc'!A1.txt" in csv_text
    assert not re.search(r"(^|,)=cmd", csv_text, re.M)


def test_hostile_file_names_are_handled_and_symlinks_out_are_not_followed(tmp_path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    body = "县科协2024年工作总结\n一、工作成效\n全年举办科普讲座{}场。\n"
    names = ["with space.txt", "中文 名称.txt", "quote'\"s.txt", "semi;colon.txt", "-leading-dash.txt",
             "x" * 200 + ".txt", "dots..in..name.txt", "$(touch pwned).txt"]
    for i, name in enumerate(names):
        (landing / name).write_text(body.format(10 + i), encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text(body.format(99), encoding="utf-8")
    (landing / "link_out.txt").symlink_to(outside)
    settings = settings_for(tmp_path, landing)
    run_all(settings)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        ledger = dict(con.execute("select source_file, status || ': ' || coalesce(reason, '') from marts.ingest_ledger").fetchall())
        outside_values = con.execute("select count(*) from marts.fct_metric where value = 99").fetchone()[0]
    assert {n: ledger[n].split(":")[0] for n in names} == {n: "ingested" for n in names}
    assert ledger["link_out.txt"].startswith("quarantined: symlink pointing outside")
    assert outside_values == 0
    assert not (Path.cwd() / "pwned").exists() and not (landing / "pwned").exists()


def test_no_shell_anywhere() -> None:
    tracked = subprocess.run(["git", "ls-files", "*.py"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    offenders = [f for f in tracked if "shell=True" in (PROJECT_ROOT / f).read_text(encoding="utf-8")
                 and f != "tests/test_security.py"]
    assert offenders == []
    assert "os.system(" not in "".join((PROJECT_ROOT / f).read_text(encoding="utf-8") for f in tracked
                                       if f != "tests/test_security.py")


SECRET_PATTERNS = [
    re.compile(r"(?i)(password|passwd|secret|token|api_key)\s*[:=]\s*['\"]?(?!\$\{|\s|$|['\"]$|None|null|os\.environ|<)[A-Za-z0-9+/_\-]{8,}"),
    re.compile(r"[A-Za-z0-9_\-]{43}="),  # a Fernet key
    re.compile(r"-----BEGIN (RSA |EC )?PRIVATE KEY-----"),
    re.compile(r"(?i)\b(airflow|admin|postgres):(airflow|admin|postgres|password)@"),
]


def test_no_credentials_in_tracked_files() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True).stdout.split("\n")
    hits = []
    for name in filter(None, tracked):
        path = PROJECT_ROOT / name
        if path.suffix in (".docx", ".png", ".lock") or name == "tests/test_security.py" or not path.is_file():
            continue
        if name.startswith("expectations/data_docs_vendor/"):  # third-party minified assets and fonts, as published
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if any(p.search(line) for p in SECRET_PATTERNS):
                hits.append(f"{name}:{n}: {line.strip()[:120]}")
    assert hits == []


def _peak_rss_of(code: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `code` in a fresh interpreter; return the peak RSS (MB) it reports of itself, and its output.

    VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child forked from a big pytest process
    would report the parent's size."""
    code += ("\nimport re, sys\nhwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
             "print('PEAK', hwm, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env={**os.environ, **(env or {})}, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    peak_kb = int(re.search(r"PEAK (\d+)", proc.stderr).group(1))
    return peak_kb // 1024, proc.stdout


def _ingest_code(path: Path) -> str:
    return ("from pathlib import Path\nfrom ingest.lake import Lake\nfrom ingest.stage import sha256_of, ingest_document\n"
            f"p = Path({str(path)!r})\n"
            "r = ingest_document(p.parent, Lake(p.parent / 'lake'), p.name, sha256_of(p))\n"
            "print(r['status'], '|', r['reason'])\n")


@pytest.mark.parametrize("kind", ["zip_bomb_docx", "many_parts_docx", "pdf_bomb", "huge_text"])
def test_bombs_are_quarantined_within_a_memory_bound(tmp_path, kind: str) -> None:
    target = tmp_path / {"zip_bomb_docx": "bomb.docx", "many_parts_docx": "parts.docx", "pdf_bomb": "bomb.pdf",
                         "huge_text": "huge.txt"}[kind]
    if kind == "zip_bomb_docx":
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            with zf.open("word/document.xml", "w", force_zip64=True) as part:  # 1 GB inflated, ~1 MB on disk
                for _ in range(1000):
                    part.write(b" " * 1_000_000)
    elif kind == "many_parts_docx":
        with zipfile.ZipFile(target, "w") as zf:
            for i in range(5000):
                zf.writestr(f"word/part{i}.xml", "<x/>")
    elif kind == "pdf_bomb":
        from pypdf import PdfWriter
        from pypdf.generic import DecodedStreamObject, NameObject

        squeezer = zlib.compressobj(9)
        bomb = b"".join(squeezer.compress(b"0" * 10_000_000) for _ in range(40)) + squeezer.flush()  # 400 MB
        writer = PdfWriter()
        page = writer.add_blank_page(612, 792)
        content = DecodedStreamObject()
        content.set_data(b"")
        content._data = bomb  # noqa: SLF001 (the compressed bytes, written as they are)
        content[NameObject("/Filter")] = NameObject("/FlateDecode")
        page[NameObject("/Contents")] = writer._add_object(content)  # noqa: SLF001
        with open(target, "wb") as f:
            writer.write(f)
    else:
        with open(target, "wb") as f:
            chunk = ("全年举办科普讲座30场。" * 1000 + "\n").encode()
            for _ in range(200_000_000 // len(chunk) + 1):
                f.write(chunk)
    assert target.stat().st_size < 250_000_000
    peak_mb, out = _peak_rss_of(_ingest_code(target))
    status, reason = [s.strip() for s in out.strip().split("|", 1)]
    assert status == "quarantined", out
    assert re.search(r"INGEST_MAX_|limit", reason), reason
    assert peak_mb < 400, f"peak memory {peak_mb} MB while refusing a {kind}"


def test_limits_are_configurable(tmp_path) -> None:
    target = tmp_path / "small.txt"
    target.write_text("县科协2024年工作总结\n全年举办科普讲座30场。\n" * 100, encoding="utf-8")
    _, out = _peak_rss_of(_ingest_code(target), env={"INGEST_MAX_BYTES": "1000"})
    assert out.startswith("quarantined | file is") and "INGEST_MAX_BYTES=1000" in out
    shutil.rmtree(tmp_path / "lake")
    _, out = _peak_rss_of(_ingest_code(target))
    assert out.startswith("ingested")
