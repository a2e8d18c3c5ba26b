"""Open311 GeoReport v2 over HTTP, checked against the spec's field lists, in JSON and XML
(TestClient runs the real app, lifespan and router included, on SQLite)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from app.container import Container
from app.web import build_app
from core.accounts import SYSTEM, Role
from core.types import LOCAL_TZ, FeedbackStatus
from stores.sql.tables import FeedbackRow

BASE = "/open311/v2"
FLOOD = "Cống nghẹt, nước ngập ngang gối ở hẻm 48 Đặng Văn Bi, gọi tôi 0909 123 456"
# The spec's field lists (wiki.open311.org/GeoReport_v2), in its order.
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"]  # fmt: skip
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order",
                    "description", "values"]  # fmt: skip
POSTED_FIELDS = ["service_request_id", "token", "service_notice", "account_id"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url"]  # fmt: skip
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    with TestClient(build_app(container)) as c:
        yield c


@pytest.fixture
def api_key(client: TestClient, container: Container) -> str:
    return container.accounts.create_api_key(SYSTEM, "portal")[1]


def post(client: TestClient, key: str | None, fmt: str = "json", **fields: Any) -> Response:
    body = {"service_code": "thoat_nuoc", "description": FLOOD, "lat": "10.8503",
            "long": "106.7336", **fields}  # fmt: skip
    if key is not None:
        body["api_key"] = key
    return client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in body.items() if v})


def filed(client: TestClient, key: str, **fields: Any) -> str:
    response = post(client, key, **fields)
    assert response.status_code == 201, response.text
    ref: str = response.json()[0]["service_request_id"]
    return ref


def xml_items(response: Response, root: str, item: str) -> list[dict[str, str | None]]:
    assert response.headers["content-type"].startswith("text/xml")
    tree = ET.fromstring(response.content)
    assert tree.tag == root
    return [{child.tag: child.text for child in element} for element in tree.findall(item)]


def test_discovery_names_the_spec_the_url_and_both_formats(client: TestClient) -> None:
    data = client.get(f"{BASE}/discovery.json").json()
    assert list(data) == DISCOVERY_FIELDS
    (endpoint,) = data["endpoints"]
    assert list(endpoint) == ENDPOINT_FIELDS
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"http://testserver{BASE}"
    assert endpoint["type"] in ("production", "test")
    assert sorted(endpoint["formats"]) == ["application/json", "text/xml"]
    assert W3C.match(data["changeset"])
    tree = ET.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert [c.tag for c in tree] == DISCOVERY_FIELDS
    assert [f.text for f in tree.iter("format")] == endpoint["formats"]
    assert tree.findtext("endpoints/endpoint/url") == endpoint["url"]


def test_services_are_our_categories_with_their_departments(client: TestClient) -> None:
    services = client.get(f"{BASE}/services.json").json()
    assert len(services) == 17
    assert all(list(s) == SERVICE_FIELDS for s in services)
    flood = next(s for s in services if s["service_code"] == "thoat_nuoc")
    assert flood["service_name"] == "Ngập nước, thoát nước"
    assert flood["metadata"] is True and flood["type"] == "realtime"
    assert "ngập" in flood["keywords"].split(", ")
    assert flood["group"] == "Công ty TNHH MTV Thoát nước Đô thị Thành phố Hồ Chí Minh"
    admin = next(s for s in services if s["service_code"] == "hanh_chinh")
    assert admin["metadata"] is False
    assert client.get(f"{BASE}/services").json() == services  # JSON without an extension
    xml = xml_items(client.get(f"{BASE}/services.xml"), "services", "service")
    assert [list(s) for s in xml] == [SERVICE_FIELDS] * 17
    assert xml[1]["metadata"] == "true" and xml[1]["service_name"] == flood["service_name"]


def test_service_definitions_are_honest_about_attributes(client: TestClient) -> None:
    flood = client.get(f"{BASE}/services/thoat_nuoc.json").json()
    assert flood["service_code"] == "thoat_nuoc"
    assert [a["code"] for a in flood["attributes"]] == ["house_number", "alley"]
    for order, a in enumerate(flood["attributes"], start=1):
        assert list(a) == ATTRIBUTE_FIELDS
        assert (a["datatype"], a["required"], a["order"], a["values"]) == (
            "string",
            False,
            order,
            [],
        )
    assert client.get(f"{BASE}/services/hanh_chinh.json").json()["attributes"] == []
    tree = ET.fromstring(client.get(f"{BASE}/services/thoat_nuoc.xml").content)
    assert tree.tag == "service_definition"
    assert [[c.tag for c in a] for a in tree.iter("attribute")] == [ATTRIBUTE_FIELDS] * 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_and_resource_are_404_in_the_spec_format(
    client: TestClient, fmt: str
) -> None:
    for path in (f"/services/nope.{fmt}", f"/requests/PA-2026-999999.{fmt}", f"/nothing.{fmt}"):
        response = client.get(BASE + path)
        assert response.status_code == 404
        if fmt == "json":
            [error] = response.json()
            assert error["code"] == 404 and error["description"]
        else:
            assert xml_items(response, "errors", "error")[0]["code"] == "404"


def test_filing_needs_a_valid_api_key_of_a_role_that_may_submit(
    client: TestClient, container: Container, api_key: str
) -> None:
    official_key = container.accounts.create_api_key(SYSTEM, "stats", Role.OFFICIAL)[1]
    for key in (None, "wrong-key", official_key, api_key[:-2] + "xx"):
        response = post(client, key)
        assert response.status_code == 403, key
        assert response.json()[0]["code"] == 403
    response = post(client, None, fmt="xml")
    assert xml_items(response, "errors", "error")[0]["code"] == "403"
    headers = {"X-API-Key": api_key}
    by_header = client.post(f"{BASE}/requests.json", data={"service_code": "thoat_nuoc",
                            "description": FLOOD, "address_string": "Đặng Văn Bi"},
                            headers=headers)  # fmt: skip
    assert by_header.status_code == 201
    assert (
        client.get(f"{BASE}/requests.json").json()[0]["service_request_id"]
        == (by_header.json()[0]["service_request_id"])
    )


def test_a_filed_request_answers_the_spec_fields_and_a_retry_returns_it(
    client: TestClient, api_key: str
) -> None:
    first = post(client, api_key, device_id="phone-1", account_id="acc-9")
    assert first.status_code == 201
    [receipt] = first.json()
    assert list(receipt) == POSTED_FIELDS
    assert re.match(r"^PA-\d{4}-\d{6}$", receipt["service_request_id"])
    assert receipt["account_id"] == "acc-9" and receipt["service_notice"]
    again = post(client, api_key, device_id="phone-1", account_id="acc-9")
    assert again.status_code == 200 and again.json() == first.json()
    other = post(client, api_key, device_id="phone-2")
    assert other.json()[0]["service_request_id"] != receipt["service_request_id"]
    token = client.get(f"{BASE}/tokens/{receipt['token']}.json").json()
    assert token == [{"service_request_id": receipt["service_request_id"],
                      "token": receipt["token"]}]  # fmt: skip
    assert client.get(f"{BASE}/tokens/o311-nope.json").status_code == 404


def test_an_idempotency_key_names_the_retry(client: TestClient, api_key: str) -> None:
    def send(text: str) -> Response:
        body = {"api_key": api_key, "service_code": "moi_truong", "description": text,
                "address_string": "chợ Thủ Đức"}  # fmt: skip
        return client.post(f"{BASE}/requests.xml", data=body, headers={"Idempotency-Key": "k-1"})

    first, second = send("Rác chất đống trước chợ"), send("Rác chất đống trước chợ Thủ Đức")
    assert (first.status_code, second.status_code) == (201, 200)
    ids = [xml_items(r, "service_requests", "request")[0]["service_request_id"]
           for r in (first, second)]  # fmt: skip
    assert ids[0] == ids[1]


def test_json_bodies_and_attributes_are_accepted(client: TestClient, api_key: str) -> None:
    body = {"api_key": api_key, "service_code": "thoat_nuoc", "description": FLOOD,
            "address_string": "Đặng Văn Bi, phường Trường Thọ",
            "attribute": {"house_number": "12", "alley": "48"},
            "media_url": "https://example.vn/anh/1.jpg", "address_id": "addr-77"}  # fmt: skip
    response = client.post(f"{BASE}/requests.json", json=body)
    assert response.status_code == 201, response.text
    ref = response.json()[0]["service_request_id"]
    [shown] = client.get(f"{BASE}/requests/{ref}.json").json()
    assert shown["address"] == "số 12, hẻm 48, Đặng Văn Bi, phường Trường Thọ"
    assert shown["media_url"] == body["media_url"] and shown["address_id"] == "addr-77"
    form = post(client, api_key, **{"attribute[alley]": "9", "description": "Cống nghẹt hẻm 9"})
    assert form.status_code == 201


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"description": "a" * 4001}, "4001"),
        ({"lat": "", "long": ""}, "location"),
        ({"service_code": "ufo"}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"attribute[color]": "red"}, "color"),
        ({"lat": "north"}, "lat"),
        ({"long": ""}, "latitude and longitude"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"description": "<script>alert(1)</script>"}, "markup"),
    ],
    ids=["too-long", "no-location", "unknown-service", "no-service", "unknown-attribute",
         "bad-lat", "half-coordinates", "bad-media-url", "markup"],
)  # fmt: skip
def test_refused_requests_are_400_and_store_nothing(
    client: TestClient, api_key: str, fields: dict[str, str], words: str
) -> None:
    response = post(client, api_key, **fields)
    assert response.status_code == 400, response.text
    [error] = response.json()
    assert error["code"] == 400 and words in error["description"]
    assert client.get(f"{BASE}/requests.json").json() == []


def test_only_the_redacted_text_and_no_contact_is_ever_shown(
    client: TestClient, api_key: str
) -> None:
    ref = filed(client, api_key, first_name="An", last_name="Nguyễn Văn",
                email="an.nguyen@gmail.com", phone="0912 345 678")  # fmt: skip
    shown = [
        client.get(f"{BASE}/requests.json").text,
        client.get(f"{BASE}/requests/{ref}.json?extensions=true").text,
        client.get(f"{BASE}/requests/{ref}.xml").text,
    ]
    for text in shown:
        for secret in ("0909 123 456", "an.nguyen@gmail.com", "0912 345 678", "Nguyễn Văn"):
            assert secret not in text
    assert "Đặng Văn Bi" in json.loads(shown[0])[0]["description"]


def test_requests_carry_every_spec_field_in_both_formats(
    client: TestClient, container: Container, api_key: str
) -> None:
    ref = filed(client, api_key)
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with container.db.engine.begin() as conn:
        conn.execute(update(FeedbackRow).where(FeedbackRow.reference == ref).values(due_at=due))
    [item] = client.get(f"{BASE}/requests.json").json()
    assert list(item) == REQUEST_FIELDS
    assert item["service_request_id"] == ref and item["status"] == "open"
    assert item["service_code"] == "thoat_nuoc" and item["service_name"]
    assert item["agency_responsible"] and item["status_notes"]
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(item[name]), (name, item[name])
    assert item["expected_datetime"] == "2026-12-01T17:00:00+07:00"
    assert (item["lat"], item["long"]) == (10.8503, 106.7336)
    [xml] = xml_items(client.get(f"{BASE}/requests.xml"), "service_requests", "request")
    assert list(xml) == REQUEST_FIELDS
    assert xml == {k: _xml_text(v) for k, v in item.items()}
    [one] = client.get(f"{BASE}/requests/{ref}").json()
    assert one == item


def _xml_text(value: Any) -> str | None:
    return None if value is None else str(value)


def test_status_is_open_or_closed_and_the_notes_tell_our_workflow(
    client: TestClient, container: Container, api_key: str
) -> None:
    done, refused, open_ = (filed(client, api_key, device_id=d) for d in ("a", "b", "c"))
    container.feedback.change_status(done, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    container.feedback.change_status(done, FeedbackStatus.RESOLVED, "staff:lan", "Đã nạo vét")
    container.feedback.change_status(refused, FeedbackStatus.REJECTED, "staff:lan", "Sai địa bàn")

    def shown(ref: str) -> dict[str, Any]:
        item: dict[str, Any] = client.get(f"{BASE}/requests/{ref}.json?extensions=true").json()[0]
        return item

    assert shown(done)["status"] == shown(refused)["status"] == "closed"
    assert shown(done)["status_notes"] == "Đã xử lý xong. Ghi chú của cán bộ: Đã nạo vét"
    assert shown(refused)["status_notes"].startswith("Không được tiếp nhận xử lý")
    opened = shown(open_)
    assert opened["status"] == "open"
    assert opened["status_notes"] in ("Đã chuyển đến đơn vị xử lý", "Đang chờ phân loại")
    ext = opened["extended_attributes"]
    assert ext["workflow_status"] in ("routed", "needs_triage")
    assert set(ext) >= {"workflow_status_vi", "ward", "priority", "channel"}
    resolved_at = container.feedback.get(done).events[-1].at.astimezone(LOCAL_TZ)
    assert shown(done)["updated_datetime"] == resolved_at.isoformat(timespec="seconds")
    closed = client.get(f"{BASE}/requests.json", params={"status": "closed"}).json()
    assert sorted(r["service_request_id"] for r in closed) == sorted([done, refused])
    both = client.get(f"{BASE}/requests.json", params={"status": "open,closed"}).json()
    assert len(both) == 3


def test_request_filters_dates_and_pages(client: TestClient, api_key: str) -> None:
    refs = [filed(client, api_key, device_id=str(i)) for i in range(3)]
    noise = filed(client, api_key, service_code="tieng_on", device_id="x",
                  description="Karaoke hát tới 2 giờ sáng ở phường Linh Xuân")  # fmt: skip

    def ids(**params: Any) -> list[str]:
        response = client.get(f"{BASE}/requests.json", params=params)
        assert response.status_code == 200, response.text
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [noise, *reversed(refs)]  # newest first, last 90 days
    assert ids(service_request_id=f"{refs[0]}, {refs[2].lower()}") == [refs[2], refs[0]]
    assert ids(service_request_id=refs[0], status="closed") == [refs[0]]  # ids win
    assert ids(service_code="tieng_on") == [noise]
    assert ids(start_date="2099-01-01T00:00:00+07:00") == []
    today = datetime.now(UTC).date().isoformat()
    assert len(ids(start_date=today, end_date=today)) in (0, 4)  # 4 unless midnight passed
    assert ids(end_date="2000-01-01") == []
    assert ids(page_size=2) == [noise, refs[2]]
    assert ids(page_size=2, page=2) == [refs[1], refs[0]]
    for bad in ({"start_date": "2026-01-01", "end_date": "2026-06-01"},
                {"start_date": "yesterday"}, {"status": "pending"}, {"page_size": 1001},
                {"start_date": "2026-02-01", "end_date": "2026-01-01"}):  # fmt: skip
        response = client.get(f"{BASE}/requests.xml", params=bad)
        assert response.status_code == 400, bad
        assert xml_items(response, "errors", "error")[0]["code"] == "400"


def test_a_foreign_jurisdiction_is_not_served(client: TestClient) -> None:
    ours = client.get(
        f"{BASE}/services.json", params={"jurisdiction_id": "thuduc.hochiminhcity.gov.vn"}
    )
    assert ours.status_code == 200
    other = client.get(f"{BASE}/services.json", params={"jurisdiction_id": "sf.gov"})
    assert other.status_code == 404 and "jurisdiction" in other.json()[0]["description"]


def test_personal_data_in_a_staff_note_is_not_published(
    client: TestClient, container: Container, api_key: str
) -> None:
    ref = filed(client, api_key, device_id="pii-note")
    container.feedback.change_status(ref, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    container.feedback.change_status(
        ref, FeedbackStatus.RESOLVED, "staff:lan", "Đã xử lý, liên hệ anh Tư 0903 123 456"
    )
    notes = client.get(f"{BASE}/requests/{ref}.json").json()[0]["status_notes"]
    assert "Đã xử lý" in notes
    assert "0903" not in notes and "123 456" not in notes


def test_spam_and_abusive_texts_are_not_published(
    client: TestClient, container: Container, api_key: str
) -> None:
    fine, abusive, spam = (filed(client, api_key, device_id=d) for d in ("ok", "bad", "ad"))
    with container.db.write_connection() as conn:
        conn.execute(update(FeedbackRow).where(FeedbackRow.reference == abusive)
                     .values(toxicity="hate"))  # fmt: skip
        conn.execute(update(FeedbackRow).where(FeedbackRow.reference == spam).values(is_spam=True))
    listed = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json").json()}
    assert "Đặng Văn Bi" in listed[fine]["description"]
    for ref in (abusive, spam):
        assert listed[ref]["description"] == (
            "Nội dung không hiển thị công khai (tin rác hoặc lời lẽ không phù hợp)."
        )
        one = client.get(f"{BASE}/requests/{ref}.xml").text
        assert "Cống nghẹt" not in one and "không hiển thị công khai" in one
