"""The queue's filter form: raw query values → a ``CaseFilter``, forgiving what a person typed.

A GET form sends every field, empty ones included, and a bookmarked address may hold a ward
that was renamed: a bad value drops that one filter and the page says so, instead of failing.

    >>> form = queue_form({"ward": "hiep binh", "status": "", "page": "2"}, reference)
    >>> form.filter.ward, form.filter.offset, form.values["ward"]
    ('Hiệp Bình', 50, 'Hiệp Bình')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from core.cases import OPEN_STATUSES, PRIORITIES, SORTS, CaseFilter
from core.errors import InvalidInput
from core.reference import ReferenceData
from core.types import Channel, FeedbackStatus

PAGE_SIZE = 50
MAX_TEXT = 200
#: The query keys of the queue's filter form, in the order links carry them.
KEYS = ("status", "category", "ward", "channel", "priority", "date_from", "date_to", "q", "sort")


@dataclass(frozen=True, slots=True)
class QueueForm:
    """The filter to run, the values to show back in the form, and the names of bad fields."""

    filter: CaseFilter
    values: dict[str, str]
    page: int = 1
    invalid: list[str] = field(default_factory=list)

    def query(self, **extra: Any) -> str:
        """The filters as a query string (links to other pages, the CSV export)."""
        params = {k: v for k, v in self.values.items() if v}
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)


def queue_form(params: Mapping[str, str], reference: ReferenceData) -> QueueForm:
    raw = {k: str(params.get(k, "")).strip()[:MAX_TEXT] for k in KEYS}
    parsed: dict[str, Any] = {}
    invalid: list[str] = []
    for key, parse in _PARSERS.items():
        if not raw[key]:
            continue
        try:
            parsed[key], raw[key] = parse(raw[key], reference)
        except (InvalidInput, ValueError):
            invalid.append(key)
            raw[key] = ""
    _drop_reversed_dates(parsed, raw, invalid)
    page = _page(params.get("page"))
    f = CaseFilter(**_rename(parsed), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return QueueForm(f, raw, page, invalid)


def _drop_reversed_dates(parsed: dict[str, Any], raw: dict[str, str], invalid: list[str]) -> None:
    start, end = parsed.get("date_from"), parsed.get("date_to")
    if start and end and start > end:
        del parsed["date_to"]
        raw["date_to"] = ""
        invalid.append("date_to")


def _page(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100_000))
    except ValueError:
        return 1


def _status(value: str, _ref: ReferenceData) -> tuple[tuple[FeedbackStatus, ...], str]:
    if value == "open":
        return OPEN_STATUSES, value
    if value == "all":
        return tuple(FeedbackStatus), value
    return (FeedbackStatus(value),), value


def _category(value: str, ref: ReferenceData) -> tuple[str, str]:
    return ref.category(value).code, value


def _ward(value: str, ref: ReferenceData) -> tuple[str, str]:
    name = ref.ward(value).name
    return name, name


def _channel(value: str, _ref: ReferenceData) -> tuple[Channel, str]:
    return Channel(value), value


def _choice(choices: tuple[str, ...]) -> Callable[[str, ReferenceData], tuple[str, str]]:
    def parse(value: str, _ref: ReferenceData) -> tuple[str, str]:
        if value not in choices:
            raise ValueError(value)
        return value, value

    return parse


def _date(value: str, _ref: ReferenceData) -> tuple[date, str]:
    return date.fromisoformat(value), value


def _text(value: str, _ref: ReferenceData) -> tuple[str, str]:
    return value, value


_PARSERS: dict[str, Callable[[str, ReferenceData], tuple[Any, str]]] = {
    "status": _status,
    "category": _category,
    "ward": _ward,
    "channel": _channel,
    "priority": _choice(PRIORITIES),
    "date_from": _date,
    "date_to": _date,
    "q": _text,
    "sort": _choice(SORTS),
}
_FIELD = {"status": "statuses", "q": "text"}


def _rename(parsed: dict[str, Any]) -> dict[str, Any]:
    return {_FIELD.get(k, k): v for k, v in parsed.items()}
