"""From an Open311 ``POST requests`` to a feedback ``Submission``: the spec's checks, the
address line and the message id that makes a retry return the same record.

What the client says about the citizen goes where the intake keeps it: names, phone and e-mail
into the contact (stored apart), ``account_id``/``device_id`` only into the sender pseudonym.
The requested service, ``address_id``, ``media_url`` and the attributes are kept in the
feedback's ``extra``; the router still reads the text, and staff have the last word.

    >>> sub = submission("portal", NewRequest("thoat_nuoc", "Cống nghẹt", lat=10.85, long=106.75),
    ...                  category, attributes=())
    >>> sub.channel, sub.channel_message_id[:5]
    ('api', 'o311-')
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.errors import InvalidInput
from core.open311 import ServiceAttribute
from core.reference import Category
from core.types import MAX_TEXT_CHARS, Channel
from services import validation
from services.intake import Submission

TOKEN_PREFIX = "o311-"
_URL = re.compile(r"^https?://[^\s<>\"]{1,2000}$", re.I)


@dataclass(frozen=True, slots=True)
class NewRequest:
    """The fields of ``POST requests`` (GeoReport v2), not yet checked.

    ``attributes`` maps an attribute code to its values (one, except for multivaluelist);
    ``idempotency_key`` (header ``Idempotency-Key``) names a retry explicitly; without it, the
    same client sending the same request again is the retry."""

    service_code: str
    description: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    media_url: str | None = None
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    idempotency_key: str | None = None


def submission(
    client: str, req: NewRequest, category: Category, attributes: tuple[ServiceAttribute, ...]
) -> Submission:
    """The feedback to store for ``req``; raises ``InvalidInput`` for what the spec refuses."""
    if not _has_location(req):
        raise InvalidInput("a location is required: lat and long, address_string or address_id",
                           code="open311.location_required")  # fmt: skip
    description = validation.optional_text(req.description, "description", MAX_TEXT_CHARS)
    values = _attribute_values(req.attributes, attributes)
    kept = {
        "service_code": category.code,
        "client": client,
        "address_id": validation.optional_text(req.address_id, "address_id", 100),
        "media_url": _media_url(req.media_url),
        "attributes": values,
    }
    names = [n.strip() for n in (req.first_name, req.last_name) if n and n.strip()]
    person = req.account_id or req.device_id
    return Submission(
        text=description or category.name,  # the spec lets description out; the service says it
        channel=Channel.API.value,
        channel_message_id=token(client, req),
        sender=f"{client}:{person.strip()}" if person and person.strip() else None,
        contact_name=" ".join(names) or None,
        contact_phone=req.phone,
        contact_email=req.email,
        location_text=_location(req.address_string, values, attributes),
        latitude=req.lat,
        longitude=req.long,
        extra={"open311": {k: v for k, v in kept.items() if v}},
    )


def token(client: str, req: NewRequest) -> str:
    """A stable id of this request from this client: the feedback's channel message id."""
    if req.idempotency_key:
        material: list[Any] = [client, "key", req.idempotency_key]
    else:
        material = [client, req.device_id, req.account_id, req.email, req.phone,
                    req.service_code, req.description, req.lat, req.long, req.address_string,
                    req.address_id, req.media_url, sorted(req.attributes.items())]  # fmt: skip
    raw = json.dumps(material, ensure_ascii=False, default=str).encode("utf-8")
    return TOKEN_PREFIX + hashlib.sha256(raw).hexdigest()[:40]


def _has_location(req: NewRequest) -> bool:
    given = (req.address_string, req.address_id)
    return req.lat is not None or req.long is not None or any(v and v.strip() for v in given)


def _media_url(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    if not _URL.match(url.strip()):
        raise InvalidInput("media_url must be an http(s) URL", code="open311.bad_media_url")
    return url.strip()


def _location(
    address: str | None, values: dict[str, list[str]], attributes: tuple[ServiceAttribute, ...]
) -> str | None:
    """House number and alley before the address, as Vietnamese addresses are written."""
    parts = [a.location_prefix + values[a.code][0]
             for a in attributes if a.location_prefix and a.code in values]  # fmt: skip
    line = validation.optional_text(address, "address_string", 400)
    return ", ".join([*parts, line] if line else parts) or None


def _attribute_values(
    given: Mapping[str, tuple[str, ...]], attributes: tuple[ServiceAttribute, ...]
) -> dict[str, list[str]]:
    known = {a.code for a in attributes}
    unknown = sorted(set(given) - known)
    if unknown:
        raise InvalidInput(f"attribute {unknown[0]!r} is not defined for this service",
                           code="open311.unknown_attribute")  # fmt: skip
    out: dict[str, list[str]] = {}
    for a in attributes:
        values = [validation.clean_text(v, "attribute", 200) for v in given.get(a.code, ())
                  if v and v.strip()]  # fmt: skip
        _check_attribute(a, values)
        if values:
            out[a.code] = values
    return out


def _check_attribute(a: ServiceAttribute, values: list[str]) -> None:
    if a.required and not values:
        raise InvalidInput(f"attribute {a.code} is required", code="open311.attribute_required")
    if len(values) > 1 and a.datatype != "multivaluelist":
        raise InvalidInput(f"attribute {a.code} takes one value", code="open311.bad_attribute")
    keys = {v.key for v in a.values}
    bad = [v for v in values if (keys and v not in keys) or not _typed(a.datatype, v)]
    if bad:
        raise InvalidInput(f"attribute {a.code}: {bad[0]!r} is not a valid {a.datatype}",
                           code="open311.bad_attribute")  # fmt: skip


def _typed(datatype: str, value: str) -> bool:
    try:
        if datatype == "number":
            return math.isfinite(float(value))
        if datatype == "datetime":
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True
