"""Read a landed file's bytes into text: txt in any Chinese encoding, docx, pdf and html.

The format is sniffed from the bytes, not trusted from the extension; a .docx or .pdf whose bytes are not
that format is refused (the extension promised what the bytes do not have). A file that cannot be read raises
`Unreadable` with a reason a person can act on; the caller quarantines it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.errors import LimitExceeded, Unreadable
from ingest.limits import Limits


@dataclass(frozen=True)
class DecodedText:
    text: str
    format: str  # txt | docx | pdf | html
    encoding: str


# Encodings a Chinese report may come in; charset-normalizer picks among them by coherence.
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]
# The encoding recorded for a UTF-8 file whose last character is cut off (a truncated copy or download): the
# text before the cut is read, and ingest/stage.py reports the cut as a `text_cut_off` finding.
UTF8_CUT = "utf_8_cut"
_BOMS = [(b"\xef\xbb\xbf", "utf_8"), (b"\xff\xfe\x00\x00", "utf_32"), (b"\x00\x00\xfe\xff", "utf_32"),
         (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16")]


def sniff_format(data: bytes, name: str) -> str:
    head = data[:512].lstrip()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if name.lower().endswith(".docx") or b"word/" in data[:4096] else "zip"
    lowered = head[:256].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    if name.lower().endswith((".html", ".htm")) and b"<" in head[:64]:
        return "html"
    return "txt"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file, detected from its bytes."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc).lstrip("\ufeff"), enc + "_bom"
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        raise Unreadable("binary content: NUL bytes in what should be text")
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):  # valid up to a cut last character
            return data[:exc.start].decode("utf-8"), UTF8_CUT
    best = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise Unreadable("not text in any supported encoding (utf-8, gb18030/gbk, big5, utf-16, utf-32)")
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise Unreadable(f"binary content: decodes as {best.encoding} only with control characters")
    return text, best.encoding


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return sample.count(b"\x00") > len(sample) // 4 and len(sample) % 2 == 0


def _control_ratio(text: str) -> float:
    sample = text[:20_000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    return bad / len(sample)


def read_txt(data: bytes) -> DecodedText:
    text, encoding = decode_text(data)
    if _control_ratio(text) > 0.05:
        raise Unreadable("binary content: too many control characters for a text report")
    return DecodedText(normalise_newlines(text), "txt", encoding)


def read_docx(data: bytes, limits: Limits) -> DecodedText:
    """Paragraphs and tables in document order; table rows become lines with tab-separated cells."""
    limits.check_zip(data)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise Unreadable(f"corrupt docx: {type(exc).__name__}: {exc}"[:300]) from exc
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
    return DecodedText(normalise_newlines("\n".join(lines)), "docx", "docx")


_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[—\-－–]\s*\d{1,4}\s*[—\-－–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$")
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
# The spaces many PDFs put between characters: removed where a CJK character is on either side.
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}]) {{1,2}}(?=[{_CJK}\d.%])|(?<=[\d.%]) {{1,2}}(?=[{_CJK}])")


def clean_pdf_pages(pages: list[str]) -> str:
    """Drop page numbers and running headers/footers; close the spaces PDFs put between CJK characters."""
    split = [[ln.rstrip() for ln in normalise_newlines(p).split("\n")] for p in pages]
    edge_lines: Counter[str] = Counter()
    for lines in split:
        content = [ln.strip() for ln in lines if ln.strip()]
        for ln in set(content[:2] + content[-2:]):
            edge_lines[ln] += 1
    running = {ln for ln, n in edge_lines.items() if len(split) >= 2 and n >= max(2, len(split) // 2 + 1)}
    out: list[str] = []
    for lines in split:
        for ln in lines:
            s = ln.strip()
            if not s or _PAGE_NUMBER_RE.match(s) or s in running:
                continue
            out.append(_CJK_GAP_RE.sub("", s))
    return "\n".join(out)


def read_pdf(data: bytes, limits: Limits) -> DecodedText:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > limits.max_pdf_pages:
            raise Unreadable(f"pdf has {len(reader.pages)} pages, over the limit of {limits.max_pdf_pages}")
        pages = []
        total = 0
        for page in reader.pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()  # extract_text swallows pypdf's decompression limit; this raises it
            page_text = page.extract_text() or ""
            total += len(page_text)
            if total > limits.max_chars:
                raise Unreadable(f"pdf text exceeds the limit of {limits.max_chars} characters")
            pages.append(page_text)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises many types for a broken file
        if type(exc).__name__ == "LimitReachedError":  # pypdf's own cap on inflating one stream
            raise LimitExceeded(f"pdf stream inflates beyond pypdf's decompression limit: {exc}"[:300]) from exc
        raise Unreadable(f"corrupt pdf: {type(exc).__name__}: {exc}"[:300]) from exc
    text = clean_pdf_pages(pages)
    if len(re.sub(r"\s", "", text)) < 20:
        raise Unreadable("scanned pdf: no text layer (OCR is not supported)")
    return DecodedText(text, "pdf", "pdf")


_BLOCK_TAGS = ["script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe", "template"]


def read_html(data: bytes) -> DecodedText:
    """The article body of a web page, without navigation, scripts or styles."""
    from bs4 import BeautifulSoup

    text, encoding = _decode_html(data)
    soup = BeautifulSoup(text, "lxml")
    for tag in soup(_BLOCK_TAGS):
        tag.decompose()
    for tag in soup.select('[role="navigation"], .nav, .navbar, .menu, .breadcrumb, .footer, .header, #nav, #footer, #header'):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or _densest_block(soup) or soup.body or soup
    lines = [ln.strip() for ln in root.get_text("\n").split("\n")]
    return DecodedText("\n".join(ln for ln in lines if ln), "html", encoding)


def _decode_html(data: bytes) -> tuple[str, str]:
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_\-]+)", data[:2048])
    if m:
        enc = m.group(1).decode("ascii").lower()
        enc = "gb18030" if enc in ("gb2312", "gbk") else enc
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _densest_block(soup):  # type: ignore[no-untyped-def]
    """The innermost div, section or td that still holds most of the page's text.

    Every element's text length comes from one pass over the tree (strings to their parent, then children
    to their parent in reverse document order): `get_text` per element was quadratic in the nesting depth
    (200,000 nested divs never finished)."""
    from bs4 import CData, NavigableString

    elements = soup.find_all(True)
    length: dict[int, int] = {id(e): 0 for e in elements}
    length[id(soup)] = 0
    for string in soup.find_all(string=True):
        if type(string) in (NavigableString, CData) and id(string.parent) in length:
            length[id(string.parent)] += len(string.strip())
    for element in reversed(elements):
        if element.parent is not None:
            length[id(element.parent)] += length[id(element)]
    best, best_len = None, 0
    for div in soup.find_all(["div", "section", "td"]):
        n = length[id(div)]
        if n > best_len and n > 0:
            children_max = max((length[id(c)] for c in div.find_all(["div", "section"], recursive=False)), default=0)
            if children_max < n * 0.8:
                best, best_len = div, n
    return best


def read_document(data: bytes, name: str, limits: Limits) -> DecodedText:
    """Decode any supported file; raises Unreadable with the reason otherwise."""
    if not data.strip():
        raise Unreadable("empty file")
    limits.check_bytes(len(data))
    fmt = sniff_format(data, name)
    promised = Path(name).suffix.lower().lstrip(".")
    if promised in ("docx", "pdf") and fmt != promised:
        raise Unreadable(f"named .{promised} but its bytes are not a {promised} (they read as {fmt})")
    if fmt == "pdf":
        decoded = read_pdf(data, limits)
    elif fmt == "docx":
        decoded = read_docx(data, limits)
    elif fmt == "zip":
        if zipfile.is_zipfile(io.BytesIO(data)):
            raise Unreadable("zip archive that is not a docx (no word/document.xml)")
        raise Unreadable("corrupt zip container")
    elif fmt == "html":
        decoded = read_html(data)
    else:
        decoded = read_txt(data)
    if len(decoded.text) > limits.max_chars:
        raise Unreadable(f"text has {len(decoded.text)} characters, over the limit of {limits.max_chars}")
    if not decoded.text.strip():
        raise Unreadable(f"no text in this {decoded.format}")
    return decoded
