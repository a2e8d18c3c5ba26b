"""The Telegram channel over real HTTP: our FastAPI app and a fake Bot API, each on a socket.

Updates are posted the way Telegram posts them; what the bot says is read back from the fake
Bot API's record of calls. No PTB object is mocked.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from telegram import Update

from api.app import create_app
from app.cli_bot import bot
from app.container import Container
from bots.channels.telegram import (
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramChannel,
    TelegramSender,
)
from bots.channels.telegram_render import to_incoming
from bots.core.dialogue import DialogueEngine
from bots.core.flows.context import menu_buttons
from bots.core.messages_vi import say
from core.chat import Button, Incoming, IncomingKind, Reply
from core.chat_ports import DialogueHandler, MessagingWindowClosed
from core.errors import ExternalServiceError, InvalidInput
from stores.sql.tables import ChatUpdateRow
from tests.bots.channels.fake_telegram import (
    TOKEN,
    FakeTelegram,
    callback_update,
    message_update,
    new_chat,
    photo_sizes,
)
from tests.http_servers import serve as serve_app

SECRET = "s3cret_Thu-Duc-2026"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


class Recorder:
    """A dialogue that records what it is given and answers with ``inner``, ``error``,
    ``replies`` or an echo; a text with an event in ``gates`` waits for it first. ``accept``
    goes to ``inner`` (or takes everything), unless ``accept_error`` is set."""

    def __init__(
        self,
        inner: DialogueHandler | None = None,
        replies: list[Reply] | None = None,
        error: Exception | None = None,
        accept_error: Exception | None = None,
    ) -> None:
        self.inner, self.replies, self.error = inner, replies, error
        self.accept_error = accept_error
        self.seen: list[Incoming] = []
        self.gates: dict[str, threading.Event] = {}

    def accept(self, incoming: Incoming) -> bool:
        if self.accept_error is not None:
            raise self.accept_error
        return self.inner.accept(incoming) if self.inner is not None else True

    def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        if incoming.text in self.gates:
            assert self.gates[incoming.text].wait(5)
        if self.error is not None:
            raise self.error
        if self.inner is not None:
            return self.inner.handle(incoming)
        if self.replies is not None:
            return self.replies
        return [Reply(f"Dạ, em nhận: {incoming.text}")]


class Webhook:
    """Our app's webhook, posted to over a real socket."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, update: Any, secret: str | None = SECRET) -> httpx.Response:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return httpx.post(self.url, json=update, headers=headers, timeout=5)


@pytest.fixture(scope="module")
def running_fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def telegram(running_fake: FakeTelegram) -> FakeTelegram:
    """The fake Bot API with nothing recorded yet."""
    running_fake.reset()
    return running_fake


@pytest.fixture
def serve(
    telegram: FakeTelegram, bot_container: Container
) -> Iterator[Callable[[DialogueHandler], Webhook]]:
    """Starts our real app (``create_app``) with the Telegram router, on a socket."""
    with ExitStack() as stack:

        def start(dialogue: DialogueHandler) -> Webhook:
            channel = TelegramChannel(dialogue, TOKEN, webhook_secret=SECRET,
                                      base_url=telegram.base_url)  # fmt: skip
            app = create_app(bot_container.feedback, bot_container.reference,
                             routers=[channel.router])  # fmt: skip
            return Webhook(stack.enter_context(serve_app(app)) + WEBHOOK_PATH)

        yield start


def rows(call_params: dict[str, str]) -> list[list[tuple[str, str]]]:
    keyboard = json.loads(call_params["reply_markup"])["inline_keyboard"]
    return [[(b["text"], b["callback_data"]) for b in row] for row in keyboard]


# --- webhook mode, with the real dialogue engine ---------------------------------------------


def test_start_greets_with_the_menu_as_inline_buttons(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram, engine: DialogueEngine
) -> None:
    chat = new_chat()
    response = serve(engine).post(message_update(chat, text="/start"))
    assert response.status_code == 200
    [sent] = telegram.wait_for("sendMessage")
    assert sent.params["chat_id"] == str(chat)
    assert sent.params["text"] == say("greeting")
    assert rows(sent.params) == [[(b.label, b.payload)] for b in menu_buttons()]


