"""The REST API over HTTP (TestClient runs the real app, lifespan included, on SQLite)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.container import Container
from app.web import build_app
from tests.api.auth_support import api_key, fast_accounts

FLOOD = "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay"


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """A client with an API key (listing feedback needs one; posting and lookup do not)."""
    accounts = fast_accounts(container)
    with TestClient(build_app(container)) as c:
        c.headers.update(api_key(accounts))
        yield c


def test_post_creates_then_a_repeat_returns_the_same_record(client: TestClient) -> None:
    body = {"text": FLOOD, "channel": "zalo", "channel_message_id": "msg-1",
            "location_text": "P. Hiệp Bình Chánh", "contact_phone": "0909123456"}  # fmt: skip
    first = client.post("/api/v1/feedback", json=body)
    assert first.status_code == 201, first.text
    data = first.json()
    assert data["reference"].startswith("PA-")
    assert data["category"] == "thoat_nuoc"
    assert data["ward"] == "Hiệp Bình"
    assert data["status"] in ("routed", "needs_triage")
    assert data["annotation"]["alternatives"] and data["annotation"]["explanation"]
    assert data["received_at"].endswith("+07:00")
    again = client.post("/api/v1/feedback", json=body)
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]


def test_an_advertisement_is_flagged_and_withheld(client: TestClient) -> None:
    ad = "Cho vay tiền nhanh trong ngày, không thế chấp, lãi suất thấp, inbox ngay!!!"
    data = client.post("/api/v1/feedback", json={"text": ad}).json()
    assert (data["is_spam"], data["withheld"]) == (True, "spam")
    fine = client.post("/api/v1/feedback", json={"text": FLOOD}).json()
    assert (fine["is_spam"], fine["withheld"]) == (False, None)


def test_get_by_id_and_reference(client: TestClient) -> None:
    created = client.post("/api/v1/feedback", json={"text": FLOOD}).json()
    by_id = client.get(f"/api/v1/feedback/{created['id']}")
    by_ref = client.get(f"/api/v1/feedback/{created['reference']}")
    assert by_id.status_code == by_ref.status_code == 200
    assert by_id.json()["reference"] == by_ref.json()["reference"] == created["reference"]
    assert next(e["to_status"] for e in by_id.json()["events"]) == "received"
    missing = client.get("/api/v1/feedback/PA-2026-999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "feedback.not_found"


def test_list_filters_by_status_category_ward_and_date(client: TestClient) -> None:
    client.post("/api/v1/feedback", json={"text": FLOOD, "location_text": "phường Hiệp Bình"})
    client.post("/api/v1/feedback", json={"text": "Karaoke hát tới 2 giờ sáng ở phường Linh Xuân"})
    everything = client.get("/api/v1/feedback").json()
    assert everything["total"] == 2
    flood = client.get("/api/v1/feedback", params={"category": "thoat_nuoc"}).json()
    assert [i["text"] for i in flood["items"]] == [FLOOD]
    by_ward = client.get("/api/v1/feedback", params={"ward": "hiep binh"}).json()
    assert by_ward["total"] == 1 and by_ward["items"][0]["ward"] == "Hiệp Bình"
    future = client.get("/api/v1/feedback", params={"received_from": "2099-01-01"}).json()
    assert future["total"] == 0
    paged = client.get("/api/v1/feedback", params={"limit": 1, "offset": 1}).json()
    assert len(paged["items"]) == 1 and paged["total"] == 2
    assert client.get("/api/v1/feedback", params={"status": "nonsense"}).status_code == 422
    assert client.get("/api/v1/feedback", params={"ward": "Bến Nghé"}).status_code == 422


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": ""}, 422, "feedback.text_empty"),
        ({"text": "a" * 4001}, 422, "feedback.text_too_long"),
        ({"text": "<script>alert('x')</script>"}, 422, "feedback.text_markup"),
        ({"text": "ngập\u0007"}, 422, "feedback.text_control_chars"),
        ({"text": "ngập", "channel": "myspace"}, 422, "feedback.unknown_channel"),
        ({"txt": "ngập"}, 422, "request.invalid"),
        ({"text": 12}, 422, "request.invalid"),
    ],
)
def test_bad_bodies_get_clear_errors(
    client: TestClient, body: dict, status: int, code: str
) -> None:
    response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert client.get("/api/v1/feedback").json()["total"] == 0


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"text": "ng\xe1\xba p"}', b"\xff\xfe\x00"],
)
def test_malformed_json_and_broken_utf8_are_400(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/v1/feedback", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] in ("request.malformed_json", "request.invalid")
    assert client.get("/api/v1/feedback").json()["total"] == 0
    assert client.get("/healthz").status_code == 200


def test_huge_body_is_refused_before_parsing(client: TestClient) -> None:
    response = client.post("/api/v1/feedback", json={"text": "x" * 200_000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request.too_large"


def test_reference_endpoints(client: TestClient) -> None:
    assert len(client.get("/api/v1/categories").json()) == 17
    wards = client.get("/api/v1/wards").json()
    assert len(wards) == 12
    assert sum(len(w["former_wards"]) for w in wards) == 34


def test_the_api_never_returns_personal_data(client: TestClient) -> None:
    body = {
        "text": "Cống nghẹt ở hẻm 12 Đặng Văn Bi, gọi tôi 0909 123 456 hoặc an.nguyen@gmail.com"
    }
    created = client.post("/api/v1/feedback", json=body).json()
    listed = client.get("/api/v1/feedback").json()["items"][0]
    for shown in (created, client.get(f"/api/v1/feedback/{created['id']}").json(), listed):
        dumped = json.dumps(shown, ensure_ascii=False)
        assert "0909 123 456" not in dumped and "an.nguyen@gmail.com" not in dumped
        assert "Đặng Văn Bi" in shown["text"]


def test_a_second_report_of_the_same_incident_lists_the_first_as_candidate(
    client: TestClient,
) -> None:
    first = client.post(
        "/api/v1/feedback",
        json={"text": "Cống nghẹt, nước ngập ngang gối ở hẻm 48 Đặng Văn Bi phường Trường Thọ"},
    ).json()
    second = client.post(
        "/api/v1/feedback",
        json={"text": "hem 48 dang van bi p truong tho cong nghet nuoc ngap ngang goi luon"},
    ).json()
    other = client.post(
        "/api/v1/feedback", json={"text": "Karaoke ồn tới khuya ở phường Linh Xuân"}
    ).json()
    found = client.get(f"/api/v1/feedback/{second['reference']}/duplicates").json()
    assert [c["candidate_reference"] for c in found] == [first["reference"]]
    assert 0 < found[0]["score"] <= 1 and found[0]["state"] == "proposed"
    assert client.get(f"/api/v1/feedback/{other['id']}/duplicates").json() == []
