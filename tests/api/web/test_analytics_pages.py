"""The ask page (answer, numbers, chart, examples), the dashboard and the alerts list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.container import Container
from core.accounts import SYSTEM
from core.analytics import Alert, AlertKind
from stores.sql.alert_store import SqlAlertStore
from tests.api.web.conftest import NOISE, file_case, logged_in

FLOODS = (
    "Đường số 5 phường Hiệp Bình ngập sâu sau cơn mưa chiều nay",
    "Mưa lớn làm ngập nước đường Kha Vạn Cân, xe chết máy hàng loạt",
    "Cống thoát nước bị nghẹt, nước tràn vào nhà dân ở phường Linh Xuân",
)
QUESTION = "tuần này có bao nhiêu phản ánh về ngập nước?"


@pytest.fixture(scope="module")
def seeded(web_app: FastAPI, web_container: Container) -> list[str]:
    """Three flood reports and one about noise, today; aggregates brought up to date."""
    cases = [file_case(web_container, text) for text in (*FLOODS, NOISE)]
    assert [c.category for c in cases] == ["thoat_nuoc"] * 3 + ["tieng_on"]
    web_app.state.analytics.rebuild_aggregates()
    return [c.reference for c in cases]


def test_ask_answers_with_numbers_chart_and_examples(web: TestClient, seeded: list[str]):
    client = logged_in(web, "mai")
    page = client.get("/staff/ask", params={"q": QUESTION})
    assert page.status_code == 200
    html = page.text
    assert 'id="understood"' in html and "Ngập nước, thoát nước" in html
    headline = re.search(r'<h2 id="answer-title" class="headline">([^<]*)</h2>', html)
    assert headline and "3" in headline.group(1)
    chart = re.search(r'<img id="answer-chart" src="([^"]+)"', html)
    assert chart
    png = client.get(chart.group(1).replace("&amp;", "&"))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert any(f'href="/staff/cases/{ref}"' in html for ref in seeded[:3])  # example cases


def test_an_unanswerable_question_offers_examples(web: TestClient, seeded: list[str]):
    html = logged_in(web, "mai").get("/staff/ask", params={"q": "thời tiết mai thế nào?"}).text
    assert "Chưa trả lời được câu hỏi này" in html
    assert 'href="/staff/ask?q=Tu%E1%BA%A7n+n%C3%A0y' in html  # a suggestion, as a link
    assert 'id="answer-chart"' not in html


def test_the_empty_ask_page_suggests_questions(web: TestClient):
    html = logged_in(web, "mai").get("/staff/ask").text
    assert '<label for="q">Câu hỏi</label>' in html and "Bạn có thể hỏi" in html


def test_the_chart_route_is_authenticated(web: TestClient, seeded: list[str]):
    response = web.get("/staff/ask/chart.png", params={"q": QUESTION})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_the_dashboard_draws_the_ward_map_and_charts(web: TestClient, seeded: list[str]):
    html = logged_in(web, "mai").get("/staff/dashboard").text
    map_svg = html.split('id="ward-map"')[1].split("</svg>")[0]
    assert len(re.findall(r"<path [^>]*data-ward=", map_svg)) == 12
    assert 'data-ward="Hiệp Bình"' in map_svg
    assert '<p class="headline" id="total">4</p>' in html
    for part in ('id="volume-chart"', 'id="forecast-chart"', "Dự báo 7 ngày tới",
                 "Tỉ lệ phản ánh tiêu cực theo tuần", "Ngập nước, thoát nước"):  # fmt: skip
        assert part in html
    assert html.count('class="line-forecast"') == 1


def test_alerts_are_listed_with_their_text(web: TestClient, web_container: Container, seeded):
    SqlAlertStore(web_container.db).add(Alert(
        AlertKind.VOLUME, "thoat_nuoc", "Hiệp Bình", date.today(), 9.0, 1.5, 0.0004,
        {"baseline_days": 28, "examples": [seeded[0]]}))  # fmt: skip
    client = logged_in(web, "mai")
    html = client.get("/staff/alerts").text
    assert "Số lượng tăng" in html and "Hiệp Bình" in html
    assert f'href="/staff/cases/{seeded[0]}"' in html
    assert "Hiệp Bình" in client.get("/staff/dashboard").text.split("Cảnh báo mới nhất")[1]


def test_a_role_without_analytics_gets_a_403_page(web: TestClient, web_container: Container):
    _client, key = web_container.accounts.create_api_key(SYSTEM, "portal-web-test")
    headers = {"X-API-Key": key}  # the api role reads cases but not analytics
    refused = web.get("/staff/dashboard", headers=headers)
    assert refused.status_code == 403 and "không được phép" in refused.text
    assert web.get("/staff/ask", headers=headers).status_code == 403
    assert web.get("/staff", headers=headers).status_code == 200
    html = logged_in(web, "hung").get("/staff").text  # department accounts may
    assert 'href="/staff/dashboard"' in html


def test_a_too_long_question_is_refused_politely(web: TestClient) -> None:
    html = logged_in(web, "mai").get("/staff/ask", params={"q": "ngập " * 200}).text
    assert "Câu hỏi quá dài" in html and 'id="answer"' not in html
