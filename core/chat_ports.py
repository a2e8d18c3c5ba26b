"""Ports of the chatbot: where updates, conversations and outgoing notifications are kept.

Every update is stored (keyed by channel and the platform's id) before it is answered, so a
delivery repeated by the platform gets the replies already given instead of a second feedback;
conversation state lives in the database, so a restart in the middle of a flow loses nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.chat import ChatChannel, Incoming, Reply
from core.errors import LangngheError


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    """An update as stored; ``replies`` is None until it has been answered."""

    channel: ChatChannel
    update_id: str
    user_id: str
    received_at: datetime
    replies: list[Reply] | None


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a user is in a dialogue: ``flow`` (None when idle) and its collected ``data``.

    ``buttons`` are the payloads of the last reply's buttons, so "2" can mean the second one on a
    channel that shows them as numbered lines. ``version`` guards concurrent updates.
    """

    channel: ChatChannel
    user_id: str
    flow: str | None
    data: dict[str, Any]
    buttons: list[str]
    updated_at: datetime
    version: int


class NotificationState(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent (or to be retried at ``next_attempt_at``)
    SENT = "sent"
    HELD = "held"  # the platform does not allow messaging this user now; sent when it does
    FAILED = "failed"  # gave up after the last retry; kept for staff to see


@dataclass(frozen=True, slots=True)
class Notification:
    """A message to a user that is not a reply (a feedback's status changed)."""

    id: int
    channel: ChatChannel
    user_id: str
    text: str
    feedback_id: int | None
    state: NotificationState
    attempts: int
    next_attempt_at: datetime
    last_error: str
    created_at: datetime


class ChatStore(Protocol):
    """Durable chatbot state (SQL: ``stores.sql.chat_store.SqlChatStore``)."""

    def record_update(self, incoming: Incoming) -> StoredUpdate:
        """Store an update; a repeated (channel, update_id) returns the first one as stored."""
        ...

    def save_replies(self, channel: ChatChannel, update_id: str, replies: list[Reply]) -> None: ...

    def conversation(self, channel: ChatChannel, user_id: str) -> Conversation:
        """The user's conversation (an idle one, version 0, when there is none yet)."""
        ...

    def save_conversation(self, conversation: Conversation) -> Conversation:
        """Write it if ``version`` is still current (returns it with version + 1), else Conflict."""
        ...

    def last_seen(self, channel: ChatChannel, user_id: str) -> datetime | None:
        """When the user last sent anything (platforms limit when an account may write first)."""
        ...

    def enqueue(
        self, channel: ChatChannel, user_id: str, text: str, feedback_id: int | None
    ) -> Notification: ...

    def due_notifications(self, now: datetime, limit: int = 50) -> list[Notification]:
        """Pending notifications whose ``next_attempt_at`` has come, oldest first."""
        ...

    def mark_notification(
        self,
        notification_id: int,
        state: NotificationState,
        *,
        error: str = "",
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Record an attempt (``attempts`` + 1 unless ``state`` is HELD)."""
        ...

    def held_notifications(self, channel: ChatChannel, user_id: str) -> list[Notification]: ...

    def unanswered(
        self, older_than: datetime, limit: int = 100, *, newer_than: datetime | None = None
    ) -> list[Incoming]:
        """Updates stored but never answered, received before ``older_than`` (and after
        ``newer_than``), oldest first.

        Rebuilt as the ``Incoming`` that was stored (photo, location and all), so a restarted
        server can answer what it had acknowledged before it crashed.
        """
        ...


class DialogueHandler(Protocol):
    """The channel-neutral dialogue core as channels see it (``bots.core``)."""

    def accept(self, incoming: Incoming) -> bool:
        """Store the update before the channel acknowledges it; whether it still needs an answer.

        False for a repeated delivery that was already answered (its replies were sent then);
        True for a new update and for one stored earlier but never answered.
        """
        ...

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Store the update (deduplicated by its platform id), answer it, store the answer."""
        ...


class ChannelSender(Protocol):
    """Sends messages that are not replies to a webhook call (notifications) on one channel.

    Raises ``ExternalServiceError`` when the platform fails (retried later) and
    ``MessagingWindowClosed`` when the platform does not allow writing to the user now.
    """

    channel: ChatChannel

    def send(self, user_id: str, replies: list[Reply]) -> None: ...


class MessagingWindowClosed(LangngheError):
    """The platform forbids messaging this user until they write again (kept as HELD)."""

    code = "chat.window_closed"
