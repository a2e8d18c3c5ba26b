"""Reference data that changes with the administration: categories, wards, departments, routing
and the catalogue of common procedures (thủ tục hành chính).

The data lives in JSON files (``core/refdata/`` by default, or a folder given by settings) so
the city edits files, not code. Loading validates cross references and fails loudly.

    >>> ref = ReferenceData.load()
    >>> ref.routing.department_for("thoat_nuoc", "Hiệp Bình")
    'ubnd_hiep_binh'
    >>> ref.procedure("citizen_id").name_vi
    'Cấp thẻ căn cước'
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.text import fold

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
class Procedure:
    """One common procedure as citizens ask about it, with the ward guide that explains it.

    The texts are Vietnamese and shown to citizens as written; the chatbot recognises a
    procedure by its aliases and cites ``guide_doc_id``, the guide's id in the document index.

        >>> p = ReferenceData.load().procedure("criminal_record")
        >>> "xin lý lịch tư pháp" in p.aliases_vi, p.online
        (True, True)
    """

    key: str
    name_vi: str
    aliases_vi: tuple[str, ...]
    papers_vi: tuple[str, ...]
    fee_vi: str
    time_limit_vi: str
    where_vi: str
    online: bool
    legal_basis_vi: tuple[str, ...]
    guide_doc_id: str


@dataclass(frozen=True, slots=True)
class ReferenceData:
    categories: tuple[Category, ...]
    wards: tuple[Ward, ...]
    departments: tuple[Department, ...]
    routing: RoutingTable
    district_aliases: dict[str, tuple[str, ...]]
    procedures: tuple[Procedure, ...] = ()

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
        key = fold(name)
        key = key.removeprefix("phuong ").strip()
        for w in self.wards:
            if fold(w.name) == key:
                return w
        raise InvalidInput(f"unknown ward {name!r}", code="refdata.unknown_ward")

    def procedure(self, key: str) -> Procedure:
        """A procedure by its English key (``birth_registration``), not by an alias."""
        for p in self.procedures:
            if p.key == key:
                return p
        raise InvalidInput(f"unknown procedure {key!r}", code="refdata.unknown_procedure")

    @classmethod
    def load(cls, directory: Path | None = None) -> ReferenceData:
        d = directory or DEFAULT_DIR
        cats = read_json(d / "categories.json")["categories"]
        wards_doc = read_json(d / "wards.json")
        deps = read_json(d / "departments.json")["departments"]
        routing_doc = read_json(d / "routing.json")
        procs = read_json(d / "procedures.json")["procedures"]
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
            procedures=tuple(_procedure(p) for p in procs),
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
        problems += _procedure_problems(self.procedures)
        if problems:
            raise InvalidInput("reference data is inconsistent: " + "; ".join(sorted(problems)))


def read_json(path: Path, what: str = "reference data") -> dict[str, Any]:
    """One JSON file of reference data; an unreadable one is an ``InvalidInput`` naming it."""
    try:
        with path.open(encoding="utf-8") as f:
            data: dict[str, Any] = json.load(f)
            return data
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read {what} {path}: {exc}") from exc


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


_PROCEDURE_TEXTS = ("key", "name_vi", "fee_vi", "time_limit_vi", "where_vi", "guide_doc_id")
_PROCEDURE_LISTS = ("aliases_vi", "papers_vi", "legal_basis_vi")
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def _procedure(p: dict[str, Any]) -> Procedure:
    """One ``procedures.json`` entry with exactly the schema's keys; lists become tuples."""
    name = p.get("key", "?")
    wrong = sorted(set(p) ^ {*_PROCEDURE_TEXTS, *_PROCEDURE_LISTS, "online"})
    if wrong:
        raise InvalidInput(f"procedure {name}: missing or unknown fields {wrong}")
    bad = [k for k in _PROCEDURE_TEXTS if not isinstance(p[k], str)]
    bad += [k for k in _PROCEDURE_LISTS if not _is_str_list(p[k])]
    bad += [] if isinstance(p["online"], bool) else ["online"]
    if bad:
        raise InvalidInput(f"procedure {name}: wrong type for {bad}")
    return Procedure(**{k: tuple(v) if isinstance(v, list) else v for k, v in p.items()})


def _procedure_problems(procedures: tuple[Procedure, ...]) -> list[str]:
    """Keys unique; a name or alias names one procedure only, compared as citizens type it
    (without case and diacritics), so the chatbot never has to pick between two."""
    problems = [q for p in procedures for q in _one_procedure_problems(p)]
    keys = [p.key for p in procedures]
    problems += [f"procedure {k} is listed twice" for k in sorted(set(keys)) if keys.count(k) > 1]
    owner: dict[str, str] = {}
    for p in procedures:
        for term in {fold(t) for t in (p.name_vi, *p.aliases_vi) if t.strip()}:
            if owner.setdefault(term, p.key) != p.key:
                problems.append(f"alias {term!r} belongs to {owner[term]} and {p.key}")
    return problems


def _one_procedure_problems(p: Procedure) -> list[str]:
    problems = [] if _SNAKE.fullmatch(p.key) else [f"procedure key {p.key!r} is not snake_case"]
    problems += [f"procedure {p.key} has no {k}" for k in _PROCEDURE_LISTS if not getattr(p, k)]
    texts = [getattr(p, k) for k in _PROCEDURE_TEXTS]
    texts += [t for k in _PROCEDURE_LISTS for t in getattr(p, k)]
    problems += [f"procedure {p.key} has an empty text" for t in texts if not t.strip()][:1]
    problems += [f"procedure {p.key}: {t!r} is not NFC" for t in texts if not _is_nfc(t)]
    return problems


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text
