"""A real app on a SQLite file with one account per role, and a browser-like client.

The app and its container are built once per test module (models load once); each test gets
the client with its cookies cleared. The client talks HTTPS (``https://testserver``) so the
Secure session cookie comes back, and ``login`` fills the login form as a person would.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.container import Container
from app.settings import Settings
from app.web import build_app
from core.accounts import SYSTEM, Role
from core.chat import ChatChannel
from core.types import Feedback
from services.intake import Submission

PASSWORD = "mat-khau-thu-nghiem"
#: username → (role, department)
ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "admin": (Role.ADMIN, None),
    "lan": (Role.TRIAGE, None),
    "hung": (Role.DEPARTMENT, "ubnd_hiep_binh"),
    "mai": (Role.OFFICIAL, None),
}
FLOOD = "Đường số 5 phường Hiệp Bình ngập sâu sau cơn mưa chiều nay, gọi 0909123456"
NOISE = "Karaoke hát tới 2 giờ sáng ở phường Linh Xuân, không ai ngủ được"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_IDS = itertools.count(1)


def seed_accounts(container: Container) -> None:
    for username, (role, department) in ACCOUNTS.items():
        container.accounts.ensure_account(SYSTEM, username, PASSWORD, role, department)


def file_case(
    container: Container,
    text: str = FLOOD,
    channel: str = "web",
    received_at: datetime | None = None,
    chat_user: str | None = None,
) -> Feedback:
    """A feedback stored and annotated (routed by the real models), like one from a channel.

    ``chat_user``: filed on Telegram by this user, so status changes notify them."""
    sub = Submission(text=text, channel=channel, channel_message_id=f"web-test-{next(_IDS)}",
                     received_at=received_at)  # fmt: skip
    fb = container.feedback.submit(sub).feedback
    container.worker.drain()
    if chat_user is not None:
        container.chat_links.link(fb.id, ChatChannel.TELEGRAM, chat_user)
    return container.feedback.get(fb.id)


@pytest.fixture(scope="module")
def web_container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    home = tmp_path_factory.mktemp("web")
    container = Container(Settings(home=home, environment="test", annotation_wait_seconds=5.0))
    yield container
    container.close()


@pytest.fixture(scope="module")
def web_app(web_container: Container) -> Iterator[FastAPI]:
    app = build_app(web_container)
    with TestClient(app):  # runs the lifespan once: migrate, warm up, start workers
        seed_accounts(web_container)
        yield app


@pytest.fixture
def web(web_app: FastAPI) -> TestClient:
    """An anonymous browser on the app (no ``with``: the module's lifespan is already running)."""
    return browser(web_app)


def browser(app: FastAPI, ip: str = "testclient") -> TestClient:
    return TestClient(app, base_url="https://testserver", follow_redirects=False, client=(ip, 1))


def csrf_of(html: str) -> str:
    """The hidden CSRF token of the first form of a page that has one."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/staff"):
    form = client.get("/login", params={"next": next_path})
    token = csrf_of(form.text)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": next_path})  # fmt: skip


def logged_in(client: TestClient, username: str) -> TestClient:
    response = login(client, username)
    assert response.status_code == 303, response.text
    return client
