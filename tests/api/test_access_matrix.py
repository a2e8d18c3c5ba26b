"""Who may call what: every route of the full app is public by name or refuses strangers.

Two tables, both meant to be extended by whoever adds a route:

* ``PUBLIC``: routes anyone may call. Every other route must answer an anonymous call with
  401 (or, for HTML pages under ``LOGIN_PAGES``, a 303 to ``/login``), so a new route that
  forgot its permission fails here.
* ``EXPECTED``: ``{(method, path template): {role: status}}`` for each role in ``ROLES``;
  ``PATH_VALUES`` fills the templates and ``BODIES`` gives the JSON sent. Staff roles call
  with a fresh session (cookie + CSRF header), ``api`` with an API key of role ``api``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.app import create_app
from app.container import Container
from app.settings import Settings
from app.web import build_app
from core.accounts import SYSTEM, Role
from core.types import FeedbackStatus
from services.accounts import AccountService
from tests.api.auth_support import PASSWORD, api_key, fast_accounts, staff
from tests.factories import annotation, feedback_in

ROLES = ("admin", "triage", "department", "official", "api", "anonymous")

PUBLIC: set[tuple[str, str]] = {
    ("GET", "/healthz"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/static"),  # the pages' CSS and scripts
    ("POST", "/api/v1/feedback"),  # citizens' web intake
    ("GET", "/api/v1/feedback/{key}"),  # a citizen's status lookup: redacted text only
    ("GET", "/api/v1/categories"),
    ("GET", "/api/v1/departments"),
    ("GET", "/api/v1/wards"),
    ("GET", "/api/v1/documents/search"),
    ("POST", "/api/v1/chat"),  # the citizens' web chat
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/"),  # to /staff or to the login form
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    # GeoReport v2 is read by anyone (the spec); filing needs an api_key (OWN_CHECK)
    *{
        ("GET", f"/open311/v2/{p}{ext}")
        for ext in ("", ".{fmt}")
        for p in (
            "discovery",
            "services",
            "services/{service_code}",
            "requests",
            "requests/{service_request_id}",
            "tokens/{token}",
        )
    },
    ("GET", "/open311/v2/{rest:path}"),  # the spec's error format for unknown paths
    ("POST", "/open311/v2/{rest:path}"),
}
#: Routes that check credentials of their own, with what they answer to nobody.
OWN_CHECK: dict[tuple[str, str], int] = {
    ("POST", "/open311/v2/requests"): 403,  # GeoReport answers a missing api_key with 403
    ("POST", "/open311/v2/requests.{fmt}"): 403,
}
#: Mounted only when their channel is configured; each checks its own secret.
WEBHOOKS: set[tuple[str, str]] = {("POST", "/webhooks/telegram"), ("POST", "/webhooks/zalo")}
#: HTML pages: an anonymous visitor is sent to the login form instead of a 401.
LOGIN_PAGES = ("/staff",)

ADMIN_ONLY = {"admin": 200, "triage": 403, "department": 403, "official": 403, "api": 403,
              "anonymous": 401}  # fmt: skip
CASE_READERS = {"admin": 200, "triage": 200, "department": 200, "official": 200, "api": 200,
                "anonymous": 401}  # fmt: skip
EVERYONE = dict.fromkeys(ROLES, 200)
CASE_CHANGERS = {"admin": 200, "triage": 200, "department": 200, "official": 403, "api": 403,
                 "anonymous": 401}  # fmt: skip
ANALYSTS = {"admin": 200, "triage": 200, "department": 200, "official": 200, "api": 403,
            "anonymous": 401}  # fmt: skip
#: HTML pages: strangers are sent to the login form (303); refusals are 403 pages.
CASE_PAGES = {**CASE_READERS, "anonymous": 303}
ANALYTICS_PAGES = {**ANALYSTS, "anonymous": 303}

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("POST", "/api/v1/feedback"): dict.fromkeys(ROLES, 201),
    ("GET", "/api/v1/feedback/{key}"): EVERYONE,
    ("GET", "/api/v1/feedback"): {**CASE_READERS, "department": 403},  # no department filter
    ("GET", "/api/v1/feedback/{key}/duplicates"): CASE_READERS,
    ("GET", "/api/v1/feedback/{key}/attachments"): CASE_READERS,
    ("GET", "/api/v1/feedback/{key}/attachments/{ordinal}"): {
        **CASE_READERS,
        **dict.fromkeys(("admin", "triage", "department", "official", "api"), 404),
    },  # no photo
    ("GET", "/api/v1/me"): {**EVERYONE, "anonymous": 401},
    ("POST", "/api/v1/me/link-code"): {**ADMIN_ONLY, "admin": 201, "official": 201},
    ("POST", "/api/v1/auth/logout"): dict.fromkeys(ROLES, 204),
    ("GET", "/api/v1/accounts"): ADMIN_ONLY,
    ("POST", "/api/v1/accounts"): {**ADMIN_ONLY, "admin": 201},
    ("POST", "/api/v1/accounts/{username}/disable"): ADMIN_ONLY,
    ("POST", "/api/v1/api-keys"): {**ADMIN_ONLY, "admin": 201},
    ("DELETE", "/api/v1/api-keys/{name}"): {**ADMIN_ONLY, "admin": 204},
    ("GET", "/api/v1/audit"): ADMIN_ONLY,
    # triage (feedback 1 is the department account's own case)
    ("GET", "/api/v1/cases"): CASE_READERS,
    ("GET", "/api/v1/cases/overdue"): CASE_READERS,
    ("GET", "/api/v1/cases/export.csv"): CASE_READERS,
    ("GET", "/api/v1/cases/{key}"): CASE_READERS,
    ("POST", "/api/v1/cases/{key}/original"): CASE_CHANGERS,
    ("POST", "/api/v1/cases/{key}/priority"): CASE_CHANGERS,
    ("POST", "/api/v1/cases/{key}/ward"): CASE_CHANGERS,
    ("POST", "/api/v1/cases/{key}/content"): CASE_CHANGERS,
    ("POST", "/api/v1/cases/bulk"): CASE_CHANGERS,
    # officials' questions and the dashboard
    ("POST", "/api/v1/ask"): ANALYSTS,
    ("GET", "/api/v1/dashboard"): ANALYSTS,
    ("GET", "/api/v1/alerts"): ANALYSTS,
    ("GET", "/api/v1/forecast"): ANALYSTS,
    # staff pages
    ("GET", "/staff"): CASE_PAGES,
    ("GET", "/staff/cases/{reference}"): CASE_PAGES,
    ("GET", "/staff/overdue"): CASE_PAGES,
    ("GET", "/staff/dashboard"): ANALYTICS_PAGES,
    ("GET", "/staff/ask"): ANALYTICS_PAGES,
    ("GET", "/staff/alerts"): ANALYTICS_PAGES,
}
PATH_VALUES = {"key": "1", "ordinal": "1", "username": "spare", "name": "spare", "fmt": "json",
               "reference": "PA-2026-000001"}  # fmt: skip
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/feedback"): {"text": "Đèn đường hỏng cả tuần nay ở đường Lê Văn Việt"},
    ("POST", "/api/v1/accounts"): {"username": "moi", "password": PASSWORD, "role": "triage"},
    ("POST", "/api/v1/api-keys"): {"name": "moi"},
    ("POST", "/api/v1/cases/{key}/original"): {"reason": "gọi lại cho người dân"},
    ("POST", "/api/v1/cases/{key}/priority"): {"priority": "high"},
    ("POST", "/api/v1/cases/{key}/ward"): {"ward": "Hiệp Bình"},
    ("POST", "/api/v1/cases/{key}/content"): {"flag": "ok"},
    ("POST", "/api/v1/cases/bulk"): {
        "references": ["PA-2026-000001"],
        "action": "priority",
        "value": "high",
    },
    ("POST", "/api/v1/ask"): {"question": "tuần này có bao nhiêu phản ánh về ngập nước?"},
}


@pytest.fixture(scope="module")
def container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    home = tmp_path_factory.mktemp("matrix")
    c = Container(Settings(home=home, environment="test", annotation_wait_seconds=5.0))
    c.db.migrate()
    _cases(c)
    yield c
    c.close()


def _cases(c: Container) -> None:
    """Feedback 1 belongs to the test department, feedback 2 to another one."""
    for message_id, department in (("m-1", "ubnd_hiep_binh"), ("m-2", "ubnd_an_khanh")):
        fb = c.store.add(feedback_in(message_id)).feedback
        ann = annotation()
        ann = replace(ann, routing=replace(ann.routing, department=department))
        c.store.save_annotation(fb.id, ann, FeedbackStatus.ROUTED, "system:router")


@pytest.fixture(scope="module")
def accounts(container: Container) -> AccountService:
    service = fast_accounts(container)
    service.create_account(SYSTEM, "spare", PASSWORD, Role.TRIAGE)
    service.create_api_key(SYSTEM, "spare")
    return service


@pytest.fixture(scope="module")
def app(container: Container, accounts: AccountService) -> FastAPI:
    return build_app(container)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture(scope="module")
def api_headers(accounts: AccountService) -> dict[str, str]:
    return api_key(accounts, "matrix-client")


def _headers(role: str, accounts: AccountService, api_headers: dict[str, str]) -> dict[str, str]:
    if role == "anonymous":
        return {}
    if role == "api":
        return api_headers
    return staff(accounts, f"matrix-{role}", Role(role))


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route, included routers and mounts too."""
    found = []
    for route in iter_route_contexts(app.routes):
        if route.path is None:
            continue
        methods = route.methods or {"GET"}  # a mount (static files) is read with GET
        found += [(m, route.path) for m in sorted(methods) if m != "HEAD"]
    return found


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PATH_VALUES.get(m.group(1), "x"), path)


