"""A fake Zalo over real HTTP: the OA message API, the image upload and the OAuth refresh
endpoint, recording every call, plus webhook events signed the way Zalo signs them.

It behaves like the real one where our code depends on it: a refresh token works once and is
replaced by a new one, an access token stops working when a newer one is issued, a user
outside the customer-service window gets error -230, an image message must name an
``attachment_id`` this fake handed out.

    >>> with FakeZalo().running() as zalo:
    ...     api = ZaloApi(ZaloTokens(store, zalo.credentials()))
    ...     api.send_text("u-1", "Dạ")
    ...     zalo.messages
    [SentMessage(access_token='at-1', user_id='u-1', text='Dạ')]
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from starlette.datastructures import UploadFile

from bots.channels.zalo import signature
from bots.channels.zalo_api import ZaloCredentials
from tests.http_servers import serve

APP_ID = "1839204716253"
APP_SECRET = "app-secret-ThuDuc"
OA_SECRET = "oa-secret-ThuDuc"
OA_ID = "579745863508352884"


@dataclass(frozen=True)
class SentMessage:
    """A message Zalo accepted; ``attachment_id`` is set for an image (``text``: its caption)."""

    access_token: str
    user_id: str
    text: str
    attachment_id: str | None = None


@dataclass(frozen=True)
class Upload:
    """An image Zalo accepted: what arrived in the multipart field ``file``."""

    access_token: str
    attachment_id: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RefreshCall:
    app_id: str
    secret_key: str
    grant_type: str
    refresh_token: str


class FakeZalo:
    """The Zalo endpoints our code calls; ``reset`` between tests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.url = ""
        self.app = self._build()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.issued = 0
            self.access_token = "at-0"
            self.refresh_token = "rt-0"
            self.messages: list[SentMessage] = []
            self.send_calls = 0
            self.refreshes: list[RefreshCall] = []
            self.closed_window: set[str] = set()
            self.failing_sends = 0
            self.uploads: list[Upload] = []
            self.upload_calls = 0
            self.failing_uploads = 0
            self.refresh_delay = 0.0

    def credentials(self, initial_refresh_token: str = "rt-0") -> ZaloCredentials:
        return ZaloCredentials(APP_ID, APP_SECRET, initial_refresh_token, self.url, self.url)

    def revoke_access_token(self) -> None:
        """Zalo no longer accepts the current access token (revoked, or expired early)."""
        with self._lock:
            self.access_token = "at-revoked"

    def fail_next_sends(self, count: int) -> None:
        with self._lock:
            self.failing_sends = count

    def fail_next_uploads(self, count: int) -> None:
        with self._lock:
            self.failing_uploads = count

    def texts_to(self, user_id: str) -> list[str]:
        """Every text the user got: messages and image captions, in order."""
        return [m.text for m in self.messages if m.user_id == user_id and m.text]

    def images_to(self, user_id: str) -> list[SentMessage]:
        return [m for m in self.messages if m.user_id == user_id and m.attachment_id]

    @contextmanager
    def running(self) -> Iterator[FakeZalo]:
        with serve(self.app) as url:
            self.url = url
            yield self

    def _build(self) -> FastAPI:
        app = FastAPI()
        app.add_api_route("/v3.0/oa/message/cs", self._send, methods=["POST"])
        app.add_api_route("/v2.0/oa/upload/image", self._upload, methods=["POST"])
        app.add_api_route("/v4/oa/access_token", self._refresh, methods=["POST"])
        return app

    async def _send(self, request: Request) -> dict[str, Any]:
        body = await request.json()
        token = request.headers.get("access_token", "")
        user_id, message = body["recipient"]["user_id"], body["message"]
        text, attachment_id = message.get("text", ""), _attachment_id(message)
        with self._lock:
            self.send_calls += 1
            if self.failing_sends > 0:
                self.failing_sends -= 1
                return {"error": -32, "message": "The request exceeded the rate limit"}
            if token != self.access_token:
                return {"error": -216, "message": "Access token is invalid"}
            if user_id in self.closed_window:
                return {"error": -230, "message": "User has not interacted with the OA in the "
                        "past 7 days"}  # fmt: skip
            if attachment_id is not None and attachment_id not in self._uploaded():
                return {"error": -201, "message": "attachment_id is invalid"}
            self.messages.append(SentMessage(token, user_id, text, attachment_id))
            data = {"message_id": f"m-{len(self.messages)}", "user_id": user_id}
            return {"error": 0, "message": "Success", "data": data}

    def _uploaded(self) -> set[str]:
        return {u.attachment_id for u in self.uploads}

    async def _upload(self, request: Request) -> dict[str, Any]:
        token = request.headers.get("access_token", "")
        async with request.form() as form:  # closes the spooled file it keeps the upload in
            file = form.get("file")
            if not isinstance(file, UploadFile):
                return {"error": -201, "message": "file is missing"}
            data, name, content_type = await file.read(), file.filename, file.content_type
        with self._lock:
            self.upload_calls += 1
            if self.failing_uploads > 0:
                self.failing_uploads -= 1
                return {"error": -210, "message": "Upload image failed"}
            if token != self.access_token:
                return {"error": -216, "message": "Access token is invalid"}
            attachment_id = f"att-{len(self.uploads) + 1}"
            self.uploads.append(Upload(token, attachment_id, name or "", content_type or "",
                                       data))  # fmt: skip
            return {"error": 0, "message": "Success", "data": {"attachment_id": attachment_id}}

    async def _refresh(self, request: Request) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        app_id, grant_type = form.get("app_id", ""), form.get("grant_type", "")
        refresh_token = form.get("refresh_token", "")
        secret_key = request.headers.get("secret_key", "")
        await asyncio.sleep(self.refresh_delay)
        with self._lock:
            self.refreshes.append(RefreshCall(app_id, secret_key, grant_type, refresh_token))
            if secret_key != APP_SECRET or app_id != APP_ID:
                return {"error": -14002, "error_name": "Invalid app secret"}
            if grant_type != "refresh_token" or refresh_token != self.refresh_token:
                return {"error": -14014, "error_name": "Invalid refresh token"}
            self.issued += 1
            self.access_token = f"at-{self.issued}"
            self.refresh_token = f"rt-{self.issued}"
            return {"access_token": self.access_token, "refresh_token": self.refresh_token,
                    "expires_in": "90000"}  # fmt: skip


