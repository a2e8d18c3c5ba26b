"""Analytics over HTTP: /api/v1/ask, its chart, dashboard, alerts and forecast (SQLite; the
service and store are tested on both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes import ask as ask_routes
from core.accounts import Role
from core.analytics import Alert, AlertKind
from core.reference import ReferenceData
from core.types import LOCAL_TZ
from services.accounts import AccountService
from services.alerts import AlertService
from services.analytics import AnalyticsService
from services.intake import FeedbackService
from stores.sql.alert_store import SqlAlertStore
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.analytics_factories import add_reports, at, report
from tests.api.auth_support import accounts_on, api_key, staff
from tests.factories import IdleQueue

NOW = datetime(2026, 11, 27, 10, tzinfo=LOCAL_TZ)
QUESTION = "tuần này có bao nhiêu phản ánh về ngập nước?"


@pytest.fixture
def accounts(sqlite_db: Database, reference: ReferenceData) -> AccountService:
    return accounts_on(sqlite_db, reference)


@pytest.fixture
def client(sqlite_db: Database, reference: ReferenceData, accounts: AccountService
           ) -> Iterator[TestClient]:  # fmt: skip
    add_reports(sqlite_db, [
        report(at(2026, 11, 24), reference="PA-2026-000601"),
        report(at(2026, 11, 26), reference="PA-2026-000602", ward="Linh Xuân"),
    ])  # fmt: skip
    store = SqlAnalyticsStore(sqlite_db)
    alerts = SqlAlertStore(sqlite_db)
    alerts.add(Alert(AlertKind.VOLUME, "thoat_nuoc", "Hiệp Bình", date(2026, 11, 26), 9, 1.0,
                     1e-6, {"examples": ["PA-2026-000601"]}))  # fmt: skip
    analytics = AnalyticsService(store, AlertService(store, store, alerts, reference),
                                 reference, clock=lambda: NOW)  # fmt: skip
    analytics.rebuild_aggregates()
    feedback = FeedbackService(SqlFeedbackStore(sqlite_db), IdleQueue(), sender_secret="s",
                               wait_seconds=0.0)  # fmt: skip
    app = create_app(feedback, reference, routers=[ask_routes.router])
    app.state.analytics = analytics
    app.state.accounts = accounts
    with TestClient(app) as c:
        yield c


@pytest.fixture
def official(accounts: AccountService) -> dict[str, str]:
    return staff(accounts, "chu_tich", Role.OFFICIAL)


def test_ask_answers_with_a_chart_url(client: TestClient, official: dict[str, str]) -> None:
    response = client.post("/api/v1/ask", json={"question": QUESTION}, headers=official)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["answered"] is True and body["headline"] == "Có 2 phản ánh."
    assert body["understood"] == "Số phản ánh về Ngập nước, thoát nước, tuần này (23/11–27/11)"
    assert body["query"]["category"] == "thoat_nuoc"
    assert body["examples"][0] == {
        "reference": "PA-2026-000602", "snippet": body["examples"][0]["snippet"],
        "url": "/staff/cases/PA-2026-000602", "received_at": "2026-11-26T09:00:00+07:00",
        "category": "thoat_nuoc", "ward": "Linh Xuân", "due_at": None,
    }  # fmt: skip
    chart = client.get(body["chart_url"], headers=official)
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(b"\x89PNG")
    by_q = client.get("/api/v1/ask/chart.png", params={"q": QUESTION}, headers=official)
    assert by_q.content == chart.content


def test_ask_with_a_reference_day_and_an_unanswerable_question(
    client: TestClient, official: dict[str, str]
) -> None:
    earlier = client.post("/api/v1/ask", json={"question": QUESTION, "today": "2026-11-25"},
                          headers=official).json()  # fmt: skip
    assert earlier["headline"] == "Có 1 phản ánh."
    assert earlier["chart_url"].endswith("&today=2026-11-25")
    unknown = client.post("/api/v1/ask", json={"question": "mấy giờ rồi?"}, headers=official)
    body = unknown.json()
    assert body["answered"] is False and body["chart_url"] is None
    assert body["understood"] == "Tôi chưa trả lời được câu hỏi này."
    assert len(body["suggestions"]) >= 3
    no_chart = client.get("/api/v1/ask/chart.png", params={"q": "mấy giờ rồi?"},
                          headers=official)  # fmt: skip
    assert no_chart.status_code == 404


def test_who_may_ask(client: TestClient, accounts: AccountService) -> None:
    body = {"question": QUESTION}
    assert client.post("/api/v1/ask", json=body).status_code == 401
    assert client.post("/api/v1/ask", json=body, headers=api_key(accounts)).status_code == 403
    for role in (Role.ADMIN, Role.TRIAGE, Role.DEPARTMENT):
        headers = staff(accounts, f"user_{role}", role)
        assert client.post("/api/v1/ask", json=body, headers=headers).status_code == 200
    assert client.get("/api/v1/dashboard").status_code == 401
    assert client.get("/api/v1/alerts", headers=api_key(accounts, "other")).status_code == 403


def test_bad_requests(client: TestClient, official: dict[str, str]) -> None:
    too_long = client.post("/api/v1/ask", json={"question": "a" * 501}, headers=official)
    assert too_long.status_code == 422
    assert client.post("/api/v1/ask", json={"question": ""}, headers=official).status_code == 422
    empty = client.get("/api/v1/ask/chart.png", headers=official)
    assert empty.status_code == 422
    assert client.get("/api/v1/dashboard?days=0", headers=official).status_code == 422
    assert client.get("/api/v1/forecast?category=nope", headers=official).status_code == 422


def test_dashboard_alerts_map_and_forecast(client: TestClient, official: dict[str, str]) -> None:
    board = client.get("/api/v1/dashboard", params={"days": 7}, headers=official).json()
    assert board["start"] == "2026-11-21" and len(board["series"]) == 7
    assert board["total"]["total"] == 2 and board["overdue_count"] == 0
    assert {w["ward"] for w in board["by_ward"]} == {"Hiệp Bình", "Linh Xuân"}
    assert board["alerts"][0]["ratio"] == 9.0
    alerts = client.get("/api/v1/alerts", headers=official).json()
    assert [(a["kind"], a["ward"], a["details"]["examples"]) for a in alerts] == [
        ("volume", "Hiệp Bình", ["PA-2026-000601"])
    ]  # fmt: skip
    svg = client.get("/api/v1/dashboard/wards.svg", headers=official)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count("<path ") == 12 and 'data-value="1"' in svg.text
    for path in ("/api/v1/dashboard/volume.png", "/api/v1/dashboard/sentiment.png",
                 "/api/v1/forecast.png?category=thoat_nuoc"):  # fmt: skip
        image = client.get(path, headers=official)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG"), path
    forecast = client.get("/api/v1/forecast", params={"category": "thoat_nuoc"},
                          headers=official).json()  # fmt: skip
    assert len(forecast["forecast"]) == 7 and forecast["forecast"][0]["day"] == "2026-11-27"
    assert set(forecast["backtest"]) == {"weeks", "mae", "mape", "wape"}


def test_timestamps_are_local(client: TestClient, official: dict[str, str]) -> None:
    alerts = client.get("/api/v1/alerts", headers=official).json()
    created = datetime.fromisoformat(alerts[0]["created_at"])
    assert created.tzinfo is not None and abs(created - datetime.now(UTC)).total_seconds() < 60
