"""``POST /api/v1/chat`` through FastAPI's TestClient, on the real dialogue core."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from app.container import Container
from app.settings import Settings
from app.web import build_app
from bots.channels.web import WebChatChannel
from bots.core.dialogue import BotServices, DialogueEngine
from bots.core.flows.context import FEEDBACK_SEND, MENU_FEEDBACK
from bots.core.messages_vi import say
from core.types import FeedbackQuery

URL = "/api/v1/chat"


@pytest.fixture
def client(services: BotServices, engine: DialogueEngine) -> Iterator[TestClient]:
    app = create_app(
        services.feedback, services.reference, routers=[WebChatChannel(engine.handle).router]
    )
    with TestClient(app) as c:
        yield c


class Session:
    """A browser tab: one session id, a new message id per message."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.id = f"s-{uuid.uuid4().hex[:12]}"
        self.n = 0

    def post(self, **fields: Any) -> dict[str, Any]:
        self.n += 1
        body = {"session_id": self.id, "message_id": f"{self.id}.{self.n}", **fields}
        response = self.client.post(URL, json=body)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data


def texts(data: dict[str, Any]) -> str:
    return "\n".join(r["text"] for r in data["replies"])


def test_a_greeting_comes_back_with_buttons(client: TestClient) -> None:
    data = Session(client).post(text="xin chao")
    assert texts(data) == say("greeting")
    assert data["replies"][0]["buttons"][0] == {"label": "Tra cứu hồ sơ", "payload": "menu:dossier"}
    assert set(data["replies"][0]) == {"text", "buttons"}


def test_a_report_by_buttons_text_and_location(client: TestClient, services: BotServices) -> None:
    tab = Session(client)
    assert texts(tab.post(button=MENU_FEEDBACK)) == say("feedback.ask_problem")
    assert texts(tab.post(text="Rác thải bốc mùi hôi thối mấy ngày nay")) == say(
        "feedback.ask_place"
    )
    summary = tab.post(location={"latitude": 10.8706, "longitude": 106.7373})
    assert summary["replies"][-1]["buttons"][0]["payload"] == FEEDBACK_SEND
    sent = texts(tab.post(button=FEEDBACK_SEND))
    sender = services.feedback.pseudonym("web", tab.id)
    [fb] = services.feedback.find(FeedbackQuery(sender_id=sender)).items
    assert fb.reference in sent
    assert (fb.channel.value, fb.channel_message_id) == ("web", f"{tab.id}.4")
    assert (fb.latitude, fb.longitude) == (10.8706, 106.7373)


def test_a_retried_request_gets_the_same_answer_and_files_once(
    client: TestClient, services: BotServices
) -> None:
    tab = Session(client)
    tab.post(text="Đường Võ Văn Ngân ngập sâu quá, xe chết máy hàng loạt")
    body = {"session_id": tab.id, "message_id": "retry-me", "button": FEEDBACK_SEND}
    first, second = client.post(URL, json=body), client.post(URL, json=body)
    assert first.json() == second.json() and "PA-" in texts(first.json())
    sender = services.feedback.pseudonym("web", tab.id)
    assert services.feedback.find(FeedbackQuery(sender_id=sender)).total == 1


def test_sessions_are_separate_users(client: TestClient) -> None:
    one, two = Session(client), Session(client)
    one.post(text="Tôi muốn phản ánh")
    assert texts(two.post(text="xin chào")) == say("greeting")
    assert texts(one.post(text="hủy")) == say("cancelled")


@pytest.mark.parametrize(
    "body",
    [
        {"message_id": "m1", "text": "xin chào"},
        {"session_id": "s1", "text": "xin chào"},
        {"session_id": "s1", "message_id": "m1"},
        {"session_id": "s1", "message_id": "m1", "text": "   "},
        {"session_id": "s1", "message_id": "m1", "text": "xin chào", "button": "menu:dossier"},
        {"session_id": "s1", "message_id": "m1", "text": "xin chào", "channel": "zalo"},
        {"session_id": "s1", "message_id": "m1", "location": {"latitude": 91, "longitude": 0}},
        {"session_id": "s1", "message_id": "m1", "location": {"latitude": 10.8}},
        {"session_id": "s 1", "message_id": "m1", "text": "xin chào"},
        {"session_id": "s" * 129, "message_id": "m1", "text": "xin chào"},
        {"session_id": "s1", "message_id": "m1", "text": "a" * 4001},
        {"session_id": "s1", "message_id": "m1", "button": ""},
        {"session_id": 12, "message_id": "m1", "text": "xin chào"},
    ],
)
def test_a_bad_body_is_refused_with_422(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "request.invalid"


def test_the_app_mounts_the_chat_and_answers_503_without_an_nlu_model(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, environment="test", model_dir=tmp_path / "no-models")
    container = Container(settings)
    try:
        response = TestClient(build_app(container)).post(
            URL, json={"session_id": "s1", "message_id": "m1", "text": "xin chào"}
        )
    finally:
        container.close()
    assert response.status_code == 503
    assert "langnghe train nlu" in response.json()["error"]["message"]


def test_the_served_app_answers_the_chat_with_the_trained_models(container: Container) -> None:
    with TestClient(build_app(container)) as served:
        data = Session(served).post(text="hồ sơ H29.202-250315-9999 tới đâu rồi?")
    assert texts(data) == say("dossier.not_found", code="H29.202-250315-9999")
