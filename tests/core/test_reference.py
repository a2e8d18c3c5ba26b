import json
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.errors import InvalidInput
from core.reference import DEFAULT_DIR, ReferenceData
from core.text import fold

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


# The procedure catalogue (issue 5): core/refdata/procedures.json.

PROCEDURES = [
    "birth_registration", "death_registration", "marriage_registration", "permanent_residence",
    "certified_copy", "criminal_record", "household_business", "construction_permit",
    "land_transfer", "citizen_id",
]  # fmt: skip
DEMO = Path(__file__).resolve().parents[2] / "app" / "demo"


def test_the_ten_procedures_are_catalogued(reference: ReferenceData) -> None:
    assert sorted(p.key for p in reference.procedures) == sorted(PROCEDURES)


@pytest.mark.parametrize(
    ("key", "name", "fee", "online"),
    [
        ("birth_registration", "Đăng ký khai sinh", "Miễn lệ phí khi đăng ký đúng hạn", True),
        ("criminal_record", "Cấp Phiếu lý lịch tư pháp", "200.000 đồng", True),
        ("certified_copy", "Chứng thực bản sao từ bản chính", "200.000 đồng/bản", True),
        ("land_transfer", "Đăng ký biến động khi chuyển nhượng quyền sử dụng đất", "0,5%", False),
        ("citizen_id", "Cấp thẻ căn cước", "70.000 đồng", True),
    ],
)  # fmt: skip
def test_procedure_lookup_by_key(
    reference: ReferenceData, key: str, name: str, fee: str, online: bool
) -> None:
    procedure = reference.procedure(key)
    assert (procedure.key, procedure.name_vi, procedure.online) == (key, name, online)
    assert fee in procedure.fee_vi
    assert isinstance(procedure.papers_vi, tuple) and procedure.papers_vi


@pytest.mark.parametrize("key", ["passport", "khai sinh", "Birth_Registration"])
def test_unknown_procedure_is_a_clear_error(reference: ReferenceData, key: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(f"unknown procedure '{key}'")) as caught:
        reference.procedure(key)
    assert caught.value.code == "refdata.unknown_procedure"


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("làm căn cước", "citizen_id"), ("làm CCCD", "citizen_id"),
        ("xin lý lịch tư pháp", "criminal_record"), ("sang tên sổ đỏ", "land_transfer"),
        ("nhập hộ khẩu", "permanent_residence"), ("xin giấy phép xây nhà", "construction_permit"),
        ("làm giấy khai sinh cho bé", "birth_registration"), ("khai tử", "death_registration"),
        ("giấy hôn thú", "marriage_registration"), ("sao y bản chính", "certified_copy"),
        ("mở hộ kinh doanh", "household_business"),
    ],
)  # fmt: skip
def test_colloquial_alias_names_its_procedure(
    reference: ReferenceData, alias: str, key: str
) -> None:
    assert [p.key for p in reference.procedures if alias in p.aliases_vi] == [key]


@pytest.mark.parametrize("key", PROCEDURES)
def test_procedure_has_five_to_ten_clean_aliases(reference: ReferenceData, key: str) -> None:
    aliases = reference.procedure(key).aliases_vi
    assert 5 <= len(aliases) <= 10
    assert all(a == " ".join(a.split()) and unicodedata.is_normalized("NFC", a) for a in aliases)
    assert len({fold(a) for a in aliases}) == len(aliases)  # no alias repeats another unaccented


def test_no_alias_belongs_to_two_procedures_even_without_diacritics(
    reference: ReferenceData,
) -> None:
    owner: dict[str, str] = {}
    for procedure in reference.procedures:
        for term in {fold(t) for t in (procedure.name_vi, *procedure.aliases_vi)}:
            assert owner.setdefault(term, procedure.key) == procedure.key, term


@pytest.mark.parametrize("key", PROCEDURES)
def test_guide_is_a_demo_document_about_the_procedure(reference: ReferenceData, key: str) -> None:
    procedure = reference.procedure(key)
    guide = DEMO / procedure.guide_doc_id
    assert procedure.guide_doc_id.startswith("documents/hd-") and guide.is_file()
    text = guide.read_text(encoding="utf-8")
    assert fold(procedure.name_vi) in fold(text)
    assert "/HD-UBND" in text


def _load_changed(tmp_path: Path, change: Callable[[list[dict[str, Any]]], object]) -> None:
    target = tmp_path / "refdata"
    shutil.copytree(DEFAULT_DIR, target)
    path = target / "procedures.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["procedures"])
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ReferenceData.load(target)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda ps: ps[1]["aliases_vi"].append("khai sinh"),
         "alias 'khai sinh' belongs to birth_registration and death_registration"),
        (lambda ps: ps[1]["aliases_vi"].append("Lam giay khai sinh"),
         "alias 'lam giay khai sinh' belongs to birth_registration and death_registration"),
        (lambda ps: ps[2].update(key="birth_registration"),
         "procedure birth_registration is listed twice"),
        (lambda ps: ps[0].update(key="BirthRegistration"), "is not snake_case"),
        (lambda ps: ps[0]["aliases_vi"].append(" "), "birth_registration has an empty text"),
        (lambda ps: ps[0].update(aliases_vi=[]), "birth_registration has no aliases_vi"),
        (lambda ps: ps[0]["aliases_vi"].append(unicodedata.normalize("NFD", "khai sinh cho bé")),
         "is not NFC"),
        (lambda ps: ps[0].pop("fee_vi"), r"missing or unknown fields \['fee_vi'\]"),
        (lambda ps: ps[0].update(online="có"), r"wrong type for \['online'\]"),
        (lambda ps: ps[0]["papers_vi"].append(3), r"wrong type for \['papers_vi'\]"),
    ],
    ids=["same-alias", "same-alias-unaccented", "same-key", "key-case", "empty-alias",
         "no-aliases", "nfd-alias", "missing-field", "online-not-bool", "paper-not-text"],
)  # fmt: skip
def test_inconsistent_procedures_are_refused(
    tmp_path: Path, change: Callable[[list[dict[str, Any]]], object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        _load_changed(tmp_path, change)


def test_missing_procedure_catalogue_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "refdata"
    shutil.copytree(DEFAULT_DIR, target)
    (target / "procedures.json").unlink()
    with pytest.raises(InvalidInput, match=r"procedures\.json"):
        ReferenceData.load(target)
