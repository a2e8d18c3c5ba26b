import json
import shutil
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.reference import DEFAULT_DIR, ReferenceData

CURRENT_WARDS = {
    "Thủ Đức", "Hiệp Bình", "Tam Bình", "Linh Xuân", "Tăng Nhơn Phú", "Long Bình", "Long Phước",
    "Long Trường", "Cát Lái", "Bình Trưng", "Phước Long", "An Khánh",
}  # fmt: skip
CATEGORIES = [
    "ha_tang_duong", "thoat_nuoc", "trat_tu_do_thi", "xay_dung", "moi_truong", "tieng_on",
    "an_ninh", "giao_thong", "dien", "cap_nuoc", "y_te", "giao_duc", "hanh_chinh", "dat_dai",
    "an_sinh", "vien_thong", "khac",
]  # fmt: skip


def test_shipped_reference_data_is_complete(reference: ReferenceData) -> None:
    assert {w.name for w in reference.wards} == CURRENT_WARDS
    assert list(reference.category_codes) == CATEGORIES
    former = [f.name for w in reference.wards for f in w.former_wards]
    assert len(former) == 34
    assert len(set(former)) == 34


def test_every_category_is_routed_in_every_ward(reference: ReferenceData) -> None:
    departments = {d.code for d in reference.departments}
    for ward in [None, *CURRENT_WARDS]:
        for category in CATEGORIES:
            assert reference.routing.department_for(category, ward) in departments


def test_ward_specific_routing_overrides_the_default(reference: ReferenceData) -> None:
    assert reference.routing.department_for("an_ninh", "Hiệp Bình") == "ca_hiep_binh"
    assert reference.routing.department_for("an_ninh", "Cát Lái") == "ca_cat_lai"
    assert reference.routing.department_for("an_ninh", None) != "ca_hiep_binh"


@pytest.mark.parametrize("name", ["Hiệp Bình", "hiep binh", "Phường Hiệp Bình", "HIỆP BÌNH"])
def test_ward_lookup_ignores_case_diacritics_and_prefix(
    reference: ReferenceData, name: str
) -> None:
    assert reference.ward(name).name == "Hiệp Bình"


def test_unknown_ward_and_category_are_clear_errors(reference: ReferenceData) -> None:
    with pytest.raises(InvalidInput, match="unknown ward"):
        reference.ward("Bến Nghé")
    with pytest.raises(InvalidInput, match="unknown category"):
        reference.category("ngap")


def test_inconsistent_reference_data_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "refdata"
    shutil.copytree(DEFAULT_DIR, target)
    routing = json.loads((target / "routing.json").read_text(encoding="utf-8"))
    routing["default"]["thoat_nuoc"] = "no_such_department"
    (target / "routing.json").write_text(json.dumps(routing), encoding="utf-8")
    with pytest.raises(InvalidInput, match="no_such_department"):
        ReferenceData.load(target)
