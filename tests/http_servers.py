"""Local HTTP servers for tests, each on 127.0.0.1 at a free port, in a daemon thread.

Adapters that talk HTTP (Telegram, Zalo, the one-stop-shop dossier API, photo CDNs) are tested
against real sockets rather than mocked clients, so every fake needs the same start / wait /
stop dance; it lives here once.

    >>> with serve(app) as url:                      # an ASGI app (FastAPI, Starlette)
    ...     httpx.get(f"{url}/health")
    >>> with serve_handler(MyHandler) as url:        # an http.server request handler
    ...     ...
    >>> with refused_port() as port:                 # nothing listens: connections are refused
    ...     ...
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT = 10.0


class ServerThread:
    """Serves an ASGI app with uvicorn (lifespan on); ``url`` is known before it starts.

    For fakes that hand out their URL when built; otherwise prefer ``serve``.

        >>> with ServerThread(app) as server:
        ...     httpx.get(server.url)
    """

    def __init__(self, app: ASGIApp) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", http="h11")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=START_TIMEOUT)
        self._sock.close()


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run ``app`` while the block runs; yields its base URL (no trailing slash)."""
    with ServerThread(app) as server:
        yield server.url


@contextmanager
def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run an ``http.server`` handler class while the block runs; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def refused_port() -> Iterator[int]:
    """A port bound but never listening: while the block runs, connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]
