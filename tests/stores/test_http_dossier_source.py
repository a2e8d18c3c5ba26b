"""The live connector against a real HTTP server on 127.0.0.1 (http.server in a thread)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest

from core.dossiers import DossierStatus, dossier_to_record
from core.errors import ExternalServiceError
from stores.http.dossier_source import HttpDossierSource
from tests.http_servers import refused_port, serve_handler
from tests.stores.test_dossier_store import make_dossier

KEY = "khoa-bi-mat-123"
GOOD = "H29.202-250315-0012"


class _OneStopShop(BaseHTTPRequestHandler):
    """A one-stop-shop API: each code below provokes one behaviour."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("X-API-Key")))
        if self.headers.get("X-API-Key") != KEY:
            return self._send(401, b'{"error": "bad key"}')
        code = self.path.rsplit("/", 1)[-1]
        record = dossier_to_record(make_dossier(code, status=DossierStatus.READY))
        body = {
            "H29.202-250315-0012": json.dumps(record | {"applicant_name": "Nguyễn Văn A"}),
            "H29.202-250315-0500": "internal error",
            "H29.202-250315-0001": '{"code": "H29.202-250315-0001", "status": ',
            "H29.202-250315-0002": "[1, 2]",
            "H29.202-250315-0003": json.dumps(record | {"status": "đang treo"}),
            "H29.202-250315-0004": json.dumps(record | {"code": GOOD}),
        }.get(code)
        if code == "H29.202-250315-0408":
            time.sleep(0.5)
            return self._send(200, json.dumps(record).encode())
        if body is None:
            return self._send(404, b'{"error": "not found"}')
        self._send(500 if code.endswith("0500") else 200, body.encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is for assertions."""


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with serve_handler(_OneStopShop) as url:
        yield f"{url}/api/v1"


@pytest.fixture
def source(server_url: str) -> Iterator[HttpDossierSource]:
    _OneStopShop.seen.clear()
    src = HttpDossierSource(server_url + "/", KEY, timeout=0.2)
    yield src
    src.close()


def test_a_known_code_is_fetched_with_the_key_and_mapped(source: HttpDossierSource) -> None:
    dossier = source.fetch(GOOD)
    assert dossier == make_dossier(GOOD, status=DossierStatus.READY)
    assert _OneStopShop.seen == [(f"/api/v1/dossiers/{GOOD}", KEY)]


def test_an_unknown_code_is_none(source: HttpDossierSource) -> None:
    assert source.fetch("H29.202-250315-9999") is None


@pytest.mark.parametrize(
    "code",
    [
        "H29.202-250315-0500",  # server error
        "H29.202-250315-0408",  # slower than the timeout
        "H29.202-250315-0001",  # malformed JSON
        "H29.202-250315-0002",  # JSON, but not an object
        "H29.202-250315-0003",  # a status nobody knows
        "H29.202-250315-0004",  # the answer is another dossier
    ],
)
def test_failures_become_one_external_service_error(source: HttpDossierSource, code: str) -> None:
    with pytest.raises(ExternalServiceError) as caught:
        source.fetch(code)
    assert caught.value.code == "dossier.source_failed"


def test_a_wrong_key_is_a_failure_not_a_missing_dossier(server_url: str) -> None:
    src = HttpDossierSource(server_url, "sai-khoa")
    try:
        with pytest.raises(ExternalServiceError, match="HTTP 401"):
            src.fetch(GOOD)
    finally:
        src.close()


def test_nothing_listening_is_a_failure() -> None:
    with refused_port() as port:
        src = HttpDossierSource(f"http://127.0.0.1:{port}", KEY, timeout=1.0)
        try:
            with pytest.raises(ExternalServiceError, match="unreachable") as caught:
                src.fetch(GOOD)
            assert caught.value.code == "dossier.source_failed"
        finally:
            src.close()
