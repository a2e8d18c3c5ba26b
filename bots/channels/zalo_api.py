"""The Zalo Official Account HTTP API: customer-service messages and the rotating OA tokens.

Sources (checked 2026-12):
- send: ``POST {api}/v3.0/oa/message/cs``, header ``access_token``, JSON ``{"recipient":
  {"user_id": …}, "message": {"text": …}}``; the answer is ``{"error": 0, …}`` or a negative
  code: -216 (access token invalid; -124 is treated alike, as other clients do, unverified),
  -213 / -230 (the user has not interacted with the OA recently: the "customer service"
  window is closed; github.com/khoicodedao/Poto_platform docs/FIX_ERROR_230.md).
- images: ``POST {api}/v2.0/oa/upload/image``, multipart field ``file`` (JPEG/PNG up to 1 MB),
  header ``access_token``, answers ``{"error": 0, "data": {"attachment_id": …}}``; the cs message
  then carries ``attachment: {"type": "template", "payload": {"template_type": "media",
  "elements": [{"media_type": "image", "attachment_id": …}]}}`` and may carry a ``text`` beside
  it, shown with the image (github.com/chatwoot/chatwoot app/services/zalo_oa/message_sender.rb).
- refresh: ``POST {oauth}/v4/oa/access_token``, form ``app_id``, ``grant_type=refresh_token``,
  ``refresh_token``, header ``secret_key`` (the *app* secret); answers ``access_token``,
  ``refresh_token`` and ``expires_in`` (seconds, a string; 25 h today). A refresh token works
  once and lasts 3 months (hexasync.vn, "Zalo OA API: Hướng dẫn cách lấy Access Token từ
  Refresh token"; the same call in github.com/chatwoot/chatwoot
  app/services/zalo_oa/client.rb).

    >>> tokens = ZaloTokens(SqlZaloTokenStore(db), ZaloCredentials("4311", "app-secret", "rt"))
    >>> api = ZaloApi(tokens)
    >>> api.send_text("8413027765", "Dạ, phản ánh PA-2026-000123 đã được xử lý xong.")
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from core.attachments import IMAGE_TYPES, FetchedPhoto, accept_image
from core.chat import Photo
from core.chat_ports import MessagingWindowClosed
from core.errors import ExternalServiceError, InvalidInput

log = logging.getLogger(__name__)

TOKEN_INVALID = frozenset({-216, -124})
WINDOW_CLOSED = frozenset({-213, -230})
MAX_TEXT = 2000  # Zalo refuses longer cs text messages
MAX_IMAGE_BYTES = 1_000_000  # Zalo takes JPEG/PNG images up to 1 MB
_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class TokenState(Protocol):
    """A stored token row (``stores.sql.zalo_token_store.StoredToken`` is one)."""

    @property
    def access_token(self) -> str: ...
    @property
    def refresh_token(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...
    @property
    def version(self) -> int: ...


class TokenStore(Protocol):
    """Where the rotating tokens live (``stores.sql.zalo_token_store.SqlZaloTokenStore``)."""

    def load(self, app_id: str) -> TokenState | None: ...
    def seed(self, app_id: str, refresh_token: str, now: datetime) -> None: ...
    def claim(self, app_id: str, version: int, lease_until: datetime, now: datetime) -> bool: ...
    def rotate(
        self, app_id: str, access_token: str, refresh_token: str, expires_at: datetime,
        now: datetime,
    ) -> None: ...  # fmt: skip
    def release(self, app_id: str, version: int) -> None: ...


@dataclass(frozen=True, slots=True)
class ZaloCredentials:
    """``app_secret_key`` signs token refreshes; the OA secret (webhooks) is the channel's."""

    app_id: str
    app_secret_key: str
    initial_refresh_token: str
    api_base: str = "https://openapi.zalo.me"
    oauth_base: str = "https://oauth.zaloapp.com"