def test_every_route_is_public_by_name_or_refuses_strangers(app: FastAPI, client: TestClient
                                                            ) -> None:  # fmt: skip
    unchecked = _unchecked(app, client)
    assert not unchecked, "no access check (or add to PUBLIC):\n" + "\n".join(unchecked)


def test_a_route_that_forgot_its_check_is_caught(
    container: Container, accounts: AccountService
) -> None:
    forgotten = APIRouter()

    @forgotten.get("/api/v1/forgotten")
    def leak() -> dict[str, str]:
        return {"secret": "case list"}

    app = create_app(container.feedback, container.reference, routers=[forgotten])
    app.state.accounts = accounts
    with TestClient(app, base_url="https://testserver") as bare:
        assert _unchecked(app, bare) == ["GET /api/v1/forgotten → 200"]


def _unchecked(app: FastAPI, client: TestClient) -> list[str]:
    """Routes neither in PUBLIC nor refusing an anonymous call as they should."""
    found = []
    for method, path in _routes(app):
        if (method, path) in PUBLIC | WEBHOOKS:
            continue
        response = client.request(method, _url(path), json=BODIES.get((method, path)),
                                  follow_redirects=False)  # fmt: skip
        if (method, path) in OWN_CHECK:
            ok = response.status_code == OWN_CHECK[method, path]
        elif path.startswith(LOGIN_PAGES):
            ok = response.status_code == 303 and response.headers["location"].startswith("/login")
        else:
            ok = response.status_code == 401
        if not ok:
            found.append(f"{method} {path} → {response.status_code}")
    return found


