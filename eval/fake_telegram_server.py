"""Telegram, played by the chatbot benchmark (``eval/bench_bot.py``): a timing fake of the Bot
API, and a load generator posting updates to our webhook as Telegram does.

Unlike the test fake (``tests/bots/channels/fake_telegram.py``, which records every call for
assertions), this one runs inside the load generator's own event loop and resolves a future
per chat when the bot's ``sendMessage`` for that chat arrives: the arrival time is the end of
an end-to-end turn, and no thread hand-off sits between the measurement and the fake. Run
that loop on uvloop, as the server does: on the stdlib loop, serving and posting in one thread
stalls some requests by ~40 ms (a delayed-ACK pattern), which would be counted as ours.

    >>> fake = TimingTelegram()
    >>> await fake.start()                     # serves on 127.0.0.1:<free port>
    >>> arrival = fake.expect(chat_id)         # before posting the update
    >>> at, text = await arrival               # perf_counter() at arrival, the reply text
    >>> await fake.stop()
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TOKEN = "123456789:AAF-bench-token_for-langnghe"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Trợ lý Thủ Đức",
            "username": "ThuDucBenchBot"}  # fmt: skip

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Arrival = tuple[float, str]


class TimingTelegram:
    """The Bot API methods the webhook bot calls; ``sendMessage`` resolves ``expect`` futures."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.unexpected = 0  # messages to chats nobody waits for (a second reply, a late one)
        self._waiting: dict[int, asyncio.Future[Arrival]] = {}
        self._message_ids = itertools.count(1000)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/bot"
        app = Starlette(routes=[Route("/bot{token}/{method}", self._endpoint,
                                      methods=["GET", "POST"])])  # fmt: skip
        config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none",
                                http="auto", access_log=False)  # fmt: skip
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()  # raises what stopped it
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._sock.close()

    def expect(self, chat_id: int) -> asyncio.Future[Arrival]:
        """A future for the first message the bot sends to ``chat_id`` from now on."""
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = future
        return future

    def forget(self, chat_id: int) -> None:
        self._waiting.pop(chat_id, None)

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            return JSONResponse(body, status_code=401)
        method = request.path_params["method"]
        params = _params(request.headers.get("content-type", ""), await request.body())
        if method == "sendMessage":
            self._arrived(int(params["chat_id"]), params.get("text", ""))
            return JSONResponse({"ok": True, "result": self._message(params)})
        result: Any = BOT_USER if method == "getMe" else True
        return JSONResponse({"ok": True, "result": result})

    def _arrived(self, chat_id: int, text: str) -> None:
        at = time.perf_counter()
        future = self._waiting.pop(chat_id, None)
        if future is None or future.done():
            self.unexpected += 1
            return
        future.set_result((at, text))

    def _message(self, params: dict[str, str]) -> dict[str, Any]:
        chat = {"id": int(params["chat_id"]), "type": "private"}
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "from": BOT_USER, "chat": chat, "text": params.get("text", "")}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """One turn: from posting the update to the arrival of the bot's first message."""

    latency: float | None  # None: no answer within the timeout
    correct: bool
    done_at: float
    webhook: float  # until the webhook's 200 (the update is stored before it)


class LoadGenerator:
    """Telegram's other half: posts updates to our webhook, one new chat each, and awaits the
    ``sendMessage`` for that chat at the fake.

    >>> outcome = await LoadGenerator(client, url, secret, fake).turn("hs H29.1 sao rồi", ok)
    """

    def __init__(self, client: httpx.AsyncClient, url: str, secret: str, fake: TimingTelegram,
                 timeout: float = 10.0) -> None:  # fmt: skip
        self._client, self._url, self._fake, self.timeout = client, url, fake, timeout
        self._headers = {SECRET_HEADER: secret}
        self._ids = itertools.count(random.randrange(10**8, 9 * 10**8))

    async def turn(self, text: str, check: Callable[[str], bool]) -> Outcome:
        chat = next(self._ids)
        arrival = self._fake.expect(chat)
        t0 = time.perf_counter()
        response = await self._client.post(self._url, json=text_update(chat, chat, text),
                                           headers=self._headers)  # fmt: skip
        posted = time.perf_counter()
        if response.status_code != 200:
            raise SystemExit(f"webhook answered {response.status_code}: {response.text[:200]}")
        try:
            at, reply = await asyncio.wait_for(arrival, self.timeout)
        except TimeoutError:
            self._fake.forget(chat)
            return Outcome(None, False, time.perf_counter(), posted - t0)
        if not check(reply):
            print(f"unexpected reply to {text!r}: {reply[:120]!r}", file=sys.stderr)
        return Outcome(at - t0, check(reply), at, posted - t0)


def _params(content_type: str, body: bytes) -> dict[str, str]:
    """PTB posts urlencoded fields (multipart only for uploads, which the benchmark never asks)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8")))
    if content_type.startswith("application/json"):
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(body).items()}
    return {}


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    """A private text message as Telegram posts it to a webhook."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Lan", "last_name": "Nguyễn",
            "language_code": "vi"}  # fmt: skip
    chat = {"id": chat_id, "type": "private", "first_name": "Lan"}
    message = {"message_id": update_id % 10**6, "from": user, "chat": chat,
               "date": int(time.time()), "text": text}  # fmt: skip
    return {"update_id": update_id, "message": message}
