"""Reference data that changes with the administration: categories, wards, departments, routing.

The data lives in JSON files (``core/refdata/`` by default, or a folder given by settings) so
the city edits files, not code. Loading validates cross references and fails loudly.

    >>> ref = ReferenceData.load()
    >>> ref.routing.department_for("thoat_nuoc", "Hiệp Bình")
    'ubnd_hiep_binh'
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import InvalidInput

DEFAULT_DIR = Path(__file__).resolve().parent / "refdata"


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class FormerWard:
    name: str
    code: str | None
    former_district: str | None
    whole: bool


@dataclass(frozen=True, slots=True)
class Ward:
    code: str
    name: str
    full_name: str
    aliases: tuple[str, ...]
    former_wards: tuple[FormerWard, ...]
    geojson: str | None


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    kind: str
    ward: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class RoutingTable:
    """Which department handles which category, per ward, with a default per category."""

    default: dict[str, str]
    by_ward: dict[str, dict[str, str]]

    def department_for(self, category: str, ward: str | None) -> str | None:
        if ward is not None:
            specific = self.by_ward.get(ward, {}).get(category)
            if specific is not None:
                return specific
        return self.default.get(category)


@dataclass(frozen=True, slots=True)
class ReferenceData:
    categories: tuple[Category, ...]
    wards: tuple[Ward, ...]
    departments: tuple[Department, ...]
    routing: RoutingTable
    district_aliases: dict[str, tuple[str, ...]]

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def category(self, code: str) -> Category:
        for c in self.categories:
            if c.code == code:
                return c
        raise InvalidInput(f"unknown category {code!r}", code="refdata.unknown_category")

    def department(self, code: str) -> Department:
        for d in self.departments:
            if d.code == code:
                return d
        raise InvalidInput(f"unknown department {code!r}", code="refdata.unknown_department")

    def ward(self, name: str) -> Ward:
        """A current ward by its name, ignoring case, diacritics and a "Phường" prefix."""
        key = _fold(name)
        key = key.removeprefix("phuong ").strip()
        for w in self.wards:
            if _fold(w.name) == key:
                return w
        raise InvalidInput(f"unknown ward {name!r}", code="refdata.unknown_ward")

    @classmethod
    def load(cls, directory: Path | None = None) -> ReferenceData:
        d = directory or DEFAULT_DIR
        cats = _read(d / "categories.json")["categories"]
        wards_doc = _read(d / "wards.json")
        deps = _read(d / "departments.json")["departments"]
        routing_doc = _read(d / "routing.json")
        data = cls(
            categories=tuple(
                Category(c["code"], c["name_vi"], c.get("description_vi", "")) for c in cats
            ),
            wards=tuple(_ward(w) for w in wards_doc["wards"]),
            departments=tuple(
                Department(x["code"], x["name"], x["kind"], x.get("ward"), x.get("phone"))
                for x in deps
            ),
            routing=RoutingTable(
                default=dict(routing_doc["default"]),
                by_ward={k: dict(v) for k, v in routing_doc.get("by_ward", {}).items()},
            ),
            district_aliases={
                k: tuple(v) for k, v in wards_doc.get("district_aliases", {}).items()
            },
        )
        data._check()
        return data

    def _check(self) -> None:
        cats = set(self.category_codes)
        deps = {d.code for d in self.departments}
        wards = {w.name for w in self.wards}
        problems = [
            f"category {c} has no default department" for c in cats - set(self.routing.default)
        ]
        for ward, table in [(None, self.routing.default), *self.routing.by_ward.items()]:
            if ward is not None and ward not in wards:
                problems.append(f"routing names unknown ward {ward}")
            problems += [f"routing names unknown category {c}" for c in set(table) - cats]
            problems += [
                f"routing names unknown department {v}" for v in set(table.values()) - deps
            ]
        if problems:
            raise InvalidInput("reference data is inconsistent: " + "; ".join(sorted(problems)))


def _fold(text: str) -> str:
    plain = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return " ".join(plain.replace("đ", "d").replace("Đ", "D").lower().split())


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as f:
            data: dict[str, Any] = json.load(f)
            return data
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read reference data {path}: {exc}") from exc


def _ward(w: dict[str, Any]) -> Ward:
    return Ward(
        code=str(w["code"]),
        name=w["name"],
        full_name=w.get("full_name", f"Phường {w['name']}"),
        aliases=tuple(w.get("aliases", ())),
        former_wards=tuple(
            FormerWard(
                f["name"], f.get("code"), f.get("former_district"), bool(f.get("whole", True))
            )
            for f in w.get("former_wards", ())
        ),
        geojson=w.get("geojson"),
    )
