"""Photos of feedback in the relational database (bytes in a BLOB / bytea column).

Images are small (≤ 10 MB, ≤ 5 per feedback) and belong to one feedback for its whole life,
so they live beside it: one backup, one purge, no second storage system to run.

>>> store = SqlAttachmentStore(Database("sqlite:///var/langnghe.db"))
>>> store.record(42, "telegram", [Photo("AgACAgUAAxkBAAIB")])
>>> [a.state for a in store.list(42)]
[<AttachmentState.PENDING: 'pending'>]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from core.attachments import Attachment, FetchedPhoto
from core.chat import Photo
from core.errors import NotFound
from stores.sql.db import Database, sql_errors
from stores.sql.tables import FeedbackAttachmentRow

log = logging.getLogger(__name__)

_ROWS: Table = FeedbackAttachmentRow.__table__  # type: ignore[assignment]
_META = [c for c in _ROWS.c if c.name != "data"]
_FAILED = "attachment.database_failed"


class SqlAttachmentStore:
    """The ``AttachmentStore`` port on SQLite or PostgreSQL (same code).

    >>> store.record(7, "zalo", [Photo("msg-1", url="https://photo-stal.zadn.vn/a.jpg")])
    >>> [pending] = store.unfetched(7)
    >>> store.save_image(pending.id, FetchedPhoto(png, "image/png"), sha256, now)
    True
    >>> store.content(7, 1)[1] == png
    True
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = postgresql.insert if db.is_postgres else sqlite.insert

    def record(self, feedback_id: int, channel: str, photos: Sequence[Photo]) -> None:
        """Pending rows numbered 1..n; a repeated call adds nothing (``NotFound``: no feedback)."""
        if not photos:
            return
        now = datetime.now(UTC)
        rows = [{"feedback_id": feedback_id, "ordinal": n, "channel": str(channel),
                 "platform_file_id": p.platform_file_id[:256], "url": p.url,
                 "caption": p.caption, "created_at": now}
                for n, p in enumerate(photos, start=1)]  # fmt: skip
        stmt = self._insert(_ROWS).values(rows).on_conflict_do_nothing()
        try:
            self._write(stmt)
        except IntegrityError as exc:  # the rows that clash are skipped: only the FK is left
            raise NotFound(f"feedback {feedback_id} does not exist",
                           code="feedback.not_found") from exc  # fmt: skip
        log.info("attachment.recorded feedback=%s photos=%d", feedback_id, len(rows))

    def unfetched(self, feedback_id: int) -> list[Attachment]:
        return self._select(feedback_id, _ROWS.c.sha256.is_(None))

    def list(self, feedback_id: int) -> list[Attachment]:
        return self._select(feedback_id)

    def save_image(
        self, attachment_id: int, photo: FetchedPhoto, sha256: str, at: datetime
    ) -> bool:
        """Keep the bytes; False when this feedback already holds the same image."""
        values = {"data": photo.data, "content_type": photo.content_type, "sha256": sha256,
                  "size_bytes": len(photo.data), "error": None, "fetched_at": at}  # fmt: skip
        try:
            self._write(update(_ROWS).where(_ROWS.c.id == attachment_id).values(values))
        except IntegrityError:
            return False
        return True

    def save_failure(self, attachment_id: int, error: str, at: datetime) -> None:
        values = {"error": error[:1000], "fetched_at": at}
        self._write(update(_ROWS).where(_ROWS.c.id == attachment_id).values(values))

    def content(self, feedback_id: int, ordinal: int) -> tuple[Attachment, bytes | None]:
        stmt = select(*_META, _ROWS.c.data).where(
            _ROWS.c.feedback_id == feedback_id, _ROWS.c.ordinal == ordinal
        )
        row = self._read(lambda conn: conn.execute(stmt).first())
        if row is None:
            raise NotFound(f"feedback {feedback_id} has no attachment {ordinal}",
                           code="attachment.not_found")  # fmt: skip
        return _attachment(row), row.data

    def _select(self, feedback_id: int, *where: Any) -> list[Attachment]:
        stmt = (
            select(*_META)
            .where(_ROWS.c.feedback_id == feedback_id, *where)
            .order_by(_ROWS.c.ordinal)
        )
        return [_attachment(r) for r in self._read(lambda conn: conn.execute(stmt).all())]

    def _write(self, stmt: Any) -> None:
        with sql_errors("attachment write", _FAILED), self._db.write_connection() as conn:
            conn.execute(stmt)

    def _read(self, query: Any) -> Any:
        with sql_errors("attachment read", _FAILED), self._db.engine.connect() as conn:
            return query(conn)


def _attachment(row: Row[Any]) -> Attachment:
    m = row._mapping
    return Attachment(
        id=m["id"], feedback_id=m["feedback_id"], ordinal=m["ordinal"], channel=m["channel"],
        platform_file_id=m["platform_file_id"], url=m["url"], caption=m["caption"],
        content_type=m["content_type"], size_bytes=m["size_bytes"], sha256=m["sha256"],
        error=m["error"], created_at=m["created_at"], fetched_at=m["fetched_at"],
    )  # fmt: skip
