"""The live connector to a one-stop-shop system (Hệ thống thông tin giải quyết TTHC).

``GET {base_url}/dossiers/{code}`` with the ``X-API-Key`` header answers a dossier in its record
form (``core.dossiers.dossier_to_record``); 404 means the system does not know the code. Every
other failure (a timeout, a refused connection, a 5xx, a body that is not a dossier) becomes one
``ExternalServiceError`` with code ``dossier.source_failed``, so the service can fall back to
the table without knowing httpx.

    >>> source = HttpDossierSource("https://motcua.example.gov.vn/api", api_key="...")
    >>> source.fetch("H29.202-250315-0012")
    Dossier(code='H29.202-250315-0012', ...)
    >>> source.close()
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

from core.dossiers import Dossier, canonical_dossier_code, dossier_from_record
from core.errors import ExternalServiceError, InvalidInput

log = logging.getLogger(__name__)
FAILED = "dossier.source_failed"


class HttpDossierSource:
    """``core.dossier_ports.DossierSource`` over HTTP; ``transport`` is injectable for tests."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers={"X-API-Key": api_key, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def fetch(self, code: str) -> Dossier | None:
        """The dossier as the system knows it now; None when it answers 404."""
        response = self._get(f"dossiers/{quote(code, safe='')}")
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.status_code != httpx.codes.OK:
            raise ExternalServiceError(
                f"dossier source answered HTTP {response.status_code} for {code}", code=FAILED
            )
        dossier = _dossier(response, code)
        log.info("dossier.fetched code=%s status=%s", dossier.code, dossier.status.value)
        return dossier

    def _get(self, path: str) -> httpx.Response:
        try:
            return self._client.get(path)
        except httpx.TimeoutException as exc:
            raise ExternalServiceError(f"dossier source timed out: {exc}", code=FAILED) from exc
        except httpx.HTTPError as exc:
            raise ExternalServiceError(f"dossier source unreachable: {exc}", code=FAILED) from exc

    def close(self) -> None:
        self._client.close()


def _dossier(response: httpx.Response, code: str) -> Dossier:
    try:
        body: Any = response.json()
    except ValueError as exc:
        raise ExternalServiceError("dossier source sent malformed JSON", code=FAILED) from exc
    if not isinstance(body, dict):
        raise ExternalServiceError("dossier source sent no JSON object", code=FAILED)
    try:
        dossier = dossier_from_record(body)
    except InvalidInput as exc:
        raise ExternalServiceError(
            f"dossier source sent an unreadable dossier: {exc}", code=FAILED
        ) from exc
    if dossier.code != canonical_dossier_code(code):
        raise ExternalServiceError(
            f"dossier source answered {dossier.code} when asked for {code}", code=FAILED
        )
    return dossier
