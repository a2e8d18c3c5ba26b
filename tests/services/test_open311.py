"""From an Open311 request to a feedback submission, and the status notes (no model needed)."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.open311 import Open311Catalogue
from core.reference import ReferenceData
from core.types import FeedbackStatus
from services.open311_intake import NewRequest, submission, token
from services.open311_texts_vi import status_notes


@pytest.fixture
def catalogue(reference: ReferenceData) -> Open311Catalogue:
    return Open311Catalogue.load(category_codes=reference.category_codes)


def test_contact_goes_apart_and_ids_only_into_the_pseudonym(
    reference: ReferenceData, catalogue: Open311Catalogue
) -> None:
    req = NewRequest(
        "thoat_nuoc",
        "Cống nghẹt",
        address_string="Đặng Văn Bi",
        first_name="An",
        last_name="Nguyễn",
        email="an@x.vn",
        phone="0909123456",
        account_id="acc-1",
        device_id="dev-1",
        address_id="a-7",
        attributes={"alley": ("48",)},
    )
    sub = submission(
        "portal", req, reference.category("thoat_nuoc"), catalogue.attributes_for("thoat_nuoc")
    )
    assert (sub.channel, sub.text) == ("api", "Cống nghẹt")
    assert (sub.contact_name, sub.contact_email, sub.contact_phone) == (
        "An Nguyễn",
        "an@x.vn",
        "0909123456",
    )
    assert sub.sender == "portal:acc-1"
    assert sub.location_text == "hẻm 48, Đặng Văn Bi"
    assert sub.extra == {
        "open311": {
            "service_code": "thoat_nuoc",
            "client": "portal",
            "address_id": "a-7",
            "attributes": {"alley": ["48"]},
        }
    }
    assert "acc-1" not in str(sub.extra) and "dev-1" not in str(sub.extra)


def test_without_description_the_service_name_is_the_text(reference: ReferenceData) -> None:
    sub = submission(
        "portal",
        NewRequest("thoat_nuoc", lat=10.85, long=106.75),
        reference.category("thoat_nuoc"),
        (),
    )
    assert sub.text == "Ngập nước, thoát nước" and sub.location_text is None


def test_the_token_is_stable_per_client_and_request() -> None:
    req = NewRequest("thoat_nuoc", "Cống nghẹt", lat=10.85, long=106.75, device_id="d")
    assert token("portal", req) == token("portal", req)
    assert token("portal", req) != token("other", req)
    assert token("portal", req) != token(
        "portal", NewRequest("thoat_nuoc", "Cống", lat=10.85, long=106.75, device_id="d")
    )
    keyed = NewRequest("thoat_nuoc", "x", idempotency_key="k")
    assert token("portal", keyed) == token(
        "portal", NewRequest("moi_truong", "y", idempotency_key="k")
    )


def test_a_required_list_attribute_is_checked(reference: ReferenceData) -> None:
    from core.open311 import AttributeValue, ServiceAttribute

    kind = ServiceAttribute(
        "kind", "singlevaluelist", True, 1, "Loại", values=(AttributeValue("deep", "Ngập sâu"),)
    )
    category = reference.category("thoat_nuoc")
    ok = NewRequest("thoat_nuoc", "x", lat=10.8, long=106.7, attributes={"kind": ("deep",)})
    assert submission("p", ok, category, (kind,)).extra["open311"]["attributes"] == {
        "kind": ["deep"]
    }
    for attributes in ({}, {"kind": ("shallow",)}, {"kind": ("deep", "deep")}):
        bad = NewRequest("thoat_nuoc", "x", lat=10.8, long=106.7, attributes=attributes)
        with pytest.raises(InvalidInput):
            submission("p", bad, category, (kind,))


@pytest.mark.parametrize(
    ("status", "note", "expected"),
    [
        (FeedbackStatus.RECEIVED, "x", "Đã tiếp nhận"),
        (FeedbackStatus.NEEDS_TRIAGE, "sai phân loại", "Đang chờ phân loại"),
        (FeedbackStatus.IN_PROGRESS, None, "Đang xử lý"),
        (
            FeedbackStatus.RESOLVED,
            " Đã  vét cống ",
            "Đã xử lý xong. Ghi chú của cán bộ: Đã vét cống",
        ),
        (FeedbackStatus.REJECTED, None, "Không được tiếp nhận xử lý"),
    ],
)
def test_status_notes_tell_the_state_and_only_a_decisions_note(
    status: FeedbackStatus, note: str | None, expected: str
) -> None:
    assert status_notes(status, note) == expected