class ZaloTokens:
    """The current access token, refreshed by one caller at a time, in and across processes.

    In-process callers queue on a lock; other processes are kept out by the store's claim
    (a compare-and-set with a lease) and wait for the row to change.

    >>> tokens = ZaloTokens(store, credentials)
    >>> tokens.access_token()                      # refreshed first when it expires soon
    'Kj…'
    >>> tokens.access_token(rejected="Kj…")        # Zalo said -216: refresh unless done already
    """

    def __init__(
        self,
        store: TokenStore,
        credentials: ZaloCredentials,
        client: httpx.Client | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        margin: timedelta = timedelta(minutes=5),
        lease: timedelta = timedelta(seconds=30),
        poll_seconds: float = 0.05,
    ) -> None:
        self._store = store
        self.credentials = self._cred = credentials
        self._client = client or httpx.Client(timeout=_TIMEOUT)
        self._clock = clock
        self._margin = margin
        self._lease = lease
        self._poll = poll_seconds
        self._lock = threading.Lock()

    def access_token(self, rejected: str | None = None) -> str:
        """A usable access token; ``rejected`` is one Zalo just refused (never returned)."""
        with self._lock:
            deadline = time.monotonic() + self._lease.total_seconds() + 5.0
            while True:
                row = self._current()
                if self._usable(row, rejected):
                    return row.access_token
                now = self._clock()
                if self._store.claim(self._cred.app_id, row.version, now + self._lease, now):
                    return self._refresh(row.refresh_token, row.version + 1)
                if time.monotonic() > deadline:
                    raise ExternalServiceError(
                        "another process holds the Zalo token refresh for too long",
                        code="zalo.token_busy",
                    )
                time.sleep(self._poll)

    def close(self) -> None:
        self._client.close()

    def _current(self) -> TokenState:
        row = self._store.load(self._cred.app_id)
        if row is None:
            self._store.seed(self._cred.app_id, self._cred.initial_refresh_token, self._clock())
            row = self._store.load(self._cred.app_id)
        assert row is not None
        return row

    def _usable(self, row: TokenState, rejected: str | None) -> bool:
        fresh = row.expires_at - self._margin > self._clock()
        return bool(row.access_token) and row.access_token != rejected and fresh

    def _refresh(self, refresh_token: str, claimed: int) -> str:
        try:
            answer = self._post_refresh(refresh_token)
        except ExternalServiceError:
            self._store.release(self._cred.app_id, claimed)
            raise
        now = self._clock()
        expires_at = now + timedelta(seconds=int(answer.get("expires_in") or 3600))
        self._store.rotate(
            self._cred.app_id, answer["access_token"], answer["refresh_token"], expires_at, now
        )
        log.info("zalo.token_refreshed app=%s expires_in=%s", self._cred.app_id,
                 answer.get("expires_in"))  # fmt: skip
        return str(answer["access_token"])

    def _post_refresh(self, refresh_token: str) -> dict[str, Any]:
        url = f"{self._cred.oauth_base.rstrip('/')}/v4/oa/access_token"
        form = {"app_id": self._cred.app_id, "grant_type": "refresh_token",
                "refresh_token": refresh_token}  # fmt: skip
        try:
            response = self._client.post(
                url, data=form, headers={"secret_key": self._cred.app_secret_key}
            )
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ExternalServiceError(
                f"Zalo token refresh failed: {exc}", code="zalo.token_refresh_failed"
            ) from exc
        if (
            not isinstance(answer, dict)
            or not answer.get("access_token")
            or not answer.get("refresh_token")
        ):
            raise ExternalServiceError(
                f"Zalo refused the token refresh: HTTP {response.status_code} {_why(answer)}",
                code="zalo.token_refresh_failed",
            )
        return answer


class ZaloApi:
    """Sends OA "customer service" messages (texts, uploaded images); vendor errors become ours.

    Raises ``MessagingWindowClosed`` when Zalo says the user is outside the window and
    ``ExternalServiceError`` (``zalo.send_failed``, ``zalo.upload_failed``) for any other
    failure. An access token Zalo refuses is refreshed and the call made once more.

    >>> api = ZaloApi(tokens)
    >>> api.send_text("8413027765", "Dạ, em chào anh/chị!")
    >>> api.send_image("8413027765", api.upload_image(chart_png), "Số phản ánh tuần này: 3")
    """

    def __init__(self, tokens: ZaloTokens, client: httpx.Client | None = None) -> None:
        self._tokens = tokens
        self._client = client or httpx.Client(timeout=_TIMEOUT)
        base = tokens.credentials.api_base.rstrip("/")
        self._url = f"{base}/v3.0/oa/message/cs"
        self._upload_url = f"{base}/v2.0/oa/upload/image"

    def send_text(self, user_id: str, text: str) -> None:
        """Send ``text`` (split into pieces Zalo accepts) to one user."""
        for piece in split_text(text):
            self._send_message(user_id, {"text": piece})
            log.info("zalo.message_sent chars=%d", len(piece))

    def upload_image(self, png: bytes, filename: str = "chart.png") -> str:
        """Upload a PNG to Zalo; the ``attachment_id`` an image message refers to.

        Refused here (``InvalidInput``, ``zalo.image_too_large``) when over Zalo's 1 MB.
        """
        if len(png) > MAX_IMAGE_BYTES:
            raise InvalidInput(f"the image is {len(png)} bytes, over Zalo's {MAX_IMAGE_BYTES}",
                               code="zalo.image_too_large")  # fmt: skip
        files = {"file": (filename, png, "image/png")}
        error, answer = self._call(self._upload_url, "zalo.upload_failed", files=files)
        data = answer.get("data") if isinstance(answer, dict) else None
        attachment_id = str(data.get("attachment_id") or "") if isinstance(data, dict) else ""
        if error != 0 or not attachment_id:
            raise ExternalServiceError(f"Zalo image upload failed: {_why(answer)}",
                                       code="zalo.upload_failed")  # fmt: skip
        log.info("zalo.image_uploaded bytes=%d", len(png))
        return attachment_id

    def send_image(self, user_id: str, attachment_id: str, caption: str = "") -> None:
        """One message showing an uploaded image, ``caption`` (at most ``MAX_TEXT``) as its text."""
        if len(caption) > MAX_TEXT:
            raise InvalidInput(f"a caption of {len(caption)} characters, over {MAX_TEXT}",
                               code="zalo.caption_too_long")  # fmt: skip
        element = {"media_type": "image", "attachment_id": attachment_id}
        payload = {"template_type": "media", "elements": [element]}
        message: dict[str, Any] = {"attachment": {"type": "template", "payload": payload}}
        if caption:
            message["text"] = caption
        self._send_message(user_id, message)
        log.info("zalo.image_sent caption_chars=%d", len(caption))

    def _send_message(self, user_id: str, message: dict[str, Any]) -> None:
        body = {"recipient": {"user_id": user_id}, "message": message}
        error, answer = self._call(self._url, "zalo.send_failed", json=body)
        if error == 0:
            return
        if error in WINDOW_CLOSED:
            raise MessagingWindowClosed(f"Zalo refused: {_why(answer)}")
        raise ExternalServiceError(f"Zalo send failed: {_why(answer)}", code="zalo.send_failed")

    def _call(self, url: str, code: str, **request: Any) -> tuple[int, Any]:
        """One POST; a token Zalo rejects is refreshed and the POST made once more."""
        token = self._tokens.access_token()
        error, answer = self._post(url, token, code, request)
        if error in TOKEN_INVALID:
            log.info("zalo.token_rejected error=%s", error)
            token = self._tokens.access_token(rejected=token)
            error, answer = self._post(url, token, code, request)
        return error, answer

    def _post(self, url: str, token: str, code: str, request: dict[str, Any]) -> tuple[int, Any]:
        """The Zalo error code of one POST (HTTP 401 counts as an invalid token)."""
        try:
            response = self._client.post(url, headers={"access_token": token}, **request)
        except httpx.HTTPError as exc:
            raise ExternalServiceError(f"Zalo call failed: {exc}", code=code) from exc
        if response.status_code == 401:
            return -216, {"message": "HTTP 401"}
        try:
            answer = response.json()
            return int(answer["error"]), answer
        except (ValueError, KeyError, TypeError):
            return -1, {"message": f"HTTP {response.status_code} {response.text[:200]}"}

    def close(self) -> None:
        self._client.close()
        self._tokens.close()


