"""Logging in and out of the staff pages: CSRF, errors in Vietnamese, safe redirects."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.auth import SESSION_COOKIE
from api.web.routing import safe_next
from app.container import Container
from core.accounts import SYSTEM, Role
from tests.api.web.conftest import PASSWORD, browser, csrf_of, logged_in, login


def test_login_form_is_labelled_and_carries_a_csrf_token(web: TestClient) -> None:
    page = web.get("/login")
    assert page.status_code == 200
    assert 'lang="vi"' in page.text and "Đăng nhập" in page.text
    assert '<label for="username">' in page.text and '<label for="password">' in page.text
    assert csrf_of(page.text)
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_login_goes_to_the_local_next_page_and_sets_a_safe_cookie(web: TestClient) -> None:
    response = login(web, "lan", next_path="/staff/overdue?page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/overdue?page=2"
    cookie = response.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()


def test_wrong_password_says_so_in_vietnamese(web: TestClient) -> None:
    response = login(web, "lan", password="sai-mat-khau-roi")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_repeated_failures_are_throttled_with_a_message(
    web_app: FastAPI, web_container: Container
) -> None:
    web_container.accounts.ensure_account(SYSTEM, "thu", PASSWORD, Role.TRIAGE)
    client = browser(web_app, ip="10.0.0.9")  # its own address: other tests are not throttled
    for _ in range(5):
        login(client, "thu", password="sai-mat-khau-roi")
    response = login(client, "thu")
    assert response.status_code == 429
    assert "thử lại sau" in response.text and int(response.headers["retry-after"]) > 0


def test_login_without_the_form_token_is_refused(web: TestClient) -> None:
    web.get("/login")
    response = web.post("/login", data={"username": "lan", "password": "x" * 12,
                                        "csrf_token": "forged"})  # fmt: skip
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/staff/cases/PA-2026-000001", "/staff/cases/PA-2026-000001"),
        ("https://evil.example/", "/staff"),
        ("//evil.example/x", "/staff"),
        ("/\\evil.example", "/staff"),
        ("javascript:alert(1)", "/staff"),
        ("", "/staff"),
        (None, "/staff"),
    ],
)
def test_next_is_kept_to_local_paths(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_an_offsite_next_is_ignored_at_login(web: TestClient) -> None:
    response = login(web, "lan", next_path="https://evil.example/")
    assert response.headers["location"] == "/staff"


def test_pages_send_anonymous_visitors_to_the_login_form(web: TestClient) -> None:
    response = web.get("/staff", params={"ward": "Hiệp Bình"})
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == "/login?next=%2Fstaff%3Fward%3DHi%25E1%25BB%2587p%2BB%25C3%25ACnh"
    )
    assert web.get("/api/v1/me").status_code == 401  # JSON APIs keep their JSON errors


def test_logout_needs_the_session_token_then_ends_the_session(web: TestClient) -> None:
    logged_in(web, "lan")
    refused = web.post("/logout", data={})
    assert refused.status_code == 403
    assert web.get("/api/v1/me").status_code == 200
    token = csrf_of(web.get("/staff").text)
    response = web.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/login?bye=1"
    assert web.get("/api/v1/me").status_code == 401
    assert "Bạn đã đăng xuất." in web.get("/login?bye=1").text


def test_static_assets_are_served_without_login(web: TestClient) -> None:
    css = web.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert web.get("/static/app.js").status_code == 200


def test_the_root_leads_to_the_staff_pages(web: TestClient) -> None:
    assert web.get("/").headers["location"] == "/staff"


def test_bad_query_values_give_a_page_not_json(web: TestClient) -> None:
    response = logged_in(web, "mai").get("/staff/dashboard", params={"days": "abc"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Dữ liệu gửi lên không hợp lệ" in response.text
