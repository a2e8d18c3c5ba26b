"""Files and JSON-lines records → ``SourceDocument``s with clean text, metadata and a title.

The chunker cuts along lines such as "Điều 12. ..." at the start of a line, so every reader keeps
the line structure and ``clean_text`` only tidies inside lines. A file is checked to really be
what its extension says before a parser sees it; any failure is a ``DocumentUnreadable`` whose
``code`` says why (``index.pdf_encrypted``, ``index.bad_encoding`` ...). The per-format
extraction lives in ``indexer.formats``; this module finds files, dispatches and adds metadata.

    >>> for path, doc_id in iter_sources([Path("vanban")]):
    ...     document = read_file(path, doc_id)   # doc_id "vanban/qd-12.pdf"
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from core.documents import SourceDocument
from indexer.formats import (
    DocumentUnreadable,
    clean_text,
    decode,
    plain_markdown,
    read_docx,
    read_html,
    read_pdf,
)
from indexer.metadata import document_title, parse_metadata

__all__ = [
    "SUPPORTED",
    "DocumentUnreadable",
    "clean_text",
    "iter_sources",
    "plain_markdown",
    "read_file",
    "read_jsonl",
]

log = logging.getLogger(__name__)

SUPPORTED = {
    ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html",
    ".txt": "text", ".md": "markdown", ".markdown": "markdown",
}  # fmt: skip
_META_KEYS = {
    "number": "number", "doc_type": "doc_type", "type": "doc_type", "issuer": "issuer",
    "issued_on": "issued_on", "date": "issued_on", "subject": "subject", "signer": "signer",
}  # fmt: skip
_PRIMARY_KEYS = {"number", "doc_type", "issuer", "issued_on", "subject", "signer"}


def iter_sources(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """(file, doc_id) for each supported file; folders are walked in sorted order.

    A folder's files get ids relative to the folder's parent ("vanban/qd-12.pdf"), so an id does
    not depend on where the command runs; a file named directly gets its file name.
    """
    for root in paths:
        if not root.exists():
            raise DocumentUnreadable(f"{root}: no such file or folder", code="index.not_found")
        if root.is_dir():
            yield from _walk(root)
        elif root.suffix.lower() in SUPPORTED:
            yield root, root.name
        else:
            raise _unsupported(root)


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    base = Path(os.path.normpath(root.absolute()))
    found: list[Path] = []
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        here = Path(folder).relative_to(base)
        found += [here / name for name in files if _is_source(name)]
    for relative in sorted(found, key=lambda path: path.parts):
        yield root / relative, (Path(base.name) / relative).as_posix()


def _is_source(name: str) -> bool:
    return not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED


def _unsupported(path: Path) -> DocumentUnreadable:
    kinds = ", ".join(sorted(SUPPORTED))
    return DocumentUnreadable(
        f"{path}: unsupported file type {path.suffix or '(none)'!r}; supported: {kinds}",
        code="index.unsupported_type",
    )


def read_file(path: Path, doc_id: str, *, max_bytes: int = 20_000_000) -> SourceDocument:
    """Read one file as a document: text by format, then metadata and title from the text."""
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise _unsupported(path)
    data = _load(path, max_bytes)
    page_title = None
    if kind == "pdf":
        text = read_pdf(path, data)
    elif kind == "docx":
        text = read_docx(path, data)
    elif kind == "html":
        text, page_title = read_html(path, data)
    elif kind == "markdown":
        text = clean_text(plain_markdown(decode(path, data)))
    else:
        text = clean_text(decode(path, data))
    if not text:
        raise DocumentUnreadable(f"{path}: the file holds no text", code="index.empty")
    metadata = parse_metadata(text)
    log.debug("index.file_read path=%s doc_id=%s kind=%s chars=%d", path, doc_id, kind, len(text))
    # A page's own <title> beats its first body line (often a breadcrumb), not its metadata.
    title = document_title("" if page_title else text, metadata, page_title or path.name)
    return SourceDocument(
        doc_id=doc_id, title=title, text=text, metadata=metadata, source=str(path)
    )


def _load(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentUnreadable(
                f"{path}: {size} bytes is more than the limit of {max_bytes}",
                code="index.too_large",
            )
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentUnreadable(f"{path}: no such file", code="index.not_found") from exc
    except OSError as exc:
        raise DocumentUnreadable(f"{path}: cannot read ({exc})", code="index.io_error") from exc
    if not data.strip():
        raise DocumentUnreadable(f"{path}: the file is empty", code="index.empty")
    return data


def read_jsonl(path: Path) -> Iterator[SourceDocument | DocumentUnreadable]:
    """One document per line ``{"id", "title", "text", "metadata"}``; a bad line is yielded as
    a ``DocumentUnreadable`` (code ``index.bad_record``) and reading goes on."""
    if not path.is_file():
        raise DocumentUnreadable(f"{path}: no such file", code="index.not_found")
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            source = f"{path}:{number}"
            try:
                yield _record(raw, source)
            except DocumentUnreadable as exc:
                log.warning("index.record_skipped source=%s reason=%s", source, exc.message)
                yield exc


def _bad(source: str, why: str) -> DocumentUnreadable:
    return DocumentUnreadable(f"{source}: {why}", code="index.bad_record")


def _record(raw: bytes, source: str) -> SourceDocument:
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(source, f"not a JSON line ({exc})") from exc
    if not isinstance(record, dict):
        raise _bad(source, "a record must be a JSON object")
    doc_id, title, text = record.get("id"), record.get("title"), record.get("text")
    meta = record.get("metadata") or {}
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise _bad(source, "'id' must be a non-empty string")
    if not isinstance(text, str) or not (text := clean_text(text)):
        raise _bad(source, "'text' must be a non-empty string")
    if title is not None and not isinstance(title, str):
        raise _bad(source, "'title' must be a string")
    if not isinstance(meta, dict):
        raise _bad(source, "'metadata' must be an object")
    metadata = replace(parse_metadata(text), **_given_metadata(meta, source))
    title = clean_text(title or "") or document_title(text, metadata, doc_id)
    return SourceDocument(doc_id=doc_id, title=title, text=text, metadata=metadata, source=source)


def _given_metadata(meta: dict[str, Any], source: str) -> dict[str, Any]:
    """Known keys as ``DocumentMetadata`` fields (``doc_type`` beats ``type``), scalars to extra."""
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for key, value in meta.items():
        field = _META_KEYS.get(key)
        if value is None or (field and key not in _PRIMARY_KEYS and field in fields):
            continue
        if field == "issued_on":
            fields[field] = _iso_date(value, key, source)
        elif field and isinstance(value, str):
            if cleaned := clean_text(value):
                fields[field] = cleaned
        elif field:
            raise _bad(source, f"metadata {key!r} must be a string")
        elif isinstance(value, str | int | float | bool):
            extra[key] = value if isinstance(value, str) else json.dumps(value)
    return {**fields, "extra": extra} if extra else fields


def _iso_date(value: object, key: str, source: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise _bad(source, f"metadata {key!r} is not an ISO date: {value!r}") from exc