class ZaloPhotoFetcher:
    """Downloads a photo a Zalo user sent, from the CDN URL in the webhook event: the
    ``PhotoFetcher`` port.

    Only http(s) URLs; the answer must say it is a JPEG, PNG, WebP or GIF and its bytes must
    start like one; the body is read in chunks and refused as soon as it passes ``max_bytes``
    (a lying or missing Content-Length changes nothing).

    >>> photo = Photo("msg-9", url="https://photo-stal.zadn.vn/a.jpg")
    >>> ZaloPhotoFetcher().fetch(photo, MAX_PHOTO_BYTES).content_type
    'image/jpeg'
    """

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(timeout=_TIMEOUT, follow_redirects=True,
                                              max_redirects=3)  # fmt: skip

    def fetch(self, photo: Photo, max_bytes: int) -> FetchedPhoto:
        url = urlsplit(photo.url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise InvalidInput(f"not an http(s) photo URL: {photo.url[:100]!r}",
                               code="attachment.url_invalid")  # fmt: skip
        try:
            with self._client.stream("GET", photo.url) as response:
                declared = _image_response(response, max_bytes)
                data = _read_at_most(response, max_bytes)
        except httpx.HTTPError as exc:
            raise ExternalServiceError(f"Zalo photo download failed: {exc}",
                                       code="zalo.photo_fetch_failed") from exc  # fmt: skip
        fetched = accept_image(data, max_bytes, declared)
        log.info("zalo.photo_fetched type=%s bytes=%d", fetched.content_type, len(data))
        return fetched

    def close(self) -> None:
        self._client.close()


def _image_response(response: httpx.Response, max_bytes: int) -> str:
    """The declared image type of a good answer; refuses any other answer before its body."""
    if response.status_code != 200:
        raise ExternalServiceError(f"Zalo photo download: HTTP {response.status_code}",
                                   code="zalo.photo_fetch_failed")  # fmt: skip
    declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if declared not in IMAGE_TYPES:
        raise InvalidInput(f"the photo URL answered {declared or 'no type'!r}",
                           code="attachment.not_an_image")  # fmt: skip
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise InvalidInput(f"the photo is {length} bytes, over {max_bytes}",
                           code="attachment.too_large")  # fmt: skip
    return declared


def _read_at_most(response: httpx.Response, max_bytes: int) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise InvalidInput(f"the photo is over {max_bytes} bytes", code="attachment.too_large")
    return bytes(body)


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at line ends, then spaces, when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def _why(answer: Any) -> str:
    if isinstance(answer, dict):
        code = answer.get("error", "?")
        text = answer.get("message") or answer.get("error_description") or answer.get("error_name")
        return f"error {code}: {text}"
    return repr(answer)[:200]
