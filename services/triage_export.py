"""CSV of cases for spreadsheets: redacted text only, UTF-8 with a byte-order mark.

A text withheld as spam or abusive (``Feedback.withheld``) is left empty, with the reason in
the ``withheld`` column: the case page shows it to whoever needs to read it.

Excel opens a UTF-8 file as the local code page unless it starts with a BOM, which would turn
Vietnamese into mojibake; the BOM is the first thing written. A cell that starts like a formula
(``=``, ``+``, ``-``, ``@``) is prefixed with ``'`` so a citizen's text never runs as one.

    >>> "".join(csv_lines([case])).splitlines()[0]
    '\\ufeffreference,received_at,channel,category,department,ward,status,priority,due_at,overdue,withheld,text'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from core.cases import Case
from core.types import LOCAL_TZ

BOM = "\ufeff"
COLUMNS = ("reference", "received_at", "channel", "category", "department", "ward", "status",
           "priority", "due_at", "overdue", "withheld", "text")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_CHUNK = 200


def csv_lines(cases: Iterable[Case]) -> Iterator[str]:
    """The header, then chunks of rows (a streaming response sends each chunk as it comes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + _drain(buffer)
    for n, case in enumerate(cases, 1):
        writer.writerow(row(case))
        if n % _ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest


def row(c: Case) -> list[str]:
    return [
        c.reference, _local(c.received_at), c.channel.value, c.category or "",
        c.department or "", c.ward or "", c.status.value, c.effective_priority,
        _local(c.due_at), "true" if c.overdue else "false", c.withheld or "",
        "" if c.withheld else _safe(c.public_text),
    ]  # fmt: skip


def _local(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
