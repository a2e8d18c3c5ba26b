"""Logging in over HTTP, the cookie, CSRF, API keys, throttling and the admin routes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import CSRF_HEADER, SESSION_COOKIE, ViewCases, csrf_ok, principal_or_none
from api.routes import accounts as accounts_routes
from core.accounts import SYSTEM, Principal, Role
from core.reference import ReferenceData
from services.accounts import AccountService
from services.intake import FeedbackService
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.api.auth_support import PASSWORD, accounts_on, api_key, staff

HTTPS = "https://testserver"  # the cookie is Secure: the test client sends it over https only


class NoAnnotation:
    def submit(self, feedback_id: int) -> None: ...

    def wait(self, feedback_id: int, timeout: float) -> bool:
        return False

    def backlog(self) -> int:
        return 0


probe = APIRouter()


@probe.post("/probe/form")
def form_post(request: Request, csrf: str = "") -> dict[str, object]:
    """What a web page's form handler does with ``csrf_ok``."""
    p = principal_or_none(request)
    return {"who": p.label if p else None, "ok": csrf_ok(request, csrf)}


@probe.get("/probe/cases")
def cases(principal: ViewCases) -> dict[str, str]:
    return {"who": principal.label}


@pytest.fixture
def accounts(sqlite_db: Database, reference: ReferenceData) -> AccountService:
    service = accounts_on(sqlite_db, reference)
    service.create_account(SYSTEM, "admin", PASSWORD, Role.ADMIN)
    service.create_account(SYSTEM, "lanhdao", PASSWORD, Role.OFFICIAL)
    return service


@pytest.fixture
def app(sqlite_db: Database, reference: ReferenceData, accounts: AccountService) -> FastAPI:
    feedback = FeedbackService(SqlFeedbackStore(sqlite_db), NoAnnotation(), sender_secret="s")
    app = create_app(feedback, reference, routers=[accounts_routes.router, probe])
    app.state.accounts = accounts
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=HTTPS) as c:
        yield c


