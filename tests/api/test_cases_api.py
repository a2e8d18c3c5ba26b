"""/api/v1/cases over HTTP: who may call what, JSON shapes and errors, CSV export (SQLite; the
service and store are tested on both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import cases as cases_routes
from app.container import Container
from app.web import build_app
from core.accounts import Role
from core.chat import ChatChannel
from core.reference import ReferenceData
from services.accounts import AccountService
from stores.sql.db import Database
from tests.api.auth_support import accounts_on, api_key, fast_accounts, staff
from tests.case_factories import FLOOD, NOW, TriageRig, triage_rig

CASES = "/api/v1/cases"


@pytest.fixture
def rig(sqlite_db: Database, reference: ReferenceData) -> TriageRig:
    return triage_rig(sqlite_db, reference)


@pytest.fixture
def accounts(sqlite_db: Database, reference: ReferenceData) -> AccountService:
    return accounts_on(sqlite_db, reference)


@pytest.fixture
def client(rig: TriageRig, reference: ReferenceData, accounts: AccountService
           ) -> Iterator[TestClient]:  # fmt: skip
    app = create_app(rig.feedback, reference, routers=[cases_routes.router])
    app.state.triage = rig.triage
    app.state.accounts = accounts
    with TestClient(app) as c:
        yield c


@pytest.fixture
def lan(accounts: AccountService) -> dict[str, str]:
    return staff(accounts, "lan", Role.TRIAGE)


def test_who_may_read_and_change(client: TestClient, rig: TriageRig, accounts: AccountService,
                                 lan: dict[str, str]) -> None:  # fmt: skip
    fb = rig.add()
    change = (f"{CASES}/{fb.reference}/priority", {"priority": "high"})
    assert client.get(CASES).status_code == 401
    key = api_key(accounts)
    assert client.get(CASES, headers=key).status_code == 200
    assert client.post(change[0], json=change[1], headers=key).status_code == 403
    official = staff(accounts, "chu_tich", Role.OFFICIAL)
    assert client.get(f"{CASES}/{fb.reference}", headers=official).json()["may_change"] is False
    assert client.post(change[0], json=change[1], headers=official).status_code == 403
    no_csrf = {"Cookie": lan["Cookie"]}
    refused = client.post(change[0], json=change[1], headers=no_csrf)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "auth.csrf")
    assert client.post(change[0], json=change[1], headers=lan).json()["priority"] == "high"
    original = client.post(f"{CASES}/{fb.reference}/original", json={"reason": "gọi lại"},
                           headers=key)  # fmt: skip
    assert original.status_code == 403


def test_department_accounts_get_404_for_other_departments(
    client: TestClient, rig: TriageRig, accounts: AccountService
) -> None:
    theirs = rig.add("b", category="ha_tang_duong", department="so_xay_dung")
    hb = staff(accounts, "hb", Role.DEPARTMENT)
    response = client.get(f"{CASES}/{theirs.reference}", headers=hb)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "feedback.not_found")
    assert client.get(CASES, headers=hb).json()["total"] == 0


def test_list_filters_and_shape(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    flood = rig.add("a", urgency="critical")
    rig.add("b", category="dien", department="dien_luc_thu_duc", ward=None)
    rig.cases.set_due(flood.id, NOW - timedelta(hours=1))
    params = {"ward": "hiep binh", "q": "NGAP", "overdue": "true", "status": "needs_triage"}
    page = client.get(CASES, params=params, headers=lan).json()
    assert page["total"] == 1 and page["total_capped"] is False
    [item] = page["items"]
    assert item["reference"] == flood.reference
    assert (item["priority"], item["priority_source"], item["overdue"]) == (
        "critical",
        "model",
        True,
    )
    assert item["due_at"].endswith("+07:00") and item["received_at"].endswith("+07:00")
    assert "0903" not in item["text"]
    both = client.get(CASES, params=[("status", "needs_triage"), ("status", "routed")], headers=lan)
    assert both.json()["total"] == 2
    backwards = {"date_from": "2026-11-21", "date_to": "2026-11-20"}
    for bad in ({"sort": "random"}, {"status": "done"}, {"ward": "Bến Nghé"}, {"limit": 0},
                backwards, {"priority": "urgent"}):  # fmt: skip
        response = client.get(CASES, params=bad, headers=lan)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"]


def test_case_detail(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    fb = rig.add("a")
    rig.links.link(fb.id, ChatChannel.ZALO, "z-1")
    client.post(f"{CASES}/{fb.reference}/confirm", json={"note": "đúng lĩnh vực"}, headers=lan)
    detail = client.get(f"{CASES}/{fb.id}", headers=lan).json()
    assert detail["reference"] == fb.reference
    assert detail["explanation"] == ["ngập"]
    assert detail["alternatives"] == [{"category": "moi_truong", "score": 0.05}]
    assert [h["action"] for h in detail["history"]][-2:] == ["feedback.routing_confirmed", "status"]
    assert [n["state"] for n in detail["notifications"]] == ["pending"]
    assert detail["status"] == "routed" and detail["may_view_original"] is True
    missing = client.get(f"{CASES}/PA-2026-999999", headers=lan)
    assert missing.status_code == 404


def test_original_text(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    fb = rig.add()
    url = f"{CASES}/{fb.reference}/original"
    assert client.post(url, json={"reason": ""}, headers=lan).status_code == 422
    assert client.post(url, json={}, headers=lan).status_code == 422
    response = client.post(url, json={"reason": "cần gọi lại"}, headers=lan)
    assert response.json() == {"key": fb.reference, "text": FLOOD}
    [entry] = rig.audit.for_target("feedback", fb.reference)
    assert (entry.action, entry.reason, entry.ip) == (
        "feedback.original_viewed", "cần gọi lại", "testclient")  # fmt: skip


def test_actions(client: TestClient, rig: TriageRig, accounts: AccountService,
                 lan: dict[str, str]) -> None:  # fmt: skip
    first = rig.add("a")
    second = rig.add("b", received_at=first.received_at + timedelta(hours=1))
    url = f"{CASES}/{second.reference}"
    moved = client.post(f"{url}/category", json={"category": "ha_tang_duong"}, headers=lan)
    assert (moved.json()["category"], moved.json()["status"]) == ("ha_tang_duong", "routed")
    hb_id = accounts.accounts(Role.TRIAGE)[0].id
    assigned = client.post(f"{url}/assign", json={"account_id": hb_id}, headers=lan).json()
    assert assigned["assignee"]["id"] == hb_id
    started = client.post(f"{url}/status", json={"status": "in_progress"}, headers=lan)
    assert started.json()["status"] == "in_progress"
    refused = client.post(f"{url}/status", json={"status": "resolved"}, headers=lan)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "triage.note_required")
    illegal = client.post(f"{url}/status", json={"status": "received", "note": "x"}, headers=lan)
    assert illegal.status_code == 409
    merged = client.post(f"{url}/merge", json={"into": first.reference}, headers=lan).json()
    assert merged["duplicate_of"] == first.id
    extra = client.post(f"{url}/priority", json={"priority": "low", "x": 1}, headers=lan)
    assert extra.status_code == 422  # unknown fields are refused


def test_correcting_the_ward(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    fb = rig.add()
    url = f"{CASES}/{fb.reference}/ward"
    moved = client.post(url, json={"ward": "linh xuan", "note": "Võ Văn Ngân"}, headers=lan)
    assert (moved.json()["ward"], moved.json()["department"]) == ("Linh Xuân", "ubnd_linh_xuan")
    unknown = client.post(url, json={"ward": "Bến Nghé"}, headers=lan)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "refdata.unknown_ward")
    assert client.post(url, json={}, headers=lan).status_code == 422  # say null for unknown
    cleared = client.post(url, json={"ward": None}, headers=lan).json()
    assert (cleared["ward"], cleared["department"]) == (None, "thoat_nuoc_do_thi")
    history = client.get(f"{CASES}/{fb.reference}", headers=lan).json()["history"]
    assert [h["action"] for h in history].count("feedback.ward_set") == 2


def test_flagging_the_content(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    fb = rig.add()
    url = f"{CASES}/{fb.reference}/content"
    assert client.get(f"{CASES}/{fb.reference}", headers=lan).json()["withheld"] is None
    flagged = client.post(url, json={"flag": "spam", "note": "quảng cáo"}, headers=lan).json()
    assert (flagged["is_spam"], flagged["withheld"]) == (True, "spam")
    listed = client.get(CASES, headers=lan).json()["items"][0]
    assert listed["withheld"] == "spam" and listed["text"]  # the API says why; clients hide
    bad = client.post(url, json={"flag": "delete"}, headers=lan)
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "triage.bad_flag")


def test_bulk_and_overdue(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    fb = rig.add("a")
    rig.cases.set_due(fb.id, NOW - timedelta(days=1))
    body = {"references": [fb.reference, "PA-2026-999999"], "action": "priority", "value": "high"}
    result = client.post(f"{CASES}/bulk", json=body, headers=lan).json()
    assert (result["succeeded"], result["failed"]) == (1, 1)
    assert result["items"][1] == {"reference": "PA-2026-999999", "ok": False,
                                  "code": "feedback.not_found",
                                  "message": result["items"][1]["message"]}  # fmt: skip
    bad = client.post(f"{CASES}/bulk", json={**body, "action": "delete"}, headers=lan)
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "triage.bad_action")
    overdue = client.get(f"{CASES}/overdue", headers=lan).json()
    assert [c["reference"] for c in overdue] == [fb.reference]


def test_export_csv(client: TestClient, rig: TriageRig, lan: dict[str, str]) -> None:
    fb = rig.add()
    response = client.get(f"{CASES}/export.csv", params={"category": "thoat_nuoc"}, headers=lan)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="cases-')
    assert response.content.startswith(b"\xef\xbb\xbfreference,")
    body = response.content.decode("utf-8-sig")
    assert fb.reference in body and "[số điện thoại]" in body and "0903" not in body


def test_the_server_mounts_the_cases_routes(container: Container) -> None:
    container.db.migrate()
    accounts = fast_accounts(container)
    app = build_app(container)
    assert app.state.triage is container.triage
    response = TestClient(app).get(CASES, headers=staff(accounts, "lan", Role.TRIAGE))
    assert (response.status_code, response.json()["total"]) == (200, 0)