def _attachment_id(message: dict[str, Any]) -> str | None:
    """The image of a media-template message; raises (HTTP 500) on any other shape."""
    attachment = message.get("attachment")
    if attachment is None:
        return None
    assert attachment["type"] == "template"
    payload = attachment["payload"]
    assert payload["template_type"] == "media"
    (element,) = payload["elements"]
    assert element["media_type"] == "image"
    return str(element["attachment_id"])


def event(
    name: str,
    user_id: str,
    *,
    at_ms: int,
    msg_id: str | None = None,
    text: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """A webhook event shaped like Zalo's (ids and the timestamp are strings)."""
    payload: dict[str, Any] = {"app_id": app_id, "event_name": name, "timestamp": str(at_ms),
                               "user_id_by_app": f"app-{user_id}"}  # fmt: skip
    if name in ("follow", "unfollow"):
        payload.update(oa_id=OA_ID, follower={"id": user_id}, source="oa_profile")
        return payload
    message: dict[str, Any] = {"msg_id": msg_id or f"msg-{user_id}-{at_ms}"}
    if text is not None:
        message["text"] = text
    if attachments is not None:
        message["attachments"] = attachments
    payload.update(sender={"id": user_id}, recipient={"id": OA_ID}, message=message)
    return payload


def signed(
    payload: dict[str, Any], secret: str = OA_SECRET, app_id: str = APP_ID
) -> tuple[bytes, dict[str, str]]:
    """The body and headers Zalo would post (the signature covers these exact bytes)."""
    raw = json.dumps(payload, ensure_ascii=False).encode()
    mac = signature(app_id, raw, str(payload["timestamp"]), secret)
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}
