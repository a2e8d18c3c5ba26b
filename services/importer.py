"""Bulk import of feedback or social-media posts from CSV or JSON lines.

Idempotent: each row's channel message id is its ``id`` column, or a hash of its content when
it has none, so a re-run finds the rows already stored. Bad rows are collected with a reason,
never half-written; the file as a whole is refused only when it cannot be read at all.

    >>> report = import_rows(service, read_rows(Path("posts.csv"), {"text": "noi_dung"}),
    ...                      default_channel="social")
    >>> report.created, report.existing, len(report.rejected)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from core.errors import InvalidInput, LangngheError
from core.types import LOCAL_TZ
from services.intake import FeedbackService, Submission

FIELDS = (
    "id", "text", "channel", "received_at", "location", "latitude", "longitude",
    "sender", "contact_name", "contact_phone", "contact_email",
)  # fmt: skip
_DATE_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its line number and its fields under our names (or why it is unreadable)."""

    line: int
    fields: dict[str, Any]
    error: str | None = None


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    existing: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """``["text=noi_dung", "id=ma"]`` → ``{"text": "noi_dung", "id": "ma"}``."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or ours.strip() not in FIELDS or not theirs.strip():
            raise InvalidInput(
                f"bad column mapping {pair!r}; use FIELD=COLUMN, FIELD one of {', '.join(FIELDS)}",
                code="import.bad_mapping",
            )
        mapping[ours.strip()] = theirs.strip()
    return mapping


def read_rows(path: Path, mapping: dict[str, str], fmt: str | None = None) -> Iterator[Row]:
    """Rows of a CSV or JSON-lines file, renamed to our field names."""
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file", code="import.no_file")
    kind = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if kind not in ("csv", "jsonl"):
        raise InvalidInput(f"unknown format {kind!r}; use csv or jsonl", code="import.bad_format")
    columns = {ours: mapping.get(ours, ours) for ours in FIELDS}
    raw = path.read_bytes().decode("utf-8-sig", errors="surrogateescape")
    check = partial(_require_text_column, columns["text"])
    return (_renamed(row, columns) for row in read_records(raw, kind, check))


def _require_text_column(column: str, header: list[str]) -> None:
    if column not in header:
        raise InvalidInput(
            f"CSV has no column {column!r} for the text (columns: {', '.join(header)}); "
            "map it with --map text=COLUMN",
            code="import.missing_column",
        )


def _renamed(row: Row, columns: dict[str, str]) -> Row:
    if row.error:
        return row
    fields = {ours: row.fields.get(col) for ours, col in columns.items() if col in row.fields}
    return Row(row.line, fields)


def read_records(
    raw: str, fmt: str, check_header: Callable[[list[str]], None] | None = None
) -> Iterator[Row]:
    """The records of a CSV (``fmt="csv"``, with a header) or JSON-lines text, as they are.

    Shared by every import, so line numbers and the reasons a line is unreadable (more cells
    than the header, malformed JSON, not an object) read the same everywhere. ``check_header``
    may refuse a CSV header; like every row, that happens when iteration starts.

        >>> [(r.line, r.error) for r in read_records("[2]", "jsonl")]
        [(1, 'line is not a JSON object')]
    """
    return _csv_records(raw, check_header) if fmt == "csv" else _jsonl_records(raw)


def _csv_records(raw: str, check_header: Callable[[list[str]], None] | None) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    if check_header is not None:
        check_header(list(reader.fieldnames or []))
    for record in reader:
        if None in record:
            yield Row(reader.line_num, {}, "row has more cells than the header")
        else:
            yield Row(reader.line_num, record)


def _jsonl_records(raw: str) -> Iterator[Row]:
    for n, text in enumerate(raw.splitlines(), 1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row(n, {}, f"malformed JSON: {exc.msg}")
            continue
        if not isinstance(record, dict):
            yield Row(n, {}, "line is not a JSON object")
            continue
        yield Row(n, record)


def import_rows(
    service: FeedbackService,
    rows: Iterable[Row],
    default_channel: str = "import",
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Store every valid row (existing ones are found, not duplicated); collect rejections."""
    report = ImportReport()
    for row in rows:
        report.read += 1
        try:
            if row.error:
                raise InvalidInput(row.error, code="import.unreadable_row")
            result = service.submit(_submission(row.fields, default_channel), wait=False)
        except LangngheError as exc:
            report.rejected.append({"line": row.line, "code": exc.code, "reason": exc.message,
                                    "row": _printable(row.fields)})  # fmt: skip
        else:
            if result.created:
                report.created += 1
                report.created_ids.append(result.feedback.id)
            else:
                report.existing += 1
        if on_row is not None:
            on_row()
    return report


def _submission(f: dict[str, Any], default_channel: str) -> Submission:
    for key, value in f.items():
        if isinstance(value, str) and any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
            raise InvalidInput(f"{key} is not valid UTF-8", code="import.encoding")
    text = _str(f.get("text"))
    channel = _str(f.get("channel")) or default_channel
    received = _date(f.get("received_at"))
    ident = _str(f.get("id"))
    if ident is None:
        digest = hashlib.sha256(f"{text}|{received}|{f.get('sender')}".encode()).hexdigest()
        ident = f"sha-{digest[:40]}"
    return Submission(
        text=text or "",
        channel=channel,
        channel_message_id=ident,
        sender=_str(f.get("sender")),
        contact_name=_str(f.get("contact_name")),
        contact_phone=_str(f.get("contact_phone")),
        contact_email=_str(f.get("contact_email")),
        location_text=_str(f.get("location")),
        latitude=_float(f.get("latitude"), "latitude"),
        longitude=_float(f.get("longitude"), "longitude"),
        received_at=received,
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _float(value: Any, name: str) -> float | None:
    text = _str(value)
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError as exc:
        raise InvalidInput(f"{name} {text!r} is not a number", code="import.bad_number") from exc


def _date(value: Any) -> datetime | None:
    text = _str(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise InvalidInput(
                f"received_at {text!r} is not a date", code="import.bad_date"
            ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


def _printable(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if isinstance(v, str)
        else v
        for k, v in fields.items()
    }
