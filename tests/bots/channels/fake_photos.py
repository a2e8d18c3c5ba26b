"""Where chat photos come from, over real HTTP: a CDN serving image URLs (Zalo) and the Bot
API's ``getFile`` plus its file download (Telegram), on one local server.

    >>> with PhotoServer() as server:
    ...     url = server.image("a.png", png())                 # Zalo: a CDN URL
    ...     server.telegram_file("AgACAgUAAxkBAAIB", png(1))    # Telegram: a file id
    ...     TelegramPhotoFetcher(TOKEN, base_url=server.bot_url).fetch(...)
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.bots.channels.fake_telegram import TOKEN
from tests.http_servers import ServerThread


@dataclass(frozen=True)
class Served:
    """An answer of the CDN; ``stream`` sends the body in chunks, without a Content-Length."""

    body: bytes
    content_type: str
    status: int = 200
    stream: bool = False


class PhotoServer:
    """A CDN and a Telegram Bot API that serve the photos tests put in."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self._lock = threading.Lock()
        self._images: dict[str, Served] = {}
        self._files: dict[str, tuple[bytes, int | None]] = {}
        self.requests: list[str] = []
        app = Starlette(routes=[
            Route("/cdn/{name}", self._cdn),
            Route("/bot{token}/getFile", self._get_file, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file),
        ])  # fmt: skip
        self._server = ServerThread(app)
        self.url = self._server.url
        self.bot_url = f"{self.url}/bot"

    def __enter__(self) -> PhotoServer:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__(*exc)

    def image(self, name: str, body: bytes, content_type: str = "image/png", *,
              status: int = 200, stream: bool = False) -> str:  # fmt: skip
        """Serve ``body`` at a CDN URL, which is returned."""
        with self._lock:
            self._images[name] = Served(body, content_type, status, stream)
        return f"{self.url}/cdn/{name}"

    def telegram_file(self, file_id: str, body: bytes, reported_size: int | None = -1) -> None:
        """A file Telegram knows; ``getFile`` reports ``reported_size`` (-1: the true size)."""
        with self._lock:
            self._files[file_id] = (body, len(body) if reported_size == -1 else reported_size)

    def downloads(self) -> int:
        """How many file bodies were served (CDN and Telegram files)."""
        with self._lock:
            return sum(1 for r in self.requests if not r.startswith("getFile"))

    async def _cdn(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self._lock:
            self.requests.append(f"cdn/{name}")
            served = self._images.get(name)
        if served is None:
            return Response(b"not found", status_code=404, media_type="text/plain")
        if served.stream:
            return StreamingResponse(_chunks(served.body), media_type=served.content_type)
        return Response(served.body, served.status, media_type=served.content_type)

    async def _get_file(self, request: Request) -> JSONResponse:
        file_id = _param(await request.body(), "file_id") or request.query_params.get("file_id")
        with self._lock:
            self.requests.append(f"getFile/{file_id}")
            known = self._files.get(file_id)
        if request.path_params["token"] != self.token or known is None:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}
            return JSONResponse(body, status_code=400)
        result: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id[-6:]}",
                                  "file_path": f"photos/{file_id}.jpg"}  # fmt: skip
        if known[1] is not None:
            result["file_size"] = known[1]
        return JSONResponse({"ok": True, "result": result})

    async def _file(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._lock:
            self.requests.append(f"file/{path}")
            known = self._files.get(path.removeprefix("photos/").removesuffix(".jpg"))
        if request.path_params["token"] != self.token or known is None:
            return Response(b"Not Found", status_code=404)
        return Response(known[0], media_type="application/octet-stream")


def _param(body: bytes, name: str) -> str:
    """A field of a Bot API call: PTB posts urlencoded forms, some clients JSON."""
    text = body.decode("utf-8")
    if text.startswith("{"):
        return str(json.loads(text).get(name, ""))
    return dict(parse_qsl(text)).get(name, "")


async def _chunks(body: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]
