"""The Zalo Official Account channel: ``POST /webhooks/zalo`` on the dialogue core, and the
sender of notifications to Zalo users.

Zalo signs each event: ``X-ZEvent-Signature`` is the hex SHA-256 of ``app_id + raw body +
timestamp + OA secret key`` (the event's own ``timestamp`` field; the OA's secret, not the
app's), and a webhook must answer 200 within 2 seconds or Zalo resends for 12 hours, then
disables it (hainh.me/zalo-api-php-webhook-callback-official-account.html, summarising the
developers.zalo.me webhook guide). Hence:

- a forged or unsigned request gets 401 (Zalo never sends one, so no retry is caused);
- a *signed* event too old (or too far ahead) gets 200 and is ignored: a replay or a late
  redelivery, which a non-200 would only make Zalo resend, staler each time;
- a genuine event is stored (``DialogueHandler.accept``), then gets 200; the dialogue runs
  after the response, in a worker thread. When it cannot be stored the answer is 503 (500 for
  a bug of ours) and Zalo delivers it again; a crash after the 200 is made good by
  ``DialogueEngine.recover`` at the next start.

Zalo texts have no buttons: they become numbered lines (the engine reads "2"). A chart (an
official's statistics answer) is uploaded and sent as an image, the text as its caption; when
Zalo will not take the image, the text goes alone. Outside the customer-service window
(``zalo_window_days`` after the user last wrote) ``ZaloSender`` raises ``MessagingWindowClosed``:
the notification is held until the user writes again.

    >>> channel = ZaloChannel(engine, api, chat_store, app_id="4311", oa_secret_key="…",
    ...                       on_user_active=notifications.release_held)
    >>> create_app(..., routers=[channel.router])
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bots.channels.zalo_api import MAX_TEXT, ZaloApi
from bots.core.messages_vi import say
from core.chat import ChatChannel, Incoming, IncomingKind, Location, Photo, Reply
from core.chat_ports import ChatStore, DialogueHandler, MessagingWindowClosed
from core.errors import ExternalServiceError, InvalidInput
from core.types import LOCAL_TZ

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_CLOCK_SKEW = timedelta(seconds=60)
EVENTS: dict[str, IncomingKind] = {
    "user_send_text": IncomingKind.TEXT,
    "user_send_image": IncomingKind.PHOTO,
    "user_send_location": IncomingKind.LOCATION,
    "follow": IncomingKind.FOLLOW,
    "unfollow": IncomingKind.UNFOLLOW,
}


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The hex digest Zalo puts in ``X-ZEvent-Signature`` for this body."""
    signed = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(signed).hexdigest()


def event_time(payload: dict[str, Any]) -> datetime | None:
    """When Zalo says the event happened (milliseconds since the epoch, as a string)."""
    try:
        value = float(str(payload.get("timestamp", "")))
    except ValueError:
        return None
    seconds = value / 1000 if value > 1e11 else value
    try:
        return datetime.fromtimestamp(seconds, LOCAL_TZ)
    except (OverflowError, OSError, ValueError):
        return None


def parse_event(payload: dict[str, Any], app_id: str) -> Incoming | None:
    """The event as the dialogue core's ``Incoming``; None for events the bot does not use."""
    name = str(payload.get("event_name", ""))
    kind, at, user_id = EVENTS.get(name), event_time(payload), _user_id(payload)
    if kind is None or at is None or not user_id:
        return None
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    text = str(message.get("text") or "").strip()
    update_id = str(message.get("msg_id") or "") or _stable_id(app_id, name, payload, user_id)
    common: dict[str, Any] = {"channel": ChatChannel.ZALO, "user_id": user_id,
                              "update_id": update_id, "received_at": at}  # fmt: skip
    if kind is IncomingKind.TEXT:
        kind = IncomingKind.COMMAND if text.startswith("/") else kind
        return Incoming(kind=kind, text=text, **common) if text else None
    if kind is IncomingKind.PHOTO:
        url = str(_attachment(message).get("url") or "")
        photo = Photo(platform_file_id=update_id, url=url, caption=text)
        return Incoming(kind=kind, text=text, photo=photo, **common) if url else None
    if kind is IncomingKind.LOCATION:
        location = _location(_attachment(message).get("coordinates"))
        return Incoming(kind=kind, location=location, **common) if location else None
    return Incoming(kind=kind, **common)


