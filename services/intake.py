"""Intake of feedback from every channel: validate, store, hand to annotation, answer.

>>> service = FeedbackService(store, worker, sender_secret="...", wait_seconds=1.0)
>>> result = service.submit(Submission(text="Đường Võ Văn Ngân ngập sâu", channel="api",
...                                    channel_message_id="m-1"))
>>> result.created, result.feedback.status
(True, <FeedbackStatus.ROUTED: 'routed'>)
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import InvalidInput, NotFound
from core.ports import AnnotationQueue, FeedbackStore
from core.types import (
    LOCAL_TZ,
    Contact,
    DuplicateCandidate,
    Feedback,
    FeedbackIn,
    FeedbackQuery,
    FeedbackStatus,
    Page,
    StoreResult,
)
from services import validation

log = logging.getLogger(__name__)

_REFERENCE = re.compile(r"^PA-\d{4}-\d{6,}$", re.I)

#: Called after a stored status change: (feedback as changed, old status, new status, reason).
StatusHook = Callable[[Feedback, FeedbackStatus, FeedbackStatus, str | None], object]


@dataclass(frozen=True, slots=True)
class Submission:
    """A feedback as a channel hands it over, not yet validated."""

    text: str
    channel: str
    channel_message_id: str | None = None
    sender: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    received_at: datetime | None = None
    # Kept beside the text, never shown as it (Open311: requested service, media URL).
    extra: dict[str, Any] | None = None


class FeedbackService:
    """Use cases on feedback: submit, look up, list, change status."""

    def __init__(
        self,
        store: FeedbackStore,
        queue: AnnotationQueue,
        sender_secret: str,
        wait_seconds: float = 1.0,
        redact: Callable[[str], str] | None = None,
        max_backlog: int = 2,
        on_status_change: StatusHook | None = None,
    ) -> None:
        """``redact`` is a fast rule-based redaction applied before storing, so that no view ever
        has to show raw text while annotation (which refines it) is pending or failed.

        ``on_status_change(feedback, old, new, reason)`` runs after a status change is stored
        (``NotificationService.feedback_status_changed`` tells the citizen); its failure is
        logged, never undoes nor fails the change."""
        self._store = store
        self._queue = queue
        self._secret = sender_secret.encode("utf-8")
        self._wait = wait_seconds
        self._redact = redact
        self._max_backlog = max_backlog
        self._on_status_change = on_status_change

    def validate(self, sub: Submission) -> FeedbackIn:
        """Turn a submission into a storable item, or raise ``InvalidInput``."""
        channel = validation.parse_channel(sub.channel)
        text = validation.clean_text(sub.text)
        lat, lon = validation.coordinates(sub.latitude, sub.longitude)
        received = sub.received_at or datetime.now(LOCAL_TZ)
        if received.tzinfo is None:
            received = received.replace(tzinfo=LOCAL_TZ)
        contact = Contact(
            name=validation.optional_text(sub.contact_name, "contact_name", 200),
            phone=validation.optional_text(sub.contact_phone, "contact_phone", 40),
            email=validation.optional_text(sub.contact_email, "contact_email", 200),
        )
        return FeedbackIn(
            text=text,
            channel=channel,
            channel_message_id=validation.message_id(sub.channel_message_id)
            or f"auto-{uuid.uuid4().hex}",
            received_at=received,
            sender_id=self.pseudonym(channel.value, sub.sender) if sub.sender else None,
            contact=None if contact.is_empty() else contact,
            location_text=validation.optional_text(sub.location_text, "location_text", 500),
            latitude=lat,
            longitude=lon,
            redacted_text=self._redact(text) if self._redact else None,
            extra=dict(sub.extra or {}),
        )

    def submit(self, sub: Submission, wait: bool = True) -> StoreResult:
        """Store (or find the earlier delivery), queue annotation, wait briefly for it."""
        result = self._store.add(self.validate(sub))
        fb = result.feedback
        log.debug("feedback.stored ref=%s created=%s", fb.reference, result.created)
        if result.created:
            backlog = self._queue.backlog()
            self._queue.submit(fb.id)
            # Under load, answer at once: the feedback is stored and will be annotated soon;
            # waiting behind a queue would only add latency to every caller.
            calm = wait and self._wait > 0 and backlog <= self._max_backlog
            if calm and self._queue.wait(fb.id, self._wait):
                return StoreResult(self._store.get(fb.id), created=True)
        return result

    def pseudonym(self, channel: str, sender: str) -> str:
        """A stable id per channel user that does not reveal the platform's user id."""
        msg = f"{channel}:{sender}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()[:32]

    def get(self, key: str | int) -> Feedback:
        """By numeric id or by reference (PA-2026-000123)."""
        text = str(key).strip()
        if text.isdigit():
            return self._store.get(int(text))
        if _REFERENCE.match(text):
            return self._store.get_by_reference(text.upper())
        raise NotFound(
            f"{text!r} is neither a feedback id nor a reference", code="feedback.bad_key"
        )

    def find(self, query: FeedbackQuery) -> Page[Feedback]:
        if not 1 <= query.limit <= 500 or query.offset < 0:
            raise InvalidInput("limit must be 1-500 and offset ≥ 0", code="feedback.bad_page")
        return self._store.find(query)

    def change_status(
        self, key: str | int, to: FeedbackStatus, actor: str, reason: str | None
    ) -> Feedback:
        fb = self.get(key)
        changed = self._store.change_status(fb.id, to, actor, reason)
        if self._on_status_change is not None:
            # The stored event says what the status was when the change was made.
            last = changed.events[-1].from_status if changed.events else None
            old = FeedbackStatus(last) if last else fb.status
            try:
                self._on_status_change(changed, old, to, reason)
            except Exception:
                log.exception("feedback.status_hook_failed id=%s", fb.id)
        return changed

    def duplicate_candidates(self, key: str | int) -> list[DuplicateCandidate]:
        """Open earlier reports that may be the same incident, best first (staff confirm)."""
        return self._store.duplicate_candidates(self.get(key).id)

    def mark_duplicate(
        self, key: str | int, original: str | int, actor: str, reason: str | None = None
    ) -> Feedback:
        return self._store.mark_duplicate(self.get(key).id, self.get(original).id, actor, reason)
