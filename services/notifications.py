"""Telling citizens on their chat channel when the city decides on their feedback.

A status change enqueues a message in the chat store's outbox (durable: a restart loses
nothing); a worker delivers what is due through each channel's ``ChannelSender``:

- sent → SENT;
- the platform failed (``ExternalServiceError``) → PENDING again after a growing delay
  (1 min, 5 min, 30 min, 2 h, 6 h), FAILED after ``max_attempts`` tries: kept for staff to see,
  never dropped silently;
- the platform does not let us write now (``MessagingWindowClosed``: Zalo's 7-day window)
  → HELD, and ``release_held`` puts it back in line when the user writes again.

    >>> service = NotificationService(chat_store, links, [ZaloSender(api, chat_store)])
    >>> feedback_service = FeedbackService(..., on_status_change=service.feedback_status_changed)
    >>> NotificationWorker(service).start()
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from core.chat import ChatChannel, Reply
from core.chat_ports import ChannelSender, ChatStore, MessagingWindowClosed, Notification
from core.chat_ports import NotificationState as State
from core.errors import ExternalServiceError, InvalidInput, LangngheError
from core.reference import ReferenceData
from core.types import Feedback, FeedbackStatus
from services.notification_texts_vi import notification_text
from services.periodic import PeriodicWorker

log = logging.getLogger(__name__)

BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


class FeedbackLinks(Protocol):
    """Who filed a feedback on which chat channel (``stores.sql.chat_link_store``)."""

    def subscribers(self, feedback_id: int) -> list[tuple[ChatChannel, str]]: ...


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one ``deliver_due`` pass did."""

    sent: int = 0
    retried: int = 0
    held: int = 0
    failed: int = 0


class NotificationService:
    """Enqueues status notifications and delivers the outbox, one sender per channel.

    >>> service = NotificationService(store, links, [telegram_sender, zalo_sender])
    >>> service.feedback_status_changed(fb, FeedbackStatus.IN_PROGRESS,
    ...                                 FeedbackStatus.RESOLVED, "Đã nạo vét cống")
    [Notification(id=1, channel=<ChatChannel.ZALO: 'zalo'>, …, state=<State.PENDING…>)]
    >>> service.deliver_due()
    DeliveryReport(sent=1, retried=0, held=0, failed=0)
    """

    def __init__(
        self,
        chat_store: ChatStore,
        links: FeedbackLinks,
        senders: Iterable[ChannelSender],
        *,
        reference: ReferenceData | None = None,
        max_attempts: int = 6,
        backoff: Sequence[timedelta] = BACKOFF,
        batch: int = 50,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if max_attempts < 1 or not backoff:
            raise InvalidInput("max_attempts ≥ 1 and a backoff are needed", code="chat.backoff")
        self._store = chat_store
        self._links = links
        self._senders = {s.channel: s for s in senders}
        self._reference = reference
        self._max_attempts = max_attempts
        self._backoff = tuple(backoff)
        self._batch = batch
        self._clock = clock

    def feedback_status_changed(
        self, feedback: Feedback, old: FeedbackStatus, new: FeedbackStatus, note: str | None
    ) -> list[Notification]:
        """Queue the message for each chat user who filed ``feedback`` (none if not told)."""
        if old == new:
            return []
        reopened = old is FeedbackStatus.RESOLVED and new is FeedbackStatus.IN_PROGRESS
        text = notification_text(new, reference=feedback.reference, note=note, reopened=reopened,
                                 department=self._department(feedback.department))  # fmt: skip
        if text is None:
            return []
        queued = [
            self._store.enqueue(channel, user_id, text, feedback.id)
            for channel, user_id in self._links.subscribers(feedback.id)
        ]
        log.info("notification.status_enqueued feedback=%s status=%s count=%d", feedback.id,
                 new, len(queued))  # fmt: skip
        return queued

    def deliver_due(self, now: datetime | None = None) -> DeliveryReport:
        """Send what is due now, oldest first, and record each outcome."""
        at = now or self._clock()
        counts = {State.SENT: 0, State.PENDING: 0, State.HELD: 0, State.FAILED: 0}
        for notification in self._store.due_notifications(at, limit=self._batch):
            counts[self._deliver(notification, at)] += 1
        report = DeliveryReport(counts[State.SENT], counts[State.PENDING], counts[State.HELD],
                                counts[State.FAILED])  # fmt: skip
        if any(counts.values()):
            log.info("notification.delivered %s", report)
        return report

    def release_held(self, channel: ChatChannel, user_id: str) -> int:
        """The user wrote again: held messages are due now. Returns how many."""
        held = self._store.held_notifications(channel, user_id)
        now = self._clock()
        for notification in held:
            self._store.mark_notification(notification.id, State.PENDING, next_attempt_at=now)
        if held:
            log.info("notification.released channel=%s count=%d", channel, len(held))
        return len(held)

    def retry_delay(self, attempt: int) -> timedelta:
        """How long to wait after failed try number ``attempt`` (1-based)."""
        return self._backoff[min(attempt, len(self._backoff)) - 1]

    def _deliver(self, n: Notification, now: datetime) -> State:
        sender = self._senders.get(n.channel)
        if sender is None:
            return self._mark(n, State.FAILED, f"no sender for channel {n.channel}")
        try:
            sender.send(n.user_id, [Reply(n.text)])
        except MessagingWindowClosed as exc:
            return self._mark(n, State.HELD, exc.message)
        except ExternalServiceError as exc:
            return self._retry_or_fail(n, now, str(exc))
        except LangngheError as exc:  # our own refusal (bad user id…): retrying cannot help
            return self._mark(n, State.FAILED, str(exc))
        except Exception as exc:  # a sender's bug must not stall the outbox: back off too
            log.exception("notification.sender_crashed id=%s channel=%s", n.id, n.channel)
            return self._retry_or_fail(n, now, f"{type(exc).__name__}: {exc}")
        return self._mark(n, State.SENT, "")

    def _retry_or_fail(self, n: Notification, now: datetime, error: str) -> State:
        attempt = n.attempts + 1
        if attempt >= self._max_attempts:
            return self._mark(n, State.FAILED, error)
        return self._mark(n, State.PENDING, error, now + self.retry_delay(attempt))

    def _mark(
        self, n: Notification, state: State, error: str, retry_at: datetime | None = None
    ) -> State:
        self._store.mark_notification(n.id, state, error=error, next_attempt_at=retry_at)
        if state is State.FAILED:
            log.error("notification.failed id=%s channel=%s attempts=%d error=%s", n.id,
                      n.channel, n.attempts + 1, error)  # fmt: skip
        return state

    def _department(self, code: str | None) -> str | None:
        if code is None or self._reference is None:
            return None
        try:
            return self._reference.department(code).name
        except InvalidInput:
            return None


class NotificationWorker(PeriodicWorker):
    """A background thread running ``deliver_due`` every ``interval`` seconds.

    >>> worker = NotificationWorker(service, interval=3.0)
    >>> worker.start(); ...; worker.stop()
    """

    name = "notification-worker"

    def __init__(self, service: NotificationService, interval: float = 3.0) -> None:
        super().__init__(interval)
        self._service = service

    def run_once(self) -> None:
        self._service.deliver_due()
