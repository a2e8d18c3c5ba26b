"""Checks on what citizens and files send us, before anything is stored.

Every refusal is an ``InvalidInput`` with a stable code the API, the importer and the bots
can show or translate.

    >>> clean_text("  Đường ngập  ")
    'Đường ngập'
    >>> clean_text("<script>alert(1)</script>")
    Traceback (most recent call last):
    core.errors.InvalidInput: [feedback.text_markup] ...
"""

from __future__ import annotations

import math
import re
import unicodedata

from core.errors import InvalidInput
from core.types import MAX_TEXT_CHARS, Channel

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9:-]*(\s[^<>]*)?/?\s*>|<!--|javascript:", re.I)
_MESSAGE_ID = re.compile(r"^[\w.:@/+=-]{1,128}$")


def clean_text(text: str | None, field: str = "text", limit: int = MAX_TEXT_CHARS) -> str:
    """NFC text, trimmed; refuses empty, too long, markup and control characters."""
    if text is None or not text.strip():
        raise InvalidInput(f"{field} is empty", code=f"feedback.{field}_empty")
    if "\ufffd" in text:
        raise InvalidInput(f"{field} is not valid UTF-8", code=f"feedback.{field}_encoding")
    if _CONTROL.search(text):
        raise InvalidInput(
            f"{field} contains control characters", code=f"feedback.{field}_control_chars"
        )
    if _MARKUP.search(text):
        raise InvalidInput(
            f"{field} contains HTML or script markup", code=f"feedback.{field}_markup"
        )
    text = unicodedata.normalize("NFC", text).strip()
    if len(text) > limit:
        raise InvalidInput(
            f"{field} is {len(text)} characters long; the limit is {limit}",
            code=f"feedback.{field}_too_long",
        )
    return text


def optional_text(text: str | None, field: str, limit: int) -> str | None:
    if text is None or not text.strip():
        return None
    return clean_text(text, field, limit)


def parse_channel(value: str) -> Channel:
    try:
        return Channel(value.strip().lower())
    except ValueError as exc:
        known = ", ".join(c.value for c in Channel)
        raise InvalidInput(
            f"unknown channel {value!r}; expected one of {known}", code="feedback.unknown_channel"
        ) from exc


def message_id(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if not _MESSAGE_ID.match(value):
        raise InvalidInput(
            "channel_message_id must be 1-128 letters, digits or . : @ / + = - _",
            code="feedback.bad_message_id",
        )
    return value


def coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise InvalidInput("latitude and longitude go together", code="feedback.half_coordinates")
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput("latitude/longitude out of range", code="feedback.bad_coordinates")
    return lat, lon
