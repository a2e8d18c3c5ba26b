"""Which chat user filed which feedback: the way back to a citizen when its status changes.

A feedback keeps only a pseudonym of its sender (``FeedbackService.pseudonym``), which cannot
be turned back into a platform id. The bot records the real (channel, user id) here when it
files a feedback, so a staff decision can be told to the person who reported it.

>>> links = SqlChatLinkStore(Database("sqlite:///var/langnghe.db"))
>>> links.link(feedback_id=42, channel=ChatChannel.ZALO, user_id="8413027765")
>>> links.subscribers(42)
[(<ChatChannel.ZALO: 'zalo'>, '8413027765')]
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from core.chat import ChatChannel
from core.errors import InvalidInput, NotFound
from stores.sql.db import Database, sql_errors
from stores.sql.tables import ChatFeedbackLinkRow

log = logging.getLogger(__name__)

_LINKS: Table = ChatFeedbackLinkRow.__table__  # type: ignore[assignment]


class SqlChatLinkStore:
    """Links between feedback and chat users, on SQLite or PostgreSQL (same code).

    >>> links = SqlChatLinkStore(db)
    >>> links.link(7, ChatChannel.TELEGRAM, "123456")    # again: no error, still one link
    >>> links.subscribers(7)
    [(<ChatChannel.TELEGRAM: 'telegram'>, '123456')]
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = postgresql.insert if db.is_postgres else sqlite.insert

    def link(self, feedback_id: int, channel: ChatChannel, user_id: str) -> None:
        """Remember that this chat user filed ``feedback_id`` (idempotent: redeliveries link once).

        Raises ``NotFound`` when the feedback does not exist.
        """
        if not user_id.strip():
            raise InvalidInput("a chat link needs a user id", code="chat.link_user_empty")
        stmt = self._insert(_LINKS).values(
            feedback_id=feedback_id, channel=ChatChannel(channel).value, user_id=user_id,
            created_at=datetime.now(UTC),
        ).on_conflict_do_nothing()  # fmt: skip
        try:
            with (
                sql_errors("chat link write", "chat.database_failed"),
                self._db.write_connection() as conn,
            ):
                conn.execute(stmt)
        except IntegrityError as exc:  # the only constraint left is the feedback FK
            raise NotFound(
                f"feedback {feedback_id} does not exist", code="feedback.not_found"
            ) from exc
        log.info("chat.feedback_linked feedback=%s channel=%s", feedback_id, channel)

    def subscribers(self, feedback_id: int) -> list[tuple[ChatChannel, str]]:
        """The chat users to tell about ``feedback_id``, in the order they were linked."""
        c = _LINKS.c
        stmt = (
            select(c.channel, c.user_id)
            .where(c.feedback_id == feedback_id)
            .order_by(c.created_at, c.channel, c.user_id)
        )
        with self._db.engine.connect() as conn:
            return [(ChatChannel(ch), uid) for ch, uid in conn.execute(stmt)]
