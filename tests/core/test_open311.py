"""The Open311 catalogue file: loaded, checked against the categories, refused when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.open311 import DEFAULT_FILE, Open311Catalogue
from core.reference import ReferenceData


def test_the_shipped_catalogue_names_only_known_categories(reference: ReferenceData) -> None:
    catalogue = Open311Catalogue.load(category_codes=reference.category_codes)
    assert catalogue.changeset.utcoffset() is not None
    assert set(catalogue.keywords) == set(reference.category_codes)
    assert [a.code for a in catalogue.attributes_for("thoat_nuoc")] == ["house_number", "alley"]
    assert catalogue.attributes_for("hanh_chinh") == ()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"located_services": ["ufo"]}, "unknown service ufo"),
        ({"endpoint_type": "staging"}, "endpoint_type"),
        ({"changeset": "2026-06-01T00:00:00"}, "UTC offset"),
        ({"attributes": [{"code": "x", "datatype": "color", "required": False, "order": 1,
                          "description": "?"}]}, "unknown datatype"),
        ({"attributes": [{"code": "x", "datatype": "singlevaluelist", "required": False,
                          "order": 1, "description": "?"}]}, "values go with list"),
        ({"contact": None, "jurisdiction_id": None, "changeset": 5}, "malformed"),
    ],
)  # fmt: skip
def test_a_wrong_catalogue_is_refused(
    tmp_path: Path, reference: ReferenceData, change: dict[str, object], problem: str
) -> None:
    doc = json.loads(DEFAULT_FILE.read_text(encoding="utf-8")) | change
    path = tmp_path / "open311.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match=problem):
        Open311Catalogue.load(path, reference.category_codes)
