"""The chatbot's durable state on SQLAlchemy: received updates, conversations, notification outbox.

Every update is written before it is answered, keyed by (channel, platform update id): a
delivery the platform repeats finds the first row and its replies instead of making a second
feedback, and an update never answered (``unanswered``) is what a crash between the webhook's
200 and the reply left behind, answered at the next start. Conversation state carries a
version so two workers answering the same user cannot silently overwrite each other.

>>> store = SqlChatStore(Database("sqlite:///var/langnghe.db"))
>>> stored = store.record_update(incoming)
>>> stored.replies is None      # False for a repeated delivery already answered: resend those
True
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Insert, Table, insert, literal_column, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from core.chat import Button, ChatChannel, Incoming, IncomingKind, Location, Photo, Reply
from core.chat_ports import Conversation, Notification, NotificationState, StoredUpdate
from core.errors import Conflict, InvalidInput, NotFound
from core.types import LOCAL_TZ
from stores.sql.db import Database, sql_errors
from stores.sql.tables import ChatConversationRow, ChatNotificationRow, ChatUpdateRow

log = logging.getLogger(__name__)

_UPDATES: Table = ChatUpdateRow.__table__  # type: ignore[assignment]
_CONVERSATIONS: Table = ChatConversationRow.__table__  # type: ignore[assignment]
_NOTIFICATIONS: Table = ChatNotificationRow.__table__  # type: ignore[assignment]
_MAX_ERROR = 2000


class SqlChatStore:
    """``core.chat_ports.ChatStore`` on SQLite (embedded default) or PostgreSQL, same code.

    >>> store = SqlChatStore(db)
    >>> conv = store.conversation(ChatChannel.ZALO, "u1")
    >>> conv = store.save_conversation(replace(conv, flow="feedback", data={"text": "Ngập"}))
    >>> conv.version
    1
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._dialect_insert = postgresql.insert if db.is_postgres else sqlite.insert

    # -- updates ---------------------------------------------------------------------------

    def record_update(self, incoming: Incoming) -> StoredUpdate:
        """Store an update; a repeated (channel, update_id) returns the first one as stored.

        INSERT … ON CONFLICT DO NOTHING then SELECT in one transaction: concurrent deliveries
        of one update all read the single row that won.
        """
        _require_aware(incoming.received_at, "received_at")
        key = _update_key(incoming.channel, incoming.update_id)
        insert_update = self._dialect_insert(_UPDATES).values(_update_values(incoming))
        with self._writing() as conn:
            created = conn.execute(_inserted(insert_update)).first() is not None
            conn.execute(self._touch(incoming))
            row = conn.execute(select(_UPDATES).where(*key)).mappings().one()
        if not created:
            log.info("chat.update_repeated channel=%s update=%s", *_ids(incoming))
        return _stored_update(row)

    def _touch(self, incoming: Incoming) -> Insert:
        """Create the user's conversation idle if absent; move ``last_seen_at`` forward only."""
        c = _CONVERSATIONS.c
        stmt = self._dialect_insert(_CONVERSATIONS).values(
            channel=incoming.channel.value, user_id=incoming.user_id, flow=None, data={},
            buttons=[], version=0, updated_at=datetime.now(UTC),
            last_seen_at=incoming.received_at,
        )  # fmt: skip
        seen = stmt.excluded.last_seen_at
        return stmt.on_conflict_do_update(
            index_elements=[c.channel, c.user_id],
            set_={"last_seen_at": seen},
            where=or_(c.last_seen_at.is_(None), c.last_seen_at < seen),
        )

    def save_replies(self, channel: ChatChannel, update_id: str, replies: list[Reply]) -> None:
        """Keep what we answered, so a repeated delivery is answered the same way."""
        stmt = (
            update(_UPDATES)
            .where(*_update_key(channel, update_id))
            .values(replies=[_reply_json(r) for r in replies], answered_at=datetime.now(UTC))
        )
        with self._writing() as conn:
            found = conn.execute(stmt).rowcount == 1
        if not found:
            raise NotFound(
                f"no {channel} update {update_id!r} was recorded", code="chat.update_not_found"
            )

    def unanswered(
        self, older_than: datetime, limit: int = 100, *, newer_than: datetime | None = None
    ) -> list[Incoming]:
        """Updates stored but never answered, received before ``older_than``, oldest first.

        What a crash between the webhook's 200 and the reply leaves behind; ``older_than``
        keeps out updates a live worker may be answering now, ``newer_than`` those too old
        to answer usefully.
        """
        _require_aware(older_than, "older_than")
        if limit < 1:
            raise InvalidInput("limit must be at least 1", code="chat.limit_invalid")
        u = _UPDATES.c
        stmt = select(_UPDATES).where(u.answered_at.is_(None), u.received_at < older_than)
        if newer_than is not None:
            _require_aware(newer_than, "newer_than")
            stmt = stmt.where(u.received_at > newer_than)
        stmt = stmt.order_by(u.received_at, u.channel, u.update_id).limit(limit)
        with self._db.engine.connect() as conn:
            return [_incoming(row) for row in conn.execute(stmt).mappings()]

    # -- conversations ---------------------------------------------------------------------

    def conversation(self, channel: ChatChannel, user_id: str) -> Conversation:
        """The user's conversation (an idle one, version 0, when there is none yet)."""
        stmt = select(_CONVERSATIONS).where(*_conversation_key(channel, user_id))
        with self._db.engine.connect() as conn:
            row = conn.execute(stmt).mappings().one_or_none()
        if row is None:
            return Conversation(channel, user_id, None, {}, [], datetime.now(UTC), 0)
        return Conversation(
            channel=ChatChannel(row["channel"]),
            user_id=row["user_id"],
            flow=row["flow"],
            data=dict(row["data"] or {}),
            buttons=list(row["buttons"] or []),
            updated_at=row["updated_at"],
            version=row["version"],
        )

    def save_conversation(self, conversation: Conversation) -> Conversation:
        """Write it if ``version`` is still current (returns it with version + 1), else Conflict.

        Version 0 also matches "no row yet": the first writer inserts, a second one conflicts.
        """
        cv, now = conversation, datetime.now(UTC)
        fields = {"flow": cv.flow, "data": cv.data, "buttons": cv.buttons, "updated_at": now,
                  "version": cv.version + 1}  # fmt: skip
        key = _conversation_key(cv.channel, cv.user_id)
        stmt = update(_CONVERSATIONS).where(*key, _CONVERSATIONS.c.version == cv.version)
        with self._writing() as conn:
            saved = conn.execute(stmt.values(fields)).rowcount == 1
            if not saved and cv.version == 0:
                first = {"channel": cv.channel.value, "user_id": cv.user_id, **fields}
                inserting = self._dialect_insert(_CONVERSATIONS).values(first)
                saved = conn.execute(_inserted(inserting)).first() is not None
        if not saved:
            log.info("chat.conversation_conflict channel=%s version=%s", cv.channel, cv.version)
            raise Conflict(
                f"the {cv.channel} conversation changed since version {cv.version}",
                code="chat.conversation_changed",
            )
        return replace(cv, updated_at=now, version=cv.version + 1)

    def last_seen(self, channel: ChatChannel, user_id: str) -> datetime | None:
        """When the user last sent anything (platforms limit when an account may write first)."""
        stmt = select(_CONVERSATIONS.c.last_seen_at).where(*_conversation_key(channel, user_id))
        with self._db.engine.connect() as conn:
            return conn.scalar(stmt)

    # -- notification outbox ---------------------------------------------------------------

    def enqueue(
        self, channel: ChatChannel, user_id: str, text: str, feedback_id: int | None
    ) -> Notification:
        """Queue a message to a user, due now."""
        if not text.strip():
            raise InvalidInput("a notification needs a text", code="chat.notification_empty")
        now = datetime.now(UTC)
        values = {"channel": channel.value, "user_id": user_id, "text": text,
                  "feedback_id": feedback_id, "state": NotificationState.PENDING.value,
                  "attempts": 0, "next_attempt_at": now, "last_error": "", "created_at": now,
                  "sent_at": None}  # fmt: skip
        stmt = insert(_NOTIFICATIONS).values(values).returning(_NOTIFICATIONS.c.id)
        try:
            with self._writing() as conn:
                nid = conn.execute(stmt).scalar_one()
        except IntegrityError as exc:  # the only constraint that can fail is the feedback FK
            raise NotFound(
                f"feedback {feedback_id} does not exist", code="feedback.not_found"
            ) from exc
        log.info("chat.notification_enqueued id=%s channel=%s feedback=%s", nid, channel,
                 feedback_id)  # fmt: skip
        return _notification({**values, "id": nid})

    def due_notifications(self, now: datetime, limit: int = 50) -> list[Notification]:
        """Pending notifications whose ``next_attempt_at`` has come, longest due first."""
        _require_aware(now, "now")
        n = _NOTIFICATIONS.c
        stmt = (
            select(_NOTIFICATIONS)
            .where(n.state == NotificationState.PENDING.value, n.next_attempt_at <= now)
            .order_by(n.next_attempt_at, n.id)
            .limit(limit)
        )
        return self._notifications(stmt)

    def mark_notification(
        self,
        notification_id: int,
        state: NotificationState,
        *,
        error: str = "",
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Record an attempt (``attempts`` + 1 unless ``state`` is HELD).

        PENDING without ``next_attempt_at`` keeps the old time, so it is due again at once.
        """
        fields = _mark_fields(state, error, next_attempt_at)
        stmt = update(_NOTIFICATIONS).where(_NOTIFICATIONS.c.id == notification_id)
        with self._writing() as conn:
            found = conn.execute(stmt.values(fields)).rowcount == 1
        if not found:
            raise NotFound(
                f"notification {notification_id} does not exist",
                code="chat.notification_not_found",
            )
        log.info("chat.notification_marked id=%s state=%s", notification_id, state)

    def held_notifications(self, channel: ChatChannel, user_id: str) -> list[Notification]:
        """Messages waiting until the user writes again (then the platform lets us answer)."""
        n = _NOTIFICATIONS.c
        stmt = (
            select(_NOTIFICATIONS)
            .where(n.channel == channel.value, n.user_id == user_id,
                   n.state == NotificationState.HELD.value)
            .order_by(n.id)
        )  # fmt: skip
        return self._notifications(stmt)

    def _notifications(self, stmt: Any) -> list[Notification]:
        with self._db.engine.connect() as conn:
            return [_notification(row) for row in conn.execute(stmt).mappings()]

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction whose driver errors become ours (constraint errors pass through)."""
        with (
            sql_errors("chat store write", "chat.database_failed"),
            self._db.write_connection() as conn,
        ):
            yield conn


def _inserted(stmt: Any) -> Any:
    """ON CONFLICT DO NOTHING returning a row only when it inserted (psycopg's rowcount is -1)."""
    return stmt.on_conflict_do_nothing().returning(literal_column("1"))


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None:
        raise InvalidInput(f"{name} must be timezone-aware", code="chat.naive_datetime")


def _ids(incoming: Incoming) -> tuple[str, str]:
    return incoming.channel.value, incoming.update_id


def _update_key(channel: ChatChannel, update_id: str) -> tuple[Any, Any]:
    return _UPDATES.c.channel == channel.value, _UPDATES.c.update_id == update_id


def _conversation_key(channel: ChatChannel, user_id: str) -> tuple[Any, Any]:
    return _CONVERSATIONS.c.channel == channel.value, _CONVERSATIONS.c.user_id == user_id


def _update_values(incoming: Incoming) -> dict[str, Any]:
    """The update as received; photo, location and display name go to ``payload``."""
    payload: dict[str, Any] = {}
    if incoming.photo is not None:
        p = incoming.photo
        payload["photo"] = {"platform_file_id": p.platform_file_id, "url": p.url,
                            "caption": p.caption}  # fmt: skip
    if incoming.location is not None:
        loc = incoming.location
        payload["location"] = {"latitude": loc.latitude, "longitude": loc.longitude,
                               "address": loc.address}  # fmt: skip
    if incoming.display_name:
        payload["display_name"] = incoming.display_name
    return {"channel": incoming.channel.value, "update_id": incoming.update_id,
            "user_id": incoming.user_id, "kind": incoming.kind.value, "text": incoming.text,
            "payload": payload or None, "received_at": incoming.received_at}  # fmt: skip


def _incoming(row: Mapping[str, Any]) -> Incoming:
    """The stored row as the ``Incoming`` it was made from (the inverse of ``_update_values``)."""
    payload = row["payload"] or {}
    return Incoming(
        channel=ChatChannel(row["channel"]),
        user_id=row["user_id"],
        update_id=row["update_id"],
        kind=IncomingKind(row["kind"]),
        received_at=row["received_at"].astimezone(LOCAL_TZ),
        text=row["text"],
        photo=_photo(payload.get("photo")),
        location=_location(payload.get("location")),
        display_name=payload.get("display_name", ""),
    )


def _photo(data: Mapping[str, Any] | None) -> Photo | None:
    if data is None:
        return None
    return Photo(data["platform_file_id"], data.get("url", ""), data.get("caption", ""))


def _location(data: Mapping[str, Any] | None) -> Location | None:
    if data is None:
        return None
    return Location(data["latitude"], data["longitude"], data.get("address", ""))


def _stored_update(row: Mapping[str, Any]) -> StoredUpdate:
    replies = row["replies"]
    return StoredUpdate(
        channel=ChatChannel(row["channel"]),
        update_id=row["update_id"],
        user_id=row["user_id"],
        received_at=row["received_at"],
        replies=None if replies is None else [_reply(r) for r in replies],
    )


def _reply_json(reply: Reply) -> dict[str, Any]:
    """Text and buttons; an image only as a flag (charts are redrawn, never stored)."""
    buttons = [{"label": b.label, "payload": b.payload} for b in reply.buttons]
    return {"text": reply.text, "buttons": buttons, "image": reply.image_png is not None}


def _reply(data: Mapping[str, Any]) -> Reply:
    buttons = tuple(Button(b["label"], b["payload"]) for b in data.get("buttons", ()))
    return Reply(text=data["text"], buttons=buttons)


def _mark_fields(
    state: NotificationState, error: str, next_attempt_at: datetime | None
) -> dict[str, Any]:
    fields: dict[str, Any] = {"state": state.value, "last_error": error[:_MAX_ERROR]}
    if state is not NotificationState.HELD:
        fields["attempts"] = _NOTIFICATIONS.c.attempts + 1
    if state is NotificationState.SENT:
        fields["sent_at"] = datetime.now(UTC)
    if next_attempt_at is not None:
        _require_aware(next_attempt_at, "next_attempt_at")
        fields["next_attempt_at"] = next_attempt_at
    return fields


def _notification(row: Mapping[str, Any]) -> Notification:
    return Notification(
        id=row["id"],
        channel=ChatChannel(row["channel"]),
        user_id=row["user_id"],
        text=row["text"],
        feedback_id=row["feedback_id"],
        state=NotificationState(row["state"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        created_at=row["created_at"],
    )
