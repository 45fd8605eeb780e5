"""Each reader on files the tests make: encodings, docx with a table, a two-page PDF, an html page."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from ingest.errors import LimitExceeded, Unreadable
from ingest.limits import Limits
from ingest.readers import read_document

REPORT = "县科协2024年工作总结\n全年举办科普讲座42场，受益群众3100余人次。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le"])
def test_text_encodings_are_detected(encoding: str) -> None:
    text = REPORT if encoding != "big5" else "縣科協2024年工作總結\n全年舉辦科普講座42場，受益群眾3100餘人次。\n"
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    decoded = read_document(data, "report.txt", Limits())
    assert decoded.text == text
    assert decoded.format == "txt"


def test_gbk_bytes_with_a_misleading_extension() -> None:
    """The extension promised a format the bytes do not have: quarantined, not guessed (issue 23)."""
    with pytest.raises(Unreadable, match="named .docx but its bytes are not a docx"):
        read_document(REPORT.encode("gbk"), "report.docx", Limits())
    assert read_document(REPORT.encode("gbk"), "report.txt", Limits()).text == REPORT


def _docx_with_table() -> bytes:
    d = docx.Document()
    d.add_paragraph("区财政局2024年工作总结")
    d.add_paragraph("一般公共预算收入完成86.4亿元。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "金额（亿元）"
    table.cell(1, 0).text, table.cell(1, 1).text = "税收收入", "68.9"
    d.add_paragraph("表后段落：支出112.7亿元。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_order() -> None:
    decoded = read_document(_docx_with_table(), "budget.docx", Limits())
    lines = decoded.text.split("\n")
    assert lines[0] == "区财政局2024年工作总结"
    assert lines.index("税收收入\t68.9") < lines.index("表后段落：支出112.7亿元。")
    assert decoded.format == "docx"


def test_truncated_docx_is_unreadable() -> None:
    with pytest.raises(Unreadable, match="corrupt"):
        read_document(_docx_with_table()[:700], "broken.docx", Limits())


def test_docx_zip_bomb_is_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * 5_000_000 + "</w:document>")
    with pytest.raises(LimitExceeded, match="INGEST_MAX_INFLATED"):
        read_document(buf.getvalue(), "bomb.docx", Limits(max_inflated=1_000_000))


def _two_page_pdf() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page, body in enumerate(["全年新增国家高新技术企业162家，同比增长5.2%。", "研发投入达到41.2亿元。"], start=1):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 800, "示范区科技局2024年工作总结")  # running header
        c.drawString(72, 760, body)
        c.drawString(280, 40, f"—{page}—")  # page number
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_text_layer_without_page_numbers_or_running_headers() -> None:
    decoded = read_document(_two_page_pdf(), "report.pdf", Limits())
    assert "162家" in decoded.text and "41.2亿元" in decoded.text
    assert "—1—" not in decoded.text and "—2—" not in decoded.text
    assert decoded.text.count("示范区科技局2024年工作总结") == 0
    assert decoded.format == "pdf"


def test_scanned_pdf_without_text_is_unreadable() -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(Unreadable, match="no text layer"):
        read_document(buf.getvalue(), "scan.pdf", Limits())


def test_pdf_doubled_spaces_between_characters_are_closed() -> None:
    from ingest.readers import clean_pdf_pages

    assert clean_pdf_pages(["全 年 新 增 企 业 162 家"]) == "全年新增企业162家"


def test_html_article_without_navigation_scripts_or_styles() -> None:
    page = """<html><head><meta charset="utf-8"><style>.x{color:red}</style><script>var a='新增999家';</script></head>
    <body><nav>首页 | 新闻 | 新增888家导航</nav><div class="main"><article><h1>县科协2024年工作总结</h1>
    <p>全年举办科普讲座42场。</p></article></div><footer>版权所有 联系电话123</footer></body></html>"""
    decoded = read_document(page.encode("utf-8"), "page.html", Limits())
    assert "全年举办科普讲座42场。" in decoded.text
    assert "999" not in decoded.text and "888" not in decoded.text and "版权所有" not in decoded.text
    assert decoded.format == "html"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"   \n  ", "empty"),
    (bytes(range(256)) * 40, "binary"),
    (b"PK\x03\x04garbage", "corrupt"),
    (b"%PDF-1.4 garbage", "corrupt pdf"),
])
def test_bad_input_is_unreadable_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable, match=reason):
        read_document(data, "x.txt", Limits())


def test_byte_limit() -> None:
    with pytest.raises(LimitExceeded, match="INGEST_MAX_BYTES"):
        read_document(b"a" * 2000, "big.txt", Limits(max_bytes=1000))