def test_a_pressed_button_is_acknowledged_and_answered(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram, engine: DialogueEngine
) -> None:
    update = callback_update(new_chat(), "menu:dossier")
    assert serve(engine).post(update).status_code == 200
    [answered] = telegram.wait_for("answerCallbackQuery")
    assert answered.params["callback_query_id"] == update["callback_query"]["id"]
    [sent] = telegram.wait_for("sendMessage")
    assert sent.params["text"] == say("dossier.ask_code")


def test_a_repeated_delivery_is_answered_once(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram, engine: DialogueEngine
) -> None:
    chat = new_chat()
    recorder = Recorder(inner=engine)
    webhook = serve(recorder)
    first, later = message_update(chat, text="/start"), message_update(chat, text="/start")
    for update in (first, first, later):
        assert webhook.post(update).status_code == 200
    telegram.wait_for("sendMessage", 2)
    # one chat's updates run in order: the repeat was dropped before ``later`` was answered
    assert [i.update_id for i in recorder.seen] == [
        str(first["update_id"]),
        str(later["update_id"]),
    ]
    assert telegram.sent_texts() == [say("greeting"), say("greeting")]


def test_a_stale_button_press_is_still_answered(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram
) -> None:
    telegram.fail("answerCallbackQuery", 400, "Bad Request: query is too old")
    recorder = Recorder()
    assert serve(recorder).post(callback_update(new_chat(), "feedback:send")).status_code == 200
    [sent] = telegram.wait_for("sendMessage")
    assert sent.params["text"] == "Dạ, em nhận: feedback:send"
    assert [(i.kind, i.text) for i in recorder.seen] == [(IncomingKind.BUTTON, "feedback:send")]


# --- webhook mode: the secret, parsing, failures ---------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET.upper(), SECRET + "x", SECRET[:-1]])
def test_a_wrong_or_missing_secret_is_refused_and_nothing_sent(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram, secret: str | None
) -> None:
    chat = new_chat()
    recorder = Recorder()
    webhook = serve(recorder)
    refused = webhook.post(message_update(chat, text="Cho hỏi hồ sơ"), secret=secret)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "telegram.bad_secret"
    assert webhook.post(message_update(chat, text="xin chào")).status_code == 200
    telegram.wait_for("sendMessage")
    assert [i.text for i in recorder.seen] == ["xin chào"]
    assert telegram.sent_texts() == ["Dạ, em nhận: xin chào"]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"photo": photo_sizes("AgACAgUAAxkBAAIC"), "caption": "Cây đổ chắn đường Hoàng Diệu 2"},
         IncomingKind.PHOTO),
        ({"photo": photo_sizes("AgACAgUAAxkBAAID"), "caption": "Cay do chan duong Hoang Dieu 2"},
         IncomingKind.PHOTO),
        ({"location": {"latitude": 10.8700, "longitude": 106.8030}}, IncomingKind.LOCATION),
    ],
)  # fmt: skip
def test_photos_and_locations_reach_the_dialogue(
    serve: Callable[[DialogueHandler], Webhook],
    telegram: FakeTelegram,
    content: dict[str, Any],
    kind: IncomingKind,
) -> None:
    recorder = Recorder(replies=[Reply(say("feedback.ask_place"))])
    assert serve(recorder).post(message_update(new_chat(), **content)).status_code == 200
    telegram.wait_for("sendMessage")
    [incoming] = recorder.seen
    assert incoming.kind is kind
    if kind is IncomingKind.PHOTO:
        assert incoming.photo is not None
        assert incoming.photo.platform_file_id.endswith("-1280")
        assert incoming.text == content["caption"]
    else:
        assert incoming.location is not None
        assert incoming.location.latitude == pytest.approx(10.87)


