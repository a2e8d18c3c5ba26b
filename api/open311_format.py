"""GeoReport v2 wire formats: one plain structure per answer, written as JSON or as XML.

The builders return JSON-ready lists and dicts (datetimes as ISO 8601 with the +07:00 offset);
``render`` writes them either way, so the two formats cannot drift apart: a list becomes a
parent element with one child per item (``services`` → ``service``), a dict one child per key,
None an empty element, a bool ``true``/``false``.

    >>> render(services_payload(infos), Format.XML, "services").body[:38]
    b"<?xml version='1.0' encoding='utf-8'?>"
"""

from __future__ import annotations

import enum
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi.responses import JSONResponse, Response

from core.open311 import SPECIFICATION, Open311Catalogue, ServiceAttribute
from services.open311 import Receipt, ServiceInfo, ServiceRequest


class Format(enum.StrEnum):
    """The format a path's extension asks for (``.json``, ``.xml``); JSON without one."""

    JSON = "json"
    XML = "xml"

    @classmethod
    def of_path(cls, path: str) -> Format:
        return cls.XML if path.lower().endswith(".xml") else cls.JSON


MEDIA_TYPES = {Format.JSON: "application/json", Format.XML: "text/xml"}
#: Element names of list items in XML, by the name of the list.
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error",
             "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
             "values": "value"}  # fmt: skip
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(payload: Any, fmt: Format, root: str, status_code: int = 200) -> Response:
    """``payload`` as ``fmt``; ``root`` names the XML document element."""
    if fmt is Format.JSON:
        return JSONResponse(payload, status_code=status_code)
    body = ET.tostring(_element(root, payload), encoding="utf-8", xml_declaration=True)
    return Response(body, status_code, media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8")


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, list | tuple):
        element.extend(_element(ITEM_TAGS.get(tag, "item"), v) for v in value)
    elif isinstance(value, dict):
        element.extend(_element(k, v) for k, v in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_XML.sub("", str(value))
    return element


def errors_payload(code: int, description: str) -> list[dict[str, Any]]:
    return [{"code": code, "description": description}]


def discovery_payload(catalogue: Open311Catalogue, url: str) -> dict[str, Any]:
    changeset = _time(catalogue.changeset)
    endpoint = {
        "specification": SPECIFICATION,
        "url": url,
        "changeset": changeset,
        "type": catalogue.endpoint_type,
        "formats": [MEDIA_TYPES[Format.JSON], MEDIA_TYPES[Format.XML]],
    }
    return {
        "changeset": changeset,
        "contact": catalogue.contact,
        "key_service": catalogue.key_service,
        "endpoints": [endpoint],
    }


def services_payload(services: Sequence[ServiceInfo]) -> list[dict[str, Any]]:
    return [
        {
            "service_code": s.service_code,
            "service_name": s.service_name,
            "description": s.description,
            "metadata": s.metadata,
            "type": s.type,
            "keywords": ", ".join(s.keywords),
            "group": s.group,
        }
        for s in services
    ]


def definition_payload(code: str, attributes: Sequence[ServiceAttribute]) -> dict[str, Any]:
    return {"service_code": code, "attributes": [_attribute(a) for a in attributes]}


def _attribute(a: ServiceAttribute) -> dict[str, Any]:
    return {
        "variable": a.variable,
        "code": a.code,
        "datatype": a.datatype,
        "required": a.required,
        "datatype_description": a.datatype_description or None,
        "order": a.order,
        "description": a.description,
        "values": [{"key": v.key, "name": v.name} for v in a.values],
    }


def receipt_payload(r: Receipt) -> list[dict[str, Any]]:
    """The spec's answer to a POST, with our ``token`` beside the id (for ``GET tokens``)."""
    return [{"service_request_id": r.service_request_id, "token": r.token,
             "service_notice": r.service_notice, "account_id": r.account_id}]  # fmt: skip


def token_payload(r: ServiceRequest, token: str) -> list[dict[str, Any]]:
    return [{"service_request_id": r.service_request_id, "token": token}]


def requests_payload(
    requests: Sequence[ServiceRequest], extensions: bool = False
) -> list[dict[str, Any]]:
    return [_request(r, extensions) for r in requests]


def _request(r: ServiceRequest, extensions: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "service_request_id": r.service_request_id,
        "status": r.status,
        "status_notes": r.status_notes,
        "service_name": r.service_name,
        "service_code": r.service_code,
        "description": r.description,
        "agency_responsible": r.agency_responsible,
        "service_notice": r.service_notice,
        "requested_datetime": _time(r.requested_datetime),
        "updated_datetime": _time(r.updated_datetime),
        "expected_datetime": _time(r.expected_datetime),
        "address": r.address,
        "address_id": r.address_id,
        "zipcode": r.zipcode,
        "lat": r.lat,
        "long": r.long,
        "media_url": r.media_url,
    }
    if extensions:
        out["extended_attributes"] = dict(r.extended_attributes)
    return out


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")
