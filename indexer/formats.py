"""Per-format text extraction: PDF, DOCX, HTML, plain text and Markdown bytes → clean text.

Each reader first checks that the bytes are what the extension says (a ".pdf" that is really a
DOCX is refused with ``index.wrong_type``) and keeps the line structure, since the chunker cuts at
line starts; any failure is a ``DocumentUnreadable`` whose ``code`` says why.

    >>> read_html(Path("tb-12.html"), "<title>TB 12</title><p>Điều 1. Phạm vi</p>".encode())
    ('TB 12\nĐiều 1. Phạm vi', 'TB 12')
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import docx
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from core.errors import InvalidInput

_ZIP, _OLE, _PDF = b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF-"
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\u2028\u2029]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HYPHENATED = re.compile(r"(?<![^\W\d_])([a-z]{2,})-\n([a-z]{2,})(?![^\W\d_])")
_DROPPED_TAGS = ["script", "style", "nav", "noscript", "template", "head", "svg", "iframe"]
_BLOCK_TAGS = [
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "ol", "p", "pre", "section", "table", "tr", "ul",
]  # fmt: skip


class DocumentUnreadable(InvalidInput):
    """A file or record that cannot become a document; the message names it, ``code`` says why.

    >>> try:
    ...     read_file(Path("scan.pdf"), "scan.pdf")
    ... except DocumentUnreadable as exc:
    ...     print(exc.code)
    index.pdf_no_text
    """

    code = "index.unreadable"


def clean_text(text: str) -> str:
    """NFC, LF line ends, no soft hyphens or zero-width characters, single spaces; lines kept."""
    text = _BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    text = _CONTROL.sub("", _INVISIBLE.sub("", text.replace("\u00ad\n", "")))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_MD_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_RULE = re.compile(r"^[ ]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def plain_markdown(text: str) -> str:
    """Markdown as the printed page: heading marks, bold and rules removed, so that
    "## III. THÀNH PHẦN HỒ SƠ" is the line "III. THÀNH PHẦN HỒ SƠ" the chunker knows."""
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_RULE.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def _wrong_type(path: Path, data: bytes) -> DocumentUnreadable:
    if data.startswith(_ZIP):
        looks = "a ZIP archive (DOCX, XLSX ...)"
    elif data.startswith(_OLE):
        looks = "an old Office file (.doc/.xls); save it as .docx"
    elif _PDF in data[:1024]:
        looks = "a PDF"
    else:
        looks = f"something else (starts with {data[:8]!r})"
    return DocumentUnreadable(
        f"{path}: the extension says {path.suffix} but the content is {looks}",
        code="index.wrong_type",
    )


def read_pdf(path: Path, data: bytes) -> str:
    """The text layer of every page; words hyphenated across a line break are rejoined."""
    if _PDF not in data[:1024]:
        raise _wrong_type(path, data)
    try:
        reader = PdfReader(io.BytesIO(data))
        _unlock(path, reader)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentUnreadable(f"{path}: damaged PDF ({exc})", code="index.pdf_corrupt") from exc
    text = _HYPHENATED.sub(r"\1\2", clean_text("\n\n".join(pages)))
    if not text:
        raise DocumentUnreadable(
            f"{path}: the PDF has no text layer (a scan?); run OCR first", code="index.pdf_no_text"
        )
    return text


def _unlock(path: Path, reader: PdfReader) -> None:
    """Open a PDF encrypted with an empty user password (common for "no printing" PDFs)."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except DependencyError as exc:
        opened = None
        reason = f"its encryption needs a crypto library ({exc})"
    else:
        reason = "it needs a password"
    if not opened:
        raise DocumentUnreadable(f"{path}: encrypted PDF, {reason}", code="index.pdf_encrypted")


def read_docx(path: Path, data: bytes) -> str:
    """Body paragraphs and tables in order; a one-line-per-cell table row becomes "a | b"."""
    if not data.startswith(_ZIP):
        raise _wrong_type(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        return clean_text("\n".join(_docx_lines(document.iter_inner_content())))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, XMLSyntaxError) as exc:
        raise DocumentUnreadable(
            f"{path}: damaged DOCX ({exc})", code="index.docx_corrupt"
        ) from exc


def _docx_lines(blocks: Iterable[Paragraph | Table]) -> Iterator[str]:
    """Paragraphs and tables in document order; a table cell's paragraphs stay lines."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        for row in block.rows:
            cells = list({id(cell._tc): cell for cell in row.cells}.values())
            simple = all(len(cell.paragraphs) == 1 and not cell.tables for cell in cells)
            if simple:
                yield " | ".join(text for cell in cells if (text := cell.text.strip()))
            else:
                for cell in cells:
                    yield from _docx_lines(cell.iter_inner_content())


def read_html(path: Path, data: bytes) -> tuple[str, str | None]:
    """Visible text with block elements as lines, and the page's ``<title>`` if it has one."""
    if data.lstrip().startswith((_ZIP, _OLE, _PDF)):
        raise _wrong_type(path, data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(decode(path, data), "html.parser")
    page_title = clean_text(soup.title.get_text(" ")) if soup.title else ""
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for cell in soup.find_all(["td", "th"]):
        if cell.find_previous_sibling(["td", "th"]):
            cell.insert_before(" | ")
    return clean_text(soup.get_text()), page_title or None


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; legacy code pages are refused, never guessed."""
    if data.startswith((_ZIP, _OLE, _PDF)):
        raise _wrong_type(path, data)
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentUnreadable(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8",
            code="index.bad_encoding",
        ) from exc
    if "\x00" in text:
        raise DocumentUnreadable(
            f"{path}: NUL bytes in the text (UTF-16 without a BOM, or a binary file)",
            code="index.bad_encoding",
        )
    return text