@pytest.mark.parametrize(
    ("error", "apology"),
    [
        (RuntimeError("password=hunter2 in postgres://db"), "error.generic"),
        (ExternalServiceError("database down: password=hunter2"), "error.busy"),
    ],
)
def test_a_failing_dialogue_still_gets_200_and_an_apology(
    serve: Callable[[DialogueHandler], Webhook],
    telegram: FakeTelegram,
    error: Exception,
    apology: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    response = serve(Recorder(error=error)).post(message_update(new_chat(), text="xin chào"))
    assert response.status_code == 200
    telegram.wait_for("sendMessage")
    assert telegram.sent_texts() == [say(apology)]
    assert "hunter2" not in "".join(telegram.sent_texts())
    assert any(r.message.startswith("telegram.handler_failed") and r.exc_info
               for r in caplog.records)  # fmt: skip


def test_the_webhook_answers_before_the_dialogue_has(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram
) -> None:
    recorder = Recorder()
    recorder.gates["chậm"] = threading.Event()
    webhook = serve(recorder)
    assert webhook.post(message_update(new_chat(), text="chậm")).status_code == 200
    assert telegram.calls("sendMessage") == []
    recorder.gates["chậm"].set()
    assert telegram.wait_for("sendMessage")[0].params["text"] == "Dạ, em nhận: chậm"


def test_chats_run_side_by_side_and_each_chat_in_order(
    serve: Callable[[DialogueHandler], Webhook], telegram: FakeTelegram
) -> None:
    recorder = Recorder()
    recorder.gates["một"] = threading.Event()
    webhook = serve(recorder)
    slow, other = new_chat(), new_chat()
    for chat, text in ((slow, "một"), (slow, "hai"), (other, "ba")):
        assert webhook.post(message_update(chat, text=text)).status_code == 200
    assert telegram.wait_for("sendMessage")[0].params["chat_id"] == str(other)
    recorder.gates["một"].set()
    telegram.wait_for("sendMessage", 3)
    assert telegram.sent_texts() == ["Dạ, em nhận: ba", "Dạ, em nhận: một", "Dạ, em nhận: hai"]


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": {}}'])
def test_an_unreadable_body_is_acknowledged_and_ignored(
    serve: Callable[[DialogueHandler], Webhook], body: bytes
) -> None:
    recorder = Recorder()
    webhook = serve(recorder)
    response = httpx.post(webhook.url, content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    assert recorder.seen == []


def test_serving_the_webhook_needs_a_valid_secret_and_a_token() -> None:
    with pytest.raises(InvalidInput) as missing:
        _ = TelegramChannel(Recorder(), TOKEN).router
    assert missing.value.code == "telegram.webhook_secret_invalid"
    with pytest.raises(InvalidInput):
        _ = TelegramChannel(Recorder(), TOKEN, webhook_secret="có dấu").router
    with pytest.raises(InvalidInput):
        TelegramChannel(Recorder(), "", webhook_secret=SECRET)


# --- webhook mode: every update is stored before the 200 ------------------------------------


def stored(bot_container: Container, update: dict[str, Any]) -> Any:
    """The update's row in the chat store (None when it was never stored)."""
    row = ChatUpdateRow.__table__.c
    query = select(ChatUpdateRow.__table__).where(
        row.channel == "telegram", row.update_id == str(update["update_id"])
    )
    with bot_container.db.engine.connect() as conn:
        return conn.execute(query).mappings().one_or_none()


@pytest.mark.parametrize("text", ["Cống trước nhà bị nghẹt", "cong truoc nha bi nghet"])
def test_the_update_is_stored_before_the_webhook_answers(
    serve: Callable[[DialogueHandler], Webhook],
    telegram: FakeTelegram,
    engine: DialogueEngine,
    bot_container: Container,
    text: str,
) -> None:
    recorder = Recorder(inner=engine)
    recorder.gates[text] = threading.Event()  # the engine is still answering at the 200
    update = message_update(new_chat(), text=text)
    assert serve(recorder).post(update).status_code == 200
    row = stored(bot_container, update)
    assert row is not None and (row["text"], row["answered_at"]) == (text, None)
    assert telegram.calls("sendMessage") == []
    recorder.gates[text].set()
    [sent] = telegram.wait_for("sendMessage")
    assert stored(bot_container, update)["replies"][0]["text"] == sent.params["text"]


@pytest.mark.parametrize(
    ("error", "status"),
    [(ExternalServiceError("database is locked", code="chat.database_failed"), 503),
     (RuntimeError("bug while storing"), 500)],
)  # fmt: skip
def test_an_update_that_cannot_be_stored_is_refused_and_never_answered(
    serve: Callable[[DialogueHandler], Webhook],
    telegram: FakeTelegram,
    error: Exception,
    status: int,
) -> None:
    chat = new_chat()
    recorder = Recorder(accept_error=error)
    webhook = serve(recorder)
    refused = webhook.post(message_update(chat, text="Đèn đường Võ Văn Ngân bị tắt"))
    assert refused.status_code == status  # Telegram delivers it again later
    assert refused.json()["error"]["code"] == "telegram.update_not_stored"
    recorder.accept_error = None
    assert webhook.post(message_update(chat, text="xin chào")).status_code == 200
    telegram.wait_for("sendMessage")  # one chat's updates run in order: the refused one is not
    assert [i.text for i in recorder.seen] == ["xin chào"]
    assert telegram.sent_texts() == ["Dạ, em nhận: xin chào"]


def test_a_repeat_already_answered_is_not_sent_again_after_a_restart(
    serve: Callable[[DialogueHandler], Webhook],
    telegram: FakeTelegram,
    new_engine: Callable[..., DialogueEngine],
) -> None:
    chat = new_chat()
    first = message_update(chat, text="/start")
    assert serve(new_engine()).post(first).status_code == 200
    telegram.wait_for("sendMessage")
    restarted = serve(new_engine())  # new process: nothing of the first remembered in memory
    assert restarted.post(first).status_code == 200
    assert restarted.post(message_update(chat, text="hủy")).status_code == 200
    telegram.wait_for("sendMessage", 2)
    assert telegram.sent_texts() == [say("greeting"), say("nothing_to_cancel")]


def test_a_repeat_stored_but_never_answered_is_answered(
    serve: Callable[[DialogueHandler], Webhook],
    telegram: FakeTelegram,
    new_engine: Callable[..., DialogueEngine],
) -> None:
    update = message_update(new_chat(), text="/start")
    incoming = to_incoming(Update.de_json(update, None))
    assert incoming is not None and new_engine().accept(incoming)  # then the process crashed
    assert serve(new_engine()).post(update).status_code == 200  # Telegram delivers it again
    [sent] = telegram.wait_for("sendMessage")
    assert sent.params["text"] == say("greeting")


# --- polling mode ----------------------------------------------------------------------------


def test_polling_fetches_updates_replies_and_stops_cleanly(
    telegram: FakeTelegram, engine: DialogueEngine
) -> None:
    chat = new_chat()
    telegram.queue_update(message_update(chat, text="/start"))
    channel = TelegramChannel(engine, TOKEN, base_url=telegram.base_url)
    loops: list[asyncio.AbstractEventLoop] = []

    def poll() -> None:
        loops.append(loop := asyncio.new_event_loop())
        asyncio.set_event_loop(loop)
        channel.run_polling(handle_signals=False)

    thread = threading.Thread(target=poll)
    thread.start()
    [sent] = telegram.wait_for("sendMessage", timeout=10)
    loops[0].call_soon_threadsafe(loops[0].stop)
    thread.join(timeout=10)
    assert not thread.is_alive() and loops[0].is_closed()
    assert (sent.params["chat_id"], sent.params["text"]) == (str(chat), say("greeting"))
    assert telegram.calls("deleteWebhook")
    assert telegram.calls("getUpdates")[0].json("allowed_updates") == ["message", "callback_query"]


# --- notifications and rendering (TelegramSender) --------------------------------------------


def test_the_sender_sends_text_with_buttons(telegram: FakeTelegram) -> None:
    reply = Reply("Dạ, phản ánh PA-2026-000123 đã được xử lý xong.",
                  (Button("Theo dõi phản ánh", "menu:feedback_status"),))  # fmt: skip
    TelegramSender(TOKEN, telegram.base_url).send("5550123", [reply])
    [sent] = telegram.calls("sendMessage")
    assert (sent.params["chat_id"], sent.params["text"]) == ("5550123", reply.text)
    assert rows(sent.params) == [[("Theo dõi phản ánh", "menu:feedback_status")]]


@pytest.mark.parametrize(
    ("text", "photo_caption", "messages"),
    [("Số phản ánh theo phường, tháng 3", "Số phản ánh theo phường, tháng 3", []),
     ("Thống kê: " + "x" * 1100, None, ["Thống kê: " + "x" * 1100])],
)  # fmt: skip
def test_a_chart_is_sent_as_a_photo(
    telegram: FakeTelegram, text: str, photo_caption: str | None, messages: list[str]
) -> None:
    TelegramSender(TOKEN, telegram.base_url).send("5550124", [Reply(text, image_png=PNG)])
    [photo] = telegram.calls("sendPhoto")
    assert photo.files["photo"] == PNG
    assert photo.params.get("caption") == photo_caption
    assert [c.params["text"] for c in telegram.calls("sendMessage")] == messages


def test_a_long_text_is_split_with_the_buttons_on_the_last_piece(telegram: FakeTelegram) -> None:
    lines = [f"{n}. Giấy tờ cần chuẩn bị cho thủ tục đăng ký khai sinh" for n in range(200)]
    reply = Reply("\n".join(lines), (Button("Hủy", "cancel"),))
    TelegramSender(TOKEN, telegram.base_url).send("5550125", [reply])
    sent = telegram.calls("sendMessage")
    assert len(sent) == 3
    assert "\n".join(c.params["text"] for c in sent) == reply.text
    assert ["reply_markup" in c.params for c in sent] == [False, False, True]


@pytest.mark.parametrize(
    ("status", "description", "error"),
    [
        (403, "Forbidden: bot was blocked by the user", MessagingWindowClosed),
        (400, "Bad Request: chat not found", ExternalServiceError),
        (500, "Internal Server Error", ExternalServiceError),
        (502, "Bad Gateway", ExternalServiceError),
    ],
)
def test_sender_failures_become_our_errors(
    telegram: FakeTelegram, status: int, description: str, error: type[Exception]
) -> None:
    telegram.fail("sendMessage", status, description)
    with pytest.raises(error) as raised:
        TelegramSender(TOKEN, telegram.base_url).send("5550126", [Reply("Dạ, thông báo")])
    if error is ExternalServiceError:
        assert raised.value.code == "telegram.send_failed"  # type: ignore[attr-defined]


def test_an_unreachable_bot_api_is_an_external_service_error() -> None:
    with FakeTelegram() as gone:
        base_url = gone.base_url
    with pytest.raises(ExternalServiceError) as raised:
        TelegramSender(TOKEN, base_url).send("5550127", [Reply("Dạ, thông báo")])
    assert raised.value.code == "telegram.send_failed"


# --- the command line ------------------------------------------------------------------------


def test_polling_without_a_token_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGNGHE_TELEGRAM_TOKEN", raising=False)
    result = CliRunner().invoke(bot, ["telegram", "--polling"])
    assert result.exit_code == 1
    assert "LANGNGHE_TELEGRAM_TOKEN is not set" in result.output


@pytest.mark.parametrize("args", [[], ["--polling", "--set-webhook", "https://x.vn/hook"]])
def test_the_command_wants_exactly_one_mode(args: list[str]) -> None:
    result = CliRunner().invoke(bot, ["telegram", *args])
    assert result.exit_code == 2
    assert "choose one of --polling and --set-webhook" in result.output


def test_set_webhook_registers_the_url_with_the_secret(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("TOKEN", TOKEN), ("WEBHOOK_SECRET", SECRET),
                        ("BASE_URL", telegram.base_url)):  # fmt: skip
        monkeypatch.setenv(f"LANGNGHE_TELEGRAM_{name}", value)
    url = "https://bot.thuduc.example.vn/webhooks/telegram"
    result = CliRunner().invoke(bot, ["telegram", "--set-webhook", url])
    assert result.exit_code == 0, result.output
    [call] = telegram.calls("setWebhook")
    assert (call.params["url"], call.params["secret_token"]) == (url, SECRET)
    assert call.json("allowed_updates") == ["message", "callback_query"]
