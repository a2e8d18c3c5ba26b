"""What an Open311 client sends, read into our types: form or JSON fields of ``POST
requests`` (``attribute[code]`` included) and the W3C datetimes and comma lists of the filters.

    >>> comma_list("PA-2026-000001, PA-2026-000002")
    ('PA-2026-000001', 'PA-2026-000002')
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from core.errors import InvalidInput
from core.types import LOCAL_TZ
from services.open311 import NewRequest

_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](?:\[\])?$")


async def form_fields(request: Request) -> dict[str, list[str]]:
    """Form (urlencoded or multipart) or JSON fields as lists of strings."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput("the body is not valid JSON", code="open311.bad_json") from exc
        if not isinstance(data, dict):
            raise InvalidInput("the JSON body must be an object", code="open311.bad_json")
        return _json_fields(data)
    form = await request.form()
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if not isinstance(value, UploadFile):
            fields.setdefault(name, []).append(value)
    return fields


def _json_fields(data: dict[str, Any]) -> dict[str, list[str]]:
    """``{"attribute": {"alley": "48"}}`` reads as the form's ``attribute[alley]=48``."""
    fields: dict[str, list[str]] = {}
    for name, value in data.items():
        if name == "attribute" and isinstance(value, dict):
            for code, v in value.items():
                fields[f"attribute[{code}]"] = _strings(v)
        else:
            fields[name] = _strings(value)
    return fields


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if any(isinstance(v, dict | list) for v in values):
        raise InvalidInput("fields must be strings or numbers", code="open311.bad_json")
    return [str(v) for v in values if v is not None]


def first(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def new_request(fields: dict[str, list[str]], idempotency_key: str | None) -> NewRequest:
    code = first(fields, "service_code")
    if not code or not code.strip():
        raise InvalidInput("service_code is required", code="open311.service_code_required")
    attributes: dict[str, tuple[str, ...]] = {}
    for name, values in fields.items():
        if match := _ATTRIBUTE.match(name):
            attributes[match.group(1)] = attributes.get(match.group(1), ()) + tuple(values)
    texts = ("description", "address_string", "address_id", "email", "device_id", "account_id",
             "first_name", "last_name", "phone", "media_url")  # fmt: skip
    return NewRequest(
        service_code=code.strip(),
        lat=_number(first(fields, "lat"), "lat"),
        long=_number(first(fields, "long"), "long"),
        attributes=attributes,
        idempotency_key=idempotency_key,
        **{name: first(fields, name) for name in texts},
    )


def _number(value: str | None, name: str) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"{name} is not a number", code="open311.bad_coordinates") from None


def comma_list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def w3c_datetime(value: str | None, name: str, end_of_day: bool = False) -> datetime | None:
    """A W3C datetime (a date alone is a whole local day); without an offset, local time."""
    if value is None or not value.strip():
        return None
    text = value.strip().replace(" ", "+")  # a "+07:00" not escaped in a query reads " 07:00"
    try:
        if len(text) == 10:
            start = datetime.combine(date.fromisoformat(text), time.min, LOCAL_TZ)
            return start + timedelta(days=1, microseconds=-1) if end_of_day else start
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name} is not a W3C datetime", code="open311.bad_date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)