def test_the_tables_name_only_routes_that_exist(app: FastAPI) -> None:
    routes = set(_routes(app))
    assert PUBLIC - routes == set()
    assert set(EXPECTED) - routes == set()
    assert set(OWN_CHECK) - routes == set()
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize(("route", "role"), [(r, role) for r in EXPECTED for role in ROLES],
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)  # fmt: skip
def test_role_matrix(
    route: tuple[str, str], role: str, client: TestClient, accounts: AccountService,
    api_headers: dict[str, str],
) -> None:  # fmt: skip
    method, path = route
    body = BODIES.get(route)
    if body is not None and "username" in body:  # one new account per call
        body = {**body, "username": f"moi-{role}"}
    if body is not None and "name" in body:
        body = {**body, "name": f"moi-{role}"}
    client.cookies.clear()
    response = client.request(method, _url(path), json=body, follow_redirects=False,
                              headers=_headers(role, accounts, api_headers))  # fmt: skip
    assert response.status_code == EXPECTED[route][role], response.text


def test_department_accounts_see_only_their_department(
    client: TestClient, accounts: AccountService
) -> None:
    headers = staff(accounts, "matrix-department", Role.DEPARTMENT)
    own = client.get("/api/v1/feedback/1/duplicates", headers=headers)
    other = client.get("/api/v1/feedback/2/duplicates", headers=headers)
    assert own.status_code == 200
    assert other.status_code == 404 and other.json()["error"]["code"] == "feedback.not_found"
    assert client.get("/api/v1/feedback/2/attachments", headers=headers).status_code == 404
    triage = staff(accounts, "matrix-triage", Role.TRIAGE)
    assert client.get("/api/v1/feedback/2/duplicates", headers=triage).status_code == 200


def test_public_lookup_shows_redacted_text_only(client: TestClient) -> None:
    shown = client.get("/api/v1/feedback/1").json()
    assert shown["text"] == "Đường ngập, gọi [số điện thoại]"