def _login(client: TestClient, username: str = "admin", password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def test_login_sets_a_hardened_cookie_and_me_answers(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"username": "Admin", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["account"]["username"] == "admin" and body["expires_at"].endswith("+07:00")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert flag.lower() in cookie.lower()
    assert "max-age" not in cookie.lower()
    me = client.get("/api/v1/me").json()
    assert (me["kind"], me["name"], me["role"]) == ("account", "admin", "admin")
    assert "manage_accounts" in me["permissions"]


def test_cookie_secure_can_be_switched_off(app: FastAPI) -> None:
    app.state.cookie_secure = False
    with TestClient(app) as plain:  # http://testserver
        login = {"username": "admin", "password": PASSWORD}
        response = plain.post("/api/v1/auth/login", json=login)
        assert "secure" not in response.headers["set-cookie"].lower()
        assert plain.get("/api/v1/me").status_code == 200  # sent back over plain http


def test_wrong_credentials_are_401_and_throttled_to_429(client: TestClient) -> None:
    for name in ("admin", "nobody"):
        response = client.post("/api/v1/auth/login", json={"username": name, "password": "x" * 12})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "auth.bad_credentials"
        assert "set-cookie" not in response.headers
    for _ in range(4):
        client.post("/api/v1/auth/login", json={"username": "admin", "password": "x" * 12})
    throttled = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "auth.throttled"


def test_logout_ends_the_session(client: TestClient, accounts: AccountService) -> None:
    _login(client)
    token = client.cookies[SESSION_COOKIE]
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert accounts.session_principal(token) is None
    assert client.get("/api/v1/me").status_code == 401


def test_changes_by_a_session_need_the_csrf_token(client: TestClient) -> None:
    csrf = _login(client)
    body = {"username": "canbo", "password": PASSWORD, "role": "triage"}
    refused = client.post("/api/v1/accounts", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "auth.csrf"
    wrong = client.post("/api/v1/accounts", json=body, headers={CSRF_HEADER: csrf[:-1] + "x"})
    assert wrong.status_code == 403
    created = client.post("/api/v1/accounts", json=body, headers={CSRF_HEADER: csrf})
    assert created.status_code == 201 and created.json()["role"] == "triage"
    listed = client.get("/api/v1/accounts", params={"role": "triage"}).json()
    assert [a["username"] for a in listed] == ["canbo"]


def test_csrf_ok_for_forms(client: TestClient, accounts: AccountService) -> None:
    anonymous = client.post("/probe/form", params={"csrf": "x"}).json()
    assert anonymous == {"who": None, "ok": False}
    csrf = _login(client)
    assert client.post("/probe/form", params={"csrf": csrf}).json()["ok"] is True
    assert client.post("/probe/form", params={"csrf": "forged"}).json()["ok"] is False
    assert client.post("/probe/form").json()["ok"] is False
    client.cookies.clear()
    keyed = client.post("/probe/form", headers=api_key(accounts)).json()
    assert keyed == {"who": "api:portal", "ok": True}  # API keys need no CSRF token


def test_api_keys_are_created_used_and_revoked(client: TestClient) -> None:
    csrf = _login(client)
    made = client.post("/api/v1/api-keys", json={"name": "cong-dich-vu"},
                       headers={CSRF_HEADER: csrf})  # fmt: skip
    assert made.status_code == 201
    key = made.json()["key"]
    assert key.startswith("lng_") and made.json()["role"] == "api"
    client.cookies.clear()
    assert client.get("/probe/cases", headers={"X-API-Key": key}).json() == {
        "who": "api:cong-dich-vu"
    }
    assert client.get("/api/v1/accounts", headers={"X-API-Key": key}).status_code == 403
    assert client.get("/probe/cases", headers={"X-API-Key": key + "x"}).status_code == 401
    _login(client)
    gone = client.delete("/api/v1/api-keys/cong-dich-vu", headers={CSRF_HEADER: csrf})
    assert gone.status_code == 403  # a new login has a new CSRF token
    csrf = _login(client)
    assert client.delete("/api/v1/api-keys/cong-dich-vu",
                         headers={CSRF_HEADER: csrf}).status_code == 204  # fmt: skip
    client.cookies.clear()
    assert client.get("/probe/cases", headers={"X-API-Key": key}).status_code == 401


def test_audit_log_lists_logins_and_changes(client: TestClient) -> None:
    client.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong-password"})
    csrf = _login(client)
    body = {"username": "phuong", "password": PASSWORD, "role": "department",
            "department": "ubnd_hiep_binh"}  # fmt: skip
    assert (
        client.post("/api/v1/accounts", json=body, headers={CSRF_HEADER: csrf}).status_code == 201
    )
    entries = client.get("/api/v1/audit").json()
    assert [e["action"] for e in entries][:3] == [
        "account.created", "auth.login", "auth.login_failed"]  # fmt: skip
    assert entries[0]["actor"] == "staff:admin" and entries[0]["target"] == "phuong"
    assert all("wrong-password" not in str(e) for e in entries)
    only = client.get("/api/v1/audit", params={"actor": "anonymous"}).json()
    assert [e["action"] for e in only] == ["auth.login_failed"]


def test_officials_get_link_codes_and_others_do_not(
    client: TestClient, accounts: AccountService
) -> None:
    csrf = _login(client, "lanhdao")
    response = client.post("/api/v1/me/link-code", headers={CSRF_HEADER: csrf})
    assert response.status_code == 201
    body = response.json()
    assert len(body["code"]) == 6 and body["expires_in_seconds"] == 600
    assert accounts.link_chat("telegram", "42", body["code"]).username == "lanhdao"
    client.cookies.clear()
    assert client.post("/api/v1/me/link-code").status_code == 401
    keyed = client.post("/api/v1/me/link-code", headers=api_key(accounts))
    assert keyed.status_code == 403
    triage = client.post("/api/v1/me/link-code", headers=staff(accounts, "canbo", Role.TRIAGE))
    assert triage.status_code == 403


def test_disabling_an_account_ends_its_sessions(client: TestClient, accounts: AccountService
                                                ) -> None:  # fmt: skip
    victim = staff(accounts, "canbo", Role.TRIAGE)
    assert client.get("/probe/cases", headers=victim).status_code == 200
    admin = staff(accounts, "admin", Role.ADMIN)
    done = client.post("/api/v1/accounts/canbo/disable", headers=admin)
    assert done.status_code == 200 and done.json()["active"] is False
    assert client.get("/probe/cases", headers=victim).status_code == 401


def test_an_app_without_accounts_has_no_logged_in_callers(
    sqlite_db: Database, reference: ReferenceData
) -> None:
    feedback = FeedbackService(SqlFeedbackStore(sqlite_db), NoAnnotation(), sender_secret="s")
    with TestClient(create_app(feedback, reference, routers=[probe])) as bare:
        assert bare.get("/probe/cases", headers={"X-API-Key": "lng_x_y"}).status_code == 401


def test_principal_is_resolved_once_per_request(app: FastAPI, accounts: AccountService) -> None:
    calls: list[str] = []
    original = accounts.session_principal

    def counting(token: str) -> object:
        calls.append(token)
        return original(token)

    accounts.session_principal = counting  # type: ignore[method-assign]
    who: list[Principal | None] = []

    @app.get("/probe/twice")
    def twice(request: Request, principal: ViewCases) -> dict[str, bool]:
        who.append(principal_or_none(request))
        return {"ok": csrf_ok(request, None)}

    with TestClient(app, base_url=HTTPS) as c:
        assert c.get("/probe/twice", headers=staff(accounts, "admin", Role.ADMIN)).json() == {
            "ok": False
        }
    assert len(calls) == 1 and who[0] is not None and who[0].name == "admin"
