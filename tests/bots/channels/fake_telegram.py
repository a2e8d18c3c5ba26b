"""A fake Telegram Bot API over real HTTP and builders of the update JSON Telegram posts.

The fake implements the methods python-telegram-bot calls (getMe, sendMessage, sendPhoto,
answerCallbackQuery, getUpdates, setWebhook, deleteWebhook), records every call with its
parameters, and can be told to fail a method the way Telegram does (status + description).

    >>> with FakeTelegram() as telegram:
    ...     channel = TelegramChannel(engine, TOKEN, base_url=telegram.base_url)
    ...     ...
    ...     [call] = telegram.wait_for("sendMessage")
    ...     call.params["text"]
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.http_servers import ServerThread

TOKEN = "123456789:AAF-test-token_for-langnghe"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Trợ lý Thủ Đức",
            "username": "ThuDucTestBot"}  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One Bot API call as received: form fields as strings, uploaded files as bytes."""

    method: str
    params: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)

    def json(self, name: str) -> Any:
        return json.loads(self.params[name])


class FakeTelegram:
    """The fake Bot API; ``base_url`` goes to ``ApplicationBuilder.base_url``."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[tuple[int, str]]] = {}
        self._message_ids = itertools.count(1000)
        app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint,
                                      methods=["GET", "POST"])])  # fmt: skip
        self._server = ServerThread(app)
        self.base_url = self._server.url + "/bot"

    def __enter__(self) -> FakeTelegram:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)

    # --- what tests use ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget calls, queued updates and failures (one server serves a whole test module)."""
        with self._lock:
            self._calls.clear()
            self._updates.clear()
            self._failures.clear()

    def calls(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The first ``count`` calls of ``method``, waiting for them (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while len(found := self.calls(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} {method} call(s) after {timeout}s: {found}")
            time.sleep(0.01)
        return found[:count]

    def sent_texts(self) -> list[str]:
        """Texts of sendMessage calls and captions of sendPhoto calls, in order."""
        with self._lock:
            return [c.params.get("text") or c.params.get("caption", "") for c in self._calls
                    if c.method in ("sendMessage", "sendPhoto")]  # fmt: skip

    def queue_update(self, update: dict[str, Any]) -> None:
        """An update for the next getUpdates (polling mode)."""
        with self._lock:
            self._updates.append(update)

    def fail(self, method: str, status: int, description: str) -> None:
        """The next call of ``method`` fails like Telegram: ``{"ok": false, ...}``."""
        with self._lock:
            self._failures.setdefault(method, []).append((status, description))

    # --- the Bot API ------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params, files = _parse(request.headers.get("content-type", ""), await request.body())
        with self._lock:
            self._calls.append(Call(method, params, files))
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
        if failure is not None:
            return _error(*failure)
        result = await self._result(method, params)
        return JSONResponse({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, str]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendPhoto"):
            return self._message(method, params)
        if method == "getUpdates":
            return await self._pending(int(params.get("offset", 0)),
                                       float(params.get("timeout", 0)))  # fmt: skip
        return True  # answerCallbackQuery, setWebhook, deleteWebhook

    def _message(self, method: str, params: dict[str, str]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()), "from": BOT_USER,
            "chat": {"id": int(params["chat_id"]), "type": "private"},
        }  # fmt: skip
        if method == "sendPhoto":
            message["photo"] = [{"file_id": "AgAD-sent", "file_unique_id": "u1", "width": 800,
                                 "height": 600}]  # fmt: skip
            message["caption"] = params.get("caption", "")
        else:
            message["text"] = params["text"]
        return message

    async def _pending(self, offset: int, timeout: float) -> list[dict[str, Any]]:
        """Updates from ``offset`` on (older ones are confirmed and dropped), long-polled."""
        deadline = time.monotonic() + min(timeout, 0.5)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates)
            await asyncio.sleep(0.01)


def _error(status: int, description: str) -> JSONResponse:
    body = {"ok": False, "error_code": status, "description": description}
    return JSONResponse(body, status_code=status)


def _parse(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """PTB posts urlencoded fields, or multipart/form-data when it uploads a file."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8"))), {}
    if content_type.startswith("application/json"):
        return {k: v if isinstance(v, str) else json.dumps(v)
                for k, v in json.loads(body).items()}, {}  # fmt: skip
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        return _multipart(BytesParser(policy=HTTP).parsebytes(head + body))
    return {}, {}


def _multipart(message: Message) -> tuple[dict[str, str], dict[str, bytes]]:
    params: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.walk():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename():
            files[name] = payload
        else:
            params[name] = payload.decode("utf-8")
    return params, files


# --- updates as Telegram posts them ------------------------------------------------------------

#: Update and chat ids unique across the test session (the dialogue core deduplicates on them).
_ids = itertools.count(random.randrange(10**8, 9 * 10**8))


def new_chat() -> int:
    return next(_ids)


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn",
            "language_code": "vi"}  # fmt: skip


def message_update(chat_id: int, chat_type: str = "private", edited: bool = False,
                   **content: Any) -> dict[str, Any]:  # fmt: skip
    """An update with a message; ``content`` holds text / photo / caption / location / venue."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type, "first_name": "Lan"}
    if chat_type != "private":
        chat = {"id": -1001234567890, "type": chat_type, "title": "Tổ dân phố 5, Linh Trung"}
    message = {"message_id": next(_ids) % 10**6, "from": _user(chat_id), "chat": chat,
               "date": int(time.time()), **content}  # fmt: skip
    text = content.get("text", "")
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_ids), "edited_message" if edited else "message": message}


def callback_update(chat_id: int, data: str) -> dict[str, Any]:
    """A press of an inline button under an earlier bot message."""
    shown = {"message_id": 77, "date": int(time.time()), "text": "Dạ, em chào anh/chị!",
             "from": {"id": 123456789, "is_bot": True, "first_name": "Trợ lý"},
             "chat": {"id": chat_id, "type": "private", "first_name": "Lan"}}  # fmt: skip
    query = {"id": f"cbq-{next(_ids)}", "from": _user(chat_id), "message": shown,
             "chat_instance": "-8871239912", "data": data}  # fmt: skip
    return {"update_id": next(_ids), "callback_query": query}


def photo_sizes(stem: str) -> list[dict[str, Any]]:
    """Telegram's thumbnails of one photo; the largest is deliberately not the last."""
    sizes = [(90, 67, 1_204), (1280, 960, 98_112), (320, 240, 14_890)]
    return [{"file_id": f"{stem}-{w}", "file_unique_id": f"u-{w}", "width": w, "height": h,
             "file_size": size} for w, h, size in sizes]  # fmt: skip