class ZaloChannel:
    """The Zalo OA adapter; ``router`` carries ``POST /webhooks/zalo``.

    ``on_user_active(channel, user_id)`` is called when a user writes or follows (the window
    opens again): ``NotificationService.release_held`` there sends what was held.

    >>> channel = ZaloChannel(engine, api, store, app_id="4311", oa_secret_key="s3cr3t")
    >>> app.include_router(channel.router)
    """

    def __init__(
        self,
        handler: DialogueHandler,
        api: ZaloApi,
        chat_store: ChatStore,
        *,
        app_id: str,
        oa_secret_key: str,
        max_event_age: timedelta = timedelta(seconds=300),
        on_user_active: Callable[[ChatChannel, str], object] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._handler, self._api, self._store = handler, api, chat_store
        self._app_id, self._secret = app_id, oa_secret_key
        self._max_age = max_event_age
        self._on_user_active = on_user_active
        self._clock = clock
        self._in_flight: set[str] = set()
        self._lock = threading.Lock()
        self.router = APIRouter(tags=["chat"])
        self.router.add_api_route(
            "/webhooks/zalo", self.webhook, methods=["POST"], include_in_schema=False
        )

    async def webhook(self, request: Request, background: BackgroundTasks) -> JSONResponse:
        """Check, store, acknowledge, and answer after the response (Zalo waits 2 s)."""
        raw = await request.body()
        payload = _json(raw)
        if payload is None:
            return _answer(400, "malformed")
        if not self._authentic(raw, payload, request.headers.get(SIGNATURE_HEADER, "")):
            log.warning("chat.zalo_forged bytes=%d", len(raw))
            return _answer(401, "forged")
        reason = self._refusal(payload)
        incoming = None if reason else parse_event(payload, self._app_id)
        if incoming is None:
            log.info("chat.zalo_ignored event=%s reason=%s", payload.get("event_name"),
                     reason or "unsupported")  # fmt: skip
            return _answer(200, "ignored")
        try:  # stored before the 200: from then on Zalo will not deliver it again
            fresh = await run_in_threadpool(self._handler.accept, incoming)
        except Exception as exc:
            log.exception("chat.zalo_not_stored update=%s", incoming.update_id)
            return _answer(503 if isinstance(exc, ExternalServiceError) else 500, "not_stored")
        if not fresh:
            return _answer(200, "repeated")
        background.add_task(self.process, incoming)
        return _answer(200, "accepted")

    def _authentic(self, raw: bytes, payload: dict[str, Any], header: str) -> bool:
        given = header.strip().removeprefix("mac=").lower()
        timestamp = str(payload.get("timestamp", ""))
        expected = signature(self._app_id, raw, timestamp, self._secret)
        return bool(given) and hmac.compare_digest(given.encode(), expected.encode())

    def _refusal(self, payload: dict[str, Any]) -> str:
        """Why a signed event is not answered ("" when it is)."""
        if str(payload.get("app_id", self._app_id)) != self._app_id:
            return "other_app"
        at = event_time(payload)
        if at is None:
            return "no_timestamp"
        age = self._clock() - at
        if age > self._max_age or age < -MAX_CLOCK_SKEW:
            return "stale"
        return ""

    def process(self, incoming: Incoming) -> None:
        """Answer one event and send the replies (runs in a worker thread, after the 200)."""
        with self._lock:
            if incoming.update_id in self._in_flight:
                log.info("chat.zalo_in_flight update=%s", incoming.update_id)
                return
            self._in_flight.add(incoming.update_id)
        try:
            self._process(incoming)
        except Exception:
            log.exception("chat.zalo_failed update=%s", incoming.update_id)
        finally:
            with self._lock:
                self._in_flight.discard(incoming.update_id)

    def _process(self, incoming: Incoming) -> None:
        if incoming.kind is not IncomingKind.UNFOLLOW:
            self._user_active(incoming.user_id)
        try:
            replies = self._handler.handle(incoming)
        except Exception:
            log.exception("chat.zalo_dialogue_failed update=%s", incoming.update_id)
            replies = [Reply(say("error.generic"))]
        self._send(incoming.user_id, replies)

    def _user_active(self, user_id: str) -> None:
        try:
            if self._on_user_active is not None:
                self._on_user_active(ChatChannel.ZALO, user_id)
        except Exception:  # the answer matters more than the held notifications
            log.exception("chat.zalo_release_failed")

    def _send(self, user_id: str, replies: list[Reply]) -> None:
        """Send the replies in order; what fails goes to the outbox (as text), retried by the
        worker."""
        outgoing = [r for r in replies if r.image_png is not None or r.as_plain_text().strip()]
        for done, reply in enumerate(outgoing):
            try:
                send_reply(self._api, user_id, reply)
            except (ExternalServiceError, MessagingWindowClosed) as exc:
                rest = [t for t in (r.as_plain_text().strip() for r in outgoing[done:]) if t]
                log.warning("chat.zalo_reply_queued code=%s left=%d", exc.code, len(rest))
                for text in rest:
                    self._store.enqueue(ChatChannel.ZALO, user_id, text, None)
                return
        charts = sum(r.image_png is not None for r in outgoing)
        log.info("chat.zalo_answered replies=%d charts=%d", len(outgoing), charts)


class ZaloSender:
    """``ChannelSender`` for Zalo: notifications, only inside the customer-service window.

    >>> sender = ZaloSender(api, chat_store, window=timedelta(days=7))
    >>> sender.send("8413027765", [Reply("Dạ, phản ánh PA-2026-000123 đã được xử lý xong.")])
    """

    def __init__(
        self,
        api: ZaloApi,
        chat_store: ChatStore,
        window: timedelta = timedelta(days=7),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.channel = ChatChannel.ZALO
        self._api, self._store = api, chat_store
        self._window, self._clock = window, clock

    def send(self, user_id: str, replies: list[Reply]) -> None:
        """Send, or raise ``MessagingWindowClosed`` without calling Zalo when it is closed."""
        seen = self._store.last_seen(ChatChannel.ZALO, user_id)
        if seen is None or self._clock() - seen > self._window:
            raise MessagingWindowClosed(
                f"the Zalo user last wrote {seen.isoformat() if seen else 'never'}; "
                f"the OA may write only within {self._window.days} days of that"
            )
        for reply in replies:
            send_reply(self._api, user_id, reply)


def send_reply(api: ZaloApi, user_id: str, reply: Reply) -> None:
    """One reply: its chart as an uploaded image with the text as caption (when the text fits
    one message), else the text on its own.

    A chart Zalo will not take (upload refused, image too large, image message refused) costs
    the official the picture, not the answer: it is logged and the text sent alone. A closed
    window, or a text Zalo refuses, is raised.
    """
    text = reply.as_plain_text().strip()
    if reply.image_png is not None:
        caption = text if len(text) <= MAX_TEXT else ""
        if _send_chart(api, user_id, reply.image_png, caption) and caption:
            return
    if text:
        api.send_text(user_id, text)


def _send_chart(api: ZaloApi, user_id: str, png: bytes, caption: str) -> bool:
    """True when Zalo took the image message; False (logged) when the chart was dropped."""
    try:
        api.send_image(user_id, api.upload_image(png), caption)
    except (ExternalServiceError, InvalidInput) as exc:
        log.warning("chat.zalo_chart_dropped code=%s bytes=%d", exc.code, len(png))
        return False
    return True


def _json(raw: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _answer(status: int, outcome: str) -> JSONResponse:
    return JSONResponse({"status": outcome}, status_code=status)


def _user_id(payload: dict[str, Any]) -> str:
    """The user: the sender of a message, the follower of a (un)follow event."""
    for key in ("sender", "follower"):
        who = payload.get(key)
        if isinstance(who, dict) and who.get("id"):
            return str(who["id"])
    return ""


def _stable_id(app_id: str, event: str, payload: dict[str, Any], user_id: str) -> str:
    """An id for events without ``msg_id`` (follow): the same for a redelivery of the event."""
    key = f"{app_id}|{event}|{payload.get('timestamp', '')}|{user_id}"
    return f"{event}-{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def _attachment(message: dict[str, Any]) -> dict[str, Any]:
    attachments = message.get("attachments")
    if isinstance(attachments, list) and attachments and isinstance(attachments[0], dict):
        payload = attachments[0].get("payload")
        return payload if isinstance(payload, dict) else {}
    return {}


def _location(coordinates: Any) -> Location | None:
    """Coordinates as Zalo sends them (``latitude``/``longitude`` strings; ``lat``/``long``)."""
    if not isinstance(coordinates, dict):
        return None
    try:
        lat = float(coordinates.get("latitude", coordinates.get("lat")))
        lon = float(coordinates.get("longitude", coordinates.get("long")))
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Location(latitude=lat, longitude=lon)
