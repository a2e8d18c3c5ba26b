"""What this jurisdiction publishes through Open311 GeoReport v2, read from
``core/refdata/open311.json``: jurisdiction id, discovery contacts, keywords per service and the
optional address attributes of the services that happen at a place.

The services themselves are our categories (``categories.json``); this file only adds what
Open311 clients need beside them, so a new category needs no code change here.

    >>> catalogue = Open311Catalogue.load(category_codes=("thoat_nuoc", "hanh_chinh"))
    >>> [a.code for a in catalogue.attributes_for("thoat_nuoc")]
    ['house_number', 'alley']
    >>> catalogue.attributes_for("hanh_chinh")
    ()
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.reference import read_json

DEFAULT_FILE = Path(__file__).resolve().parent / "refdata" / "open311.json"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: The attribute datatypes GeoReport v2 defines.
DATATYPES = frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"})
LIST_DATATYPES = frozenset({"singlevaluelist", "multivaluelist"})


@dataclass(frozen=True, slots=True)
class AttributeValue:
    """One choice of a list attribute."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class ServiceAttribute:
    """An attribute of a service definition; ``location_prefix`` says how its value joins the
    address we store ("số " + "12"), which is how the place extractor reads it."""

    code: str
    datatype: str
    required: bool
    order: int
    description: str
    datatype_description: str = ""
    variable: bool = True
    values: tuple[AttributeValue, ...] = ()
    location_prefix: str = ""


@dataclass(frozen=True, slots=True)
class Open311Catalogue:
    """The jurisdiction's Open311 data; see the module docstring."""

    jurisdiction_id: str
    changeset: datetime
    endpoint_type: str
    contact: str
    key_service: str
    service_notice: str
    keywords: dict[str, tuple[str, ...]]
    attributes: tuple[ServiceAttribute, ...]
    located_services: frozenset[str]

    def attributes_for(self, service_code: str) -> tuple[ServiceAttribute, ...]:
        """The attributes of a service: the address ones for services that happen at a place."""
        return self.attributes if service_code in self.located_services else ()

    @classmethod
    def load(
        cls, path: Path | None = None, category_codes: Iterable[str] | None = None
    ) -> Open311Catalogue:
        """Read and check the file; ``category_codes`` are the services that may be named."""
        doc = read_json(path or DEFAULT_FILE, "open311 reference data")
        try:
            catalogue = cls(
                jurisdiction_id=str(doc["jurisdiction_id"]),
                changeset=datetime.fromisoformat(doc["changeset"]),
                endpoint_type=str(doc["endpoint_type"]),
                contact=str(doc["contact"]),
                key_service=str(doc["key_service"]),
                service_notice=str(doc["service_notice"]),
                keywords={k: tuple(v) for k, v in doc.get("keywords", {}).items()},
                attributes=tuple(_attribute(a) for a in doc.get("attributes", ())),
                located_services=frozenset(doc.get("located_services", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"open311 reference data is malformed: {exc!r}") from exc
        catalogue._check(None if category_codes is None else set(category_codes))
        return catalogue

    def _check(self, categories: set[str] | None) -> None:
        problems = []
        if self.changeset.tzinfo is None:
            problems.append("changeset has no UTC offset")
        if self.endpoint_type not in ("production", "test"):
            problems.append(f"endpoint_type {self.endpoint_type!r} is not production or test")
        for a in self.attributes:
            if a.datatype not in DATATYPES:
                problems.append(f"attribute {a.code} has unknown datatype {a.datatype}")
            if (a.datatype in LIST_DATATYPES) != bool(a.values):
                problems.append(f"attribute {a.code}: values go with list datatypes only")
        if categories is not None:
            named = set(self.keywords) | self.located_services
            problems += [f"unknown service {c}" for c in sorted(named - categories)]
        if problems:
            raise InvalidInput("open311 reference data is inconsistent: " + "; ".join(problems))


def _attribute(a: dict[str, Any]) -> ServiceAttribute:
    return ServiceAttribute(
        code=str(a["code"]),
        datatype=str(a["datatype"]),
        required=bool(a["required"]),
        order=int(a["order"]),
        description=str(a["description"]),
        datatype_description=str(a.get("datatype_description", "")),
        variable=bool(a.get("variable", True)),
        values=tuple(AttributeValue(str(v["key"]), str(v["name"])) for v in a.get("values", ())),
        location_prefix=str(a.get("location_prefix", "")),
    )
