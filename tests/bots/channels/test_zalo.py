"""The Zalo OA channel over real HTTP: signed webhooks in, replies out to a fake Zalo server,
the rotating tokens in a real SQLite database, and notifications held outside the window."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from bots.channels.zalo import ZaloChannel, ZaloSender, parse_event, signature
from bots.channels.zalo_api import ZaloApi, ZaloTokens, split_text
from core.chat import Button, ChatChannel, Incoming, IncomingKind, Location, Reply
from core.chat_ports import MessagingWindowClosed, NotificationState
from core.errors import ExternalServiceError
from core.types import FeedbackStatus
from services.notifications import NotificationService
from stores.sql.chat_link_store import SqlChatLinkStore
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.tables import ChatNotificationRow, ChatUpdateRow
from stores.sql.zalo_token_store import SqlZaloTokenStore
from tests.bots.channels.fake_zalo import APP_ID, OA_SECRET, FakeZalo, event, signed
from tests.factories import feedback_in
from tests.http_servers import serve

GREETING = Reply(
    "Dạ, em chào anh/chị! Em có thể giúp gì ạ?",
    (Button("Tra cứu hồ sơ", "menu:dossier"), Button("Gửi phản ánh", "menu:feedback")),
)


@dataclass
class ScriptedDialogue:
    """A ``DialogueHandler`` that stores updates like the engine and answers by kind."""

    store: SqlChatStore
    seen: list[Incoming] = field(default_factory=list)
    delay: float = 0.0
    gate: threading.Event | None = None
    accept_error: Exception | None = None
    chart: bytes | None = None  # when set, a text is answered with this chart, as to an official

    def accept(self, incoming: Incoming) -> bool:
        if self.accept_error is not None:
            raise self.accept_error
        return self.store.record_update(incoming).replies is None

    def handle(self, incoming: Incoming) -> list[Reply]:
        stored = self.store.record_update(incoming)
        if stored.replies is not None:
            return stored.replies
        time.sleep(self.delay)
        if self.gate is not None:
            assert self.gate.wait(10)
        self.seen.append(incoming)
        replies = self._answer(incoming)
        self.store.save_replies(incoming.channel, incoming.update_id, replies)
        return replies

    def _answer(self, incoming: Incoming) -> list[Reply]:
        if incoming.kind is IncomingKind.FOLLOW:
            return [GREETING]
        if incoming.kind is IncomingKind.UNFOLLOW:
            return []
        if incoming.photo is not None:
            return [Reply(f"Dạ, em đã nhận ảnh {incoming.photo.url}")]
        if incoming.location is not None:
            loc = incoming.location
            return [Reply(f"Dạ, vị trí {loc.latitude:.5f}, {loc.longitude:.5f}")]
        if self.chart is not None:
            return [Reply(f"Dạ, {incoming.text}: 3 phản ánh.", image_png=self.chart)]
        return [Reply(f"Dạ, em đã nhận: {incoming.text}")]


@dataclass
class Rig:
    fake: FakeZalo
    db: Database
    chat_store: SqlChatStore
    tokens: SqlZaloTokenStore
    api: ZaloApi
    dialogue: ScriptedDialogue
    notifications: NotificationService
    channel: ZaloChannel
    client: TestClient

    def post(self, payload: dict[str, Any], **sign: str) -> httpx.Response:
        raw, headers = signed(payload, **sign)
        return self.client.post("/webhooks/zalo", content=raw, headers=headers)

    def token_row(self) -> Any:
        return self.tokens.load(APP_ID)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeZalo]:
    with FakeZalo().running() as zalo:
        yield zalo


@pytest.fixture
def rig(fake: FakeZalo, sqlite_db: Database) -> Iterator[Rig]:
    fake.reset()
    chat_store, token_store = SqlChatStore(sqlite_db), SqlZaloTokenStore(sqlite_db)
    api = ZaloApi(ZaloTokens(token_store, fake.credentials()))
    dialogue = ScriptedDialogue(chat_store)
    notifications = NotificationService(
        chat_store, SqlChatLinkStore(sqlite_db), [ZaloSender(api, chat_store, timedelta(days=7))]
    )
    channel = ZaloChannel(dialogue, api, chat_store, app_id=APP_ID, oa_secret_key=OA_SECRET,
                          on_user_active=notifications.release_held)  # fmt: skip
    app = FastAPI()
    app.include_router(channel.router)
    with TestClient(app) as client:
        yield Rig(fake, sqlite_db, chat_store, token_store, api, dialogue, notifications, channel,
                  client)  # fmt: skip
    api.close()


def now_ms(shift: timedelta = timedelta(0)) -> int:
    return int((datetime.now(UTC) + shift).timestamp() * 1000)


# -- webhook in, reply out -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Đường Kha Vạn Cân ngập sâu 40cm", "duong kha van can ngap sau 40cm"]
)
def test_a_signed_text_is_answered_through_the_oa_message_api(rig: Rig, text: str) -> None:
    response = rig.post(event("user_send_text", "8413027765", at_ms=now_ms(), text=text))
    assert response.status_code == 200
    assert [m.text for m in rig.fake.messages] == [f"Dạ, em đã nhận: {text}"]
    sent = rig.fake.messages[0]
    assert sent.user_id == "8413027765"
    assert sent.access_token == rig.token_row().access_token == "at-1"
    assert rig.dialogue.seen[0].kind is IncomingKind.TEXT


def test_a_signature_without_the_mac_prefix_is_accepted(rig: Rig) -> None:
    payload = event("user_send_text", "u-plain", at_ms=now_ms(), text="Xin chào")
    raw, _ = signed(payload)
    plain = signature(APP_ID, raw, payload["timestamp"], OA_SECRET)
    response = rig.client.post("/webhooks/zalo", content=raw,
                               headers={"X-ZEvent-Signature": plain})  # fmt: skip
    assert response.status_code == 200 and rig.fake.texts_to("u-plain")


def _tampered(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw, headers = signed(payload)
    return raw.replace("ngập".encode(), "khô".encode()), headers


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda p: signed(p, secret="wrong-secret"), id="wrong-secret"),
        pytest.param(lambda p: signed(p, app_id="9999"), id="other-app-id"),
        pytest.param(_tampered, id="body-changed-after-signing"),
        pytest.param(lambda p: (signed(p)[0], {}), id="no-signature"),
    ],
)
def test_a_forged_event_is_refused_and_nothing_is_sent(rig: Rig, forge: Any) -> None:
    payload = event("user_send_text", "u-forged", at_ms=now_ms(), text="Đường ngập quá")
    raw, headers = forge(payload)
    response = rig.client.post("/webhooks/zalo", content=raw, headers=headers)
    assert response.status_code == 401
    assert rig.fake.send_calls == 0 and rig.dialogue.seen == []
    assert rig.chat_store.last_seen(ChatChannel.ZALO, "u-forged") is None


@pytest.mark.parametrize(
    "shift", [timedelta(minutes=-6), timedelta(hours=-13), timedelta(minutes=5)]
)
def test_a_signed_but_stale_event_is_acknowledged_and_ignored(rig: Rig, shift: timedelta) -> None:
    response = rig.post(event("user_send_text", "u-late", at_ms=now_ms(shift), text="Alo"))
    assert response.status_code == 200 and response.json() == {"status": "ignored"}
    assert rig.fake.send_calls == 0 and rig.dialogue.seen == []


def test_an_event_a_little_ahead_of_our_clock_is_answered(rig: Rig) -> None:
    rig.post(event("user_send_text", "u-skew", at_ms=now_ms(timedelta(seconds=20)), text="Alo"))
    assert rig.fake.texts_to("u-skew") == ["Dạ, em đã nhận: Alo"]


def test_the_same_msg_id_delivered_twice_gets_one_reply(rig: Rig) -> None:
    payload = event("user_send_text", "u-twice", at_ms=now_ms(), msg_id="m-77", text="Ngập")
    assert rig.post(payload).status_code == 200
    assert rig.post(payload).status_code == 200
    assert rig.fake.texts_to("u-twice") == ["Dạ, em đã nhận: Ngập"]
    assert len(rig.dialogue.seen) == 1


def test_follow_gets_the_greeting_with_numbered_choices(rig: Rig) -> None:
    payload = event("follow", "u-new", at_ms=now_ms())
    rig.post(payload)
    rig.post(payload)  # Zalo redelivers it: the stable id keeps it to one greeting
    assert rig.fake.texts_to("u-new") == [
        "Dạ, em chào anh/chị! Em có thể giúp gì ạ?\n\n1. Tra cứu hồ sơ\n2. Gửi phản ánh"
    ]
    assert rig.dialogue.seen[0].kind is IncomingKind.FOLLOW


def test_unfollow_reaches_the_dialogue_and_sends_nothing(rig: Rig) -> None:
    rig.post(event("unfollow", "u-gone", at_ms=now_ms()))
    assert [i.kind for i in rig.dialogue.seen] == [IncomingKind.UNFOLLOW]
    assert rig.fake.send_calls == 0


def test_an_image_reaches_the_dialogue_with_its_url(rig: Rig) -> None:
    url = "https://photo-stal.zadn.vn/ngap-nuoc-kha-van-can.jpg"
    attachments = [{"type": "image", "payload": {"thumbnail": url, "url": url}}]
    rig.post(event("user_send_image", "u-photo", at_ms=now_ms(), msg_id="img-1",
                   text="Nước ngập tới yên xe", attachments=attachments))  # fmt: skip
    photo_event = rig.dialogue.seen[0]
    assert photo_event.kind is IncomingKind.PHOTO and photo_event.photo is not None
    assert (photo_event.photo.url, photo_event.photo.caption) == (url, "Nước ngập tới yên xe")
    assert rig.fake.texts_to("u-photo") == [f"Dạ, em đã nhận ảnh {url}"]


def test_a_location_reaches_the_dialogue_with_its_coordinates(rig: Rig) -> None:
    coordinates = {"latitude": "10.850721", "longitude": "106.771848"}
    attachments = [{"type": "location", "payload": {"coordinates": coordinates}}]
    rig.post(event("user_send_location", "u-loc", at_ms=now_ms(), attachments=attachments))
    assert rig.dialogue.seen[0].location == Location(10.850721, 106.771848)
    assert rig.fake.texts_to("u-loc") == ["Dạ, vị trí 10.85072, 106.77185"]


@pytest.mark.parametrize("name", ["user_send_sticker", "oa_send_text", "user_seen_message"])
def test_events_the_bot_does_not_use_are_acknowledged(rig: Rig, name: str) -> None:
    response = rig.post(event(name, "u-other", at_ms=now_ms(), text="🙂"))
    assert response.json() == {"status": "ignored"}
    assert rig.dialogue.seen == []


def test_a_body_that_is_not_json_is_a_bad_request(rig: Rig) -> None:
    response = rig.client.post("/webhooks/zalo", content=b"app_id=1&x=2",
                               headers={"X-ZEvent-Signature": "00"})  # fmt: skip
    assert response.status_code == 400


def test_the_webhook_answers_before_the_dialogue_has_finished(rig: Rig) -> None:
    rig.dialogue.delay = 1.5
    app = FastAPI()
    app.include_router(rig.channel.router)
    raw, headers = signed(event("user_send_text", "u-slow", at_ms=now_ms(), text="Alo"))
    with serve(app) as url:
        started = time.monotonic()
        response = httpx.post(f"{url}/webhooks/zalo", content=raw, headers=headers)
        answered = time.monotonic() - started
        deadline = time.monotonic() + 10
        while not rig.fake.texts_to("u-slow") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert response.status_code == 200 and answered < 1.0
    assert rig.fake.texts_to("u-slow") == ["Dạ, em đã nhận: Alo"]


def test_a_reply_zalo_refuses_goes_to_the_outbox_for_retry(rig: Rig) -> None:
    rig.fake.fail_next_sends(1)
    rig.post(event("user_send_text", "u-retry", at_ms=now_ms(), text="Cống bị nghẹt"))
    assert rig.fake.messages == []
    with rig.db.engine.connect() as conn:
        rows = conn.execute(select(ChatNotificationRow)).all()
    assert [(r.user_id, r.text, r.state) for r in rows] == [
        ("u-retry", "Dạ, em đã nhận: Cống bị nghẹt", "pending")
    ]
    assert rig.notifications.deliver_due().sent == 1
    assert rig.fake.texts_to("u-retry") == ["Dạ, em đã nhận: Cống bị nghẹt"]


# -- charts: uploaded, then sent as an image ------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
QUESTION = "tuần này có bao nhiêu phản ánh về ngập nước?"
ANSWER = f"Dạ, {QUESTION}: 3 phản ánh."


def _ask(rig: Rig, user_id: str, chart: bytes = PNG) -> None:
    rig.dialogue.chart = chart
    rig.post(event("user_send_text", user_id, at_ms=now_ms(), text=QUESTION))


def test_a_chart_is_uploaded_and_sent_as_an_image_with_the_answer_as_caption(rig: Rig) -> None:
    _ask(rig, "u-official")
    (upload,) = rig.fake.uploads
    assert (upload.data, upload.content_type, upload.filename) == (PNG, "image/png", "chart.png")
    assert upload.access_token == rig.token_row().access_token
    (image,) = rig.fake.images_to("u-official")
    assert (image.attachment_id, image.text) == (upload.attachment_id, ANSWER)
    assert rig.fake.texts_to("u-official") == [ANSWER]  # the caption is the one text


@pytest.mark.parametrize(
    ("chart", "fail_uploads", "upload_calls"),
    [
        pytest.param(PNG, 1, 1, id="zalo-refuses-the-upload"),
        pytest.param(PNG[:8] + bytes(1_000_001), 0, 0, id="over-zalo-1MB"),
    ],
)
def test_a_chart_zalo_will_not_take_leaves_the_text_alone(
    rig: Rig, caplog: pytest.LogCaptureFixture, chart: bytes, fail_uploads: int,
    upload_calls: int,
) -> None:  # fmt: skip
    rig.fake.fail_next_uploads(fail_uploads)
    _ask(rig, "u-noimage", chart)
    assert rig.fake.upload_calls == upload_calls and rig.fake.uploads == []
    assert rig.fake.images_to("u-noimage") == []
    assert rig.fake.texts_to("u-noimage") == [ANSWER]
    assert any("chat.zalo_chart_dropped" in r.getMessage() for r in caplog.records)


def test_an_answer_too_long_for_a_caption_follows_the_image(rig: Rig) -> None:
    long_text = "\n".join(f"{n}. Phường Linh Trung: {n} phản ánh ngập nước" for n in range(80))
    assert len(long_text) > 2000
    sender = ZaloSender(rig.api, rig.chat_store)
    _seen(rig, "u-long", timedelta(hours=1))
    sender.send("u-long", [Reply(long_text, image_png=PNG)])
    image, *texts = rig.fake.messages
    assert image.attachment_id == rig.fake.uploads[0].attachment_id and image.text == ""
    assert [m.attachment_id for m in texts] == [None, None]
    assert "\n".join(m.text for m in texts) == long_text


def test_an_upload_with_a_rejected_token_is_retried_with_a_fresh_one(rig: Rig) -> None:
    rig.api.send_text("u-tok", "Lần một")
    rig.fake.revoke_access_token()
    attachment_id = rig.api.upload_image(PNG)
    assert [(u.attachment_id, u.access_token) for u in rig.fake.uploads] == [
        (attachment_id, "at-2")
    ]  # fmt: skip


def test_a_chart_answer_outside_the_window_is_queued_as_text(rig: Rig) -> None:
    rig.fake.closed_window.add("u-closed")
    _ask(rig, "u-closed")
    assert rig.fake.messages == []
    with rig.db.engine.connect() as conn:
        rows = conn.execute(select(ChatNotificationRow)).all()
    assert [(r.user_id, r.text) for r in rows] == [("u-closed", ANSWER)]


# -- stored before the 200 -------------------------------------------------------------------


def _row(db: Database, update_id: str) -> Any:
    query = select(ChatUpdateRow).where(ChatUpdateRow.update_id == update_id)
    with db.engine.connect() as conn:
        return conn.execute(query).one_or_none()


@pytest.mark.parametrize(
    "text", ["Rác ùn ứ ở hẻm 12 Tô Vĩnh Diện", "rac un u o hem 12 to vinh dien"]
)
def test_the_event_is_stored_before_the_webhook_answers(rig: Rig, text: str) -> None:
    rig.dialogue.gate = threading.Event()  # the dialogue is still answering at the 200
    app = FastAPI()
    app.include_router(rig.channel.router)
    raw, headers = signed(event("user_send_text", "u-durable", at_ms=now_ms(), msg_id="m-900",
                                text=text))  # fmt: skip
    with serve(app) as url:
        response = httpx.post(f"{url}/webhooks/zalo", content=raw, headers=headers)
        row = _row(rig.db, "m-900")
        rig.dialogue.gate.set()
        deadline = time.monotonic() + 10
        while not rig.fake.texts_to("u-durable") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert response.json() == {"status": "accepted"}
    assert row is not None and (row.text, row.answered_at) == (text, None)
    assert rig.fake.texts_to("u-durable") == [f"Dạ, em đã nhận: {text}"]


@pytest.mark.parametrize(
    ("error", "status"),
    [(ExternalServiceError("database is locked", code="chat.database_failed"), 503),
     (RuntimeError("bug while storing"), 500)],
)  # fmt: skip
def test_an_event_that_cannot_be_stored_is_refused_and_not_answered(
    rig: Rig, error: Exception, status: int
) -> None:
    rig.dialogue.accept_error = error
    response = rig.post(event("user_send_text", "u-down", at_ms=now_ms(), text="Ngập nặng"))
    assert response.status_code == status  # Zalo delivers it again
    assert response.json() == {"status": "not_stored"}
    assert rig.dialogue.seen == [] and rig.fake.send_calls == 0


def _restarted(rig: Rig) -> tuple[ScriptedDialogue, TestClient]:
    """Another process on the same database: a new dialogue and channel, nothing in memory."""
    dialogue = ScriptedDialogue(rig.chat_store)
    channel = ZaloChannel(dialogue, rig.api, rig.chat_store, app_id=APP_ID,
                          oa_secret_key=OA_SECRET)  # fmt: skip
    app = FastAPI()
    app.include_router(channel.router)
    return dialogue, TestClient(app)


def test_a_repeat_already_answered_is_not_sent_again_after_a_restart(rig: Rig) -> None:
    payload = event("user_send_text", "u-again", at_ms=now_ms(), msg_id="m-901", text="Alo")
    assert rig.post(payload).json() == {"status": "accepted"}
    dialogue, client = _restarted(rig)
    raw, headers = signed(payload)
    with client:
        response = client.post("/webhooks/zalo", content=raw, headers=headers)
    assert response.status_code == 200 and response.json() == {"status": "repeated"}
    assert rig.fake.texts_to("u-again") == ["Dạ, em đã nhận: Alo"] and dialogue.seen == []


def test_a_repeat_stored_but_never_answered_is_answered(rig: Rig) -> None:
    payload = event("user_send_text", "u-crash", at_ms=now_ms(), msg_id="m-902",
                    text="Cây xanh ngã đổ")  # fmt: skip
    incoming = parse_event(payload, APP_ID)
    assert incoming is not None
    rig.chat_store.record_update(incoming)  # accepted, then the process crashed
    assert rig.post(payload).json() == {"status": "accepted"}
    assert rig.fake.texts_to("u-crash") == ["Dạ, em đã nhận: Cây xanh ngã đổ"]


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coordinates", "expected"),
    [
        ({"latitude": "10.7769", "longitude": "106.7009"}, Location(10.7769, 106.7009)),
        ({"lat": 10.8231, "long": 106.6297}, Location(10.8231, 106.6297)),
        ({"latitude": "abc", "longitude": "106.7"}, None),
        ({"latitude": "95", "longitude": "106.7"}, None),
    ],
)
def test_location_coordinates_in_both_shapes(
    coordinates: dict[str, Any], expected: Location | None
) -> None:
    attachments = [{"type": "location", "payload": {"coordinates": coordinates}}]
    payload = event("user_send_location", "u-1", at_ms=now_ms(), attachments=attachments)
    parsed = parse_event(payload, APP_ID)
    assert (parsed.location if parsed else None) == expected


def test_follow_events_without_msg_id_get_a_stable_id() -> None:
    first = parse_event(event("follow", "u-1", at_ms=1_764_000_000_000), APP_ID)
    again = parse_event(event("follow", "u-1", at_ms=1_764_000_000_000), APP_ID)
    later = parse_event(event("follow", "u-1", at_ms=1_764_000_005_000), APP_ID)
    assert first is not None and again is not None and later is not None
    assert first.update_id == again.update_id != later.update_id
    assert first.user_id == "u-1" and first.kind is IncomingKind.FOLLOW


def test_a_text_starting_with_a_slash_is_a_command() -> None:
    parsed = parse_event(event("user_send_text", "u-1", at_ms=now_ms(), text="/hoso H29.1"),
                         APP_ID)  # fmt: skip
    assert parsed is not None and parsed.kind is IncomingKind.COMMAND


def test_long_texts_are_split_at_line_ends_within_zalo_limit() -> None:
    lines = [f"{n}. Thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ" for n in range(1, 120)]
    pieces = split_text("\n".join(lines), limit=2000)
    assert len(pieces) > 1 and all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces) == "\n".join(lines)


# -- tokens ----------------------------------------------------------------------------------


def _store_token(rig: Rig, access: str, refresh: str, expires_in: timedelta) -> None:
    now = datetime.now(UTC)
    rig.tokens.seed(APP_ID, refresh, now)
    rig.tokens.rotate(APP_ID, access, refresh, now + expires_in, now)


def test_an_expiring_token_is_refreshed_and_the_new_refresh_token_stored(rig: Rig) -> None:
    rig.fake.access_token, rig.fake.refresh_token = "at-old", "rt-5"
    _store_token(rig, "at-old", "rt-5", timedelta(minutes=2))  # inside the 5-minute margin
    rig.api.send_text("u-tok", "Dạ, em chào anh/chị")
    (call,) = rig.fake.refreshes
    assert (call.refresh_token, call.secret_key, call.grant_type) == (
        "rt-5", "app-secret-ThuDuc", "refresh_token",
    )  # fmt: skip
    row = rig.token_row()
    assert (row.access_token, row.refresh_token) == ("at-1", "rt-1")
    assert row.expires_at > datetime.now(UTC) + timedelta(hours=24)
    assert rig.fake.messages[0].access_token == "at-1"


def test_a_token_zalo_rejects_is_refreshed_and_the_message_sent_once(rig: Rig) -> None:
    rig.api.send_text("u-tok", "Lần một")  # first use: the settings' refresh token
    rig.fake.revoke_access_token()
    rig.api.send_text("u-tok", "Lần hai")
    assert rig.fake.texts_to("u-tok") == ["Lần một", "Lần hai"]
    assert [c.refresh_token for c in rig.fake.refreshes] == ["rt-0", "rt-1"]
    assert rig.token_row().refresh_token == "rt-2"


def test_two_threads_needing_a_refresh_make_one_refresh_call(rig: Rig) -> None:
    rig.fake.refresh_delay = 0.3
    tokens = ZaloTokens(rig.tokens, rig.fake.credentials())
    try:
        assert _together([tokens.access_token] * 8) == ["at-1"] * 8
    finally:
        tokens.close()
    assert len(rig.fake.refreshes) == 1


def test_two_processes_needing_a_refresh_make_one_refresh_call(rig: Rig) -> None:
    rig.fake.refresh_delay = 0.3
    other_db = Database(str(rig.db.url))  # another engine and lock: as another process would
    first = ZaloTokens(rig.tokens, rig.fake.credentials())
    second = ZaloTokens(SqlZaloTokenStore(other_db), rig.fake.credentials())
    try:
        got = _together([first.access_token, second.access_token] * 2)
    finally:
        first.close()
        second.close()
        other_db.dispose()
    assert got == ["at-1"] * 4
    assert len(rig.fake.refreshes) == 1


def test_a_refused_refresh_is_an_error_and_the_next_call_may_retry_at_once(rig: Rig) -> None:
    rig.fake.refresh_token = "rt-someone-else"
    with pytest.raises(ExternalServiceError) as err:
        rig.api.send_text("u-tok", "Alo")
    assert err.value.code == "zalo.token_refresh_failed" and rig.fake.messages == []
    rig.fake.refresh_token = "rt-0"
    started = time.monotonic()
    rig.api.send_text("u-tok", "Alo")
    assert time.monotonic() - started < 5 and rig.fake.texts_to("u-tok") == ["Alo"]


def _together(works: list[Callable[[], str]]) -> list[str]:
    """Run each callable in its own thread, all released at once; re-raise the first error."""
    barrier = threading.Barrier(len(works))
    results: list[str] = []
    errors: list[BaseException] = []

    def run(work: Callable[[], str]) -> None:
        barrier.wait()
        try:
            results.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if errors:
        raise errors[0]
    return results


# -- sending outside replies: the window -----------------------------------------------------


def _seen(rig: Rig, user_id: str, ago: timedelta) -> None:
    at = datetime.now(UTC) - ago
    rig.chat_store.record_update(Incoming(ChatChannel.ZALO, user_id, f"old-{user_id}",
                                          IncomingKind.TEXT, at, text="Alo"))  # fmt: skip


@pytest.mark.parametrize(("ago", "allowed"), [(timedelta(days=6, hours=23), True),
                                              (timedelta(days=7, hours=1), False)])  # fmt: skip
def test_the_sender_writes_only_within_the_window(rig: Rig, ago: timedelta, allowed: bool) -> None:
    sender = ZaloSender(rig.api, rig.chat_store, timedelta(days=7))
    _seen(rig, "u-win", ago)
    if allowed:
        sender.send("u-win", [Reply("Dạ, phản ánh PA-2026-000123 đã được xử lý xong.")])
        assert rig.fake.texts_to("u-win") == ["Dạ, phản ánh PA-2026-000123 đã được xử lý xong."]
    else:
        with pytest.raises(MessagingWindowClosed):
            sender.send("u-win", [Reply("Dạ")])
        assert rig.fake.send_calls == 0 and rig.fake.refreshes == []


def test_a_user_who_never_wrote_cannot_be_messaged(rig: Rig) -> None:
    with pytest.raises(MessagingWindowClosed):
        ZaloSender(rig.api, rig.chat_store).send("u-stranger", [Reply("Dạ")])
    assert rig.fake.send_calls == 0


def test_zalo_saying_the_window_is_closed_is_window_closed(rig: Rig) -> None:
    rig.fake.closed_window.add("u-blocked")
    with pytest.raises(MessagingWindowClosed):
        rig.api.send_text("u-blocked", "Dạ")


def test_a_zalo_error_is_a_send_failure(rig: Rig) -> None:
    rig.fake.fail_next_sends(1)
    with pytest.raises(ExternalServiceError) as err:
        rig.api.send_text("u-err", "Dạ")
    assert err.value.code == "zalo.send_failed"


def test_a_held_notification_is_sent_when_the_user_writes_again(rig: Rig) -> None:
    feedback = SqlFeedbackStore(rig.db).add(feedback_in("z-msg-1")).feedback
    SqlChatLinkStore(rig.db).link(feedback.id, ChatChannel.ZALO, "u-held")
    _seen(rig, "u-held", timedelta(days=9))
    rig.notifications.feedback_status_changed(
        feedback, FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED, "Đã nạo vét cống"
    )
    assert rig.notifications.deliver_due().held == 1
    assert rig.fake.send_calls == 0
    rig.post(event("user_send_text", "u-held", at_ms=now_ms(), text="Cảm ơn"))
    assert rig.notifications.deliver_due().sent == 1
    reply, notice = rig.fake.texts_to("u-held")
    assert reply == "Dạ, em đã nhận: Cảm ơn"
    assert notice.startswith(f"Dạ, phản ánh {feedback.reference} của anh/chị đã được xử lý xong")
    with rig.db.engine.connect() as conn:
        states = conn.execute(select(ChatNotificationRow.state)).scalars().all()
    assert states == [NotificationState.SENT.value]
