"""/api/v1/categories, /departments, /wards: the reference data in force."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ReferenceDep

router = APIRouter(prefix="/api/v1", tags=["reference"])


@router.get("/categories")
def categories(ref: ReferenceDep) -> list[dict[str, Any]]:
    return [{"code": c.code, "name": c.name, "description": c.description} for c in ref.categories]


@router.get("/departments")
def departments(ref: ReferenceDep) -> list[dict[str, Any]]:
    return [
        {"code": d.code, "name": d.name, "kind": d.kind, "ward": d.ward, "phone": d.phone}
        for d in ref.departments
    ]


@router.get("/wards")
def wards(ref: ReferenceDep) -> list[dict[str, Any]]:
    return [
        {"code": w.code, "name": w.name, "full_name": w.full_name,
         "former_wards": [f.name for f in w.former_wards]}
        for w in ref.wards
    ]  # fmt: skip
