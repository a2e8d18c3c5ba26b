"""The feedback store on SQLAlchemy: SQLite (embedded default) and PostgreSQL, same code.

>>> store = SqlFeedbackStore(Database("sqlite:///var/langnghe.db"))
>>> result = store.add(item)
>>> result.created, result.feedback.reference
(True, 'PA-2026-000001')
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from core.errors import Conflict, ExternalServiceError, NotFound
from core.types import (
    LOCAL_TZ,
    TRANSITIONS,
    Annotation,
    AnnotationState,
    Channel,
    Feedback,
    FeedbackEvent,
    FeedbackIn,
    FeedbackQuery,
    FeedbackStatus,
    Page,
    StoreResult,
)
from stores.sql.db import Database
from stores.sql.tables import ContactRow, EventRow, FeedbackRow, ReferenceCounterRow

REFERENCE_PREFIX = "PA"
_FULL = (selectinload(FeedbackRow.events), selectinload(FeedbackRow.contact))


class SqlFeedbackStore:
    """``core.ports.FeedbackStore`` on a relational database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, item: FeedbackIn) -> StoreResult:
        existing = self._existing(item.channel, item.channel_message_id)
        if existing is not None:
            return StoreResult(existing, created=False)
        try:
            with self._db.write_session() as s:
                created = _to_feedback(self._insert(s, item))
        except IntegrityError:
            # A concurrent delivery of the same message won the race: return its record.
            existing = self._existing(item.channel, item.channel_message_id)
            if existing is None:
                raise
            return StoreResult(existing, created=False)
        except SQLAlchemyError as exc:
            raise ExternalServiceError(f"database write failed: {exc}") from exc
        return StoreResult(created, created=True)

    def _insert(self, s: Session, item: FeedbackIn) -> FeedbackRow:
        now = datetime.now(UTC)
        row = FeedbackRow(
            reference=self._next_reference(s, item.received_at.astimezone(LOCAL_TZ).year),
            channel=item.channel.value,
            channel_message_id=item.channel_message_id,
            sender_id=item.sender_id,
            text=item.text,
            location_text=item.location_text,
            latitude=item.latitude,
            longitude=item.longitude,
            received_at=item.received_at,
            status=FeedbackStatus.RECEIVED.value,
            annotation_state=AnnotationState.PENDING.value,
            extra=item.extra or None,
            created_at=now,
        )
        if item.contact is not None and not item.contact.is_empty():
            c = item.contact
            row.contact = ContactRow(name=c.name, phone=c.phone, email=c.email)
        row.events.append(
            EventRow(
                at=now,
                actor=f"channel:{item.channel.value}",
                from_status=None,
                to_status=FeedbackStatus.RECEIVED.value,
                reason=None,
            )
        )
        s.add(row)
        s.flush()
        return row

    def _next_reference(self, s: Session, year: int) -> str:
        insert = postgresql.insert if self._db.is_postgres else sqlite.insert
        stmt = (
            insert(ReferenceCounterRow)
            .values(year=year, last=1)
            .on_conflict_do_update(
                index_elements=["year"], set_={"last": ReferenceCounterRow.last + 1}
            )
            .returning(ReferenceCounterRow.last)
        )
        number = s.execute(stmt).scalar_one()
        return f"{REFERENCE_PREFIX}-{year}-{number:06d}"

    def _existing(self, channel: Channel, message_id: str) -> Feedback | None:
        with self._db.session() as s:
            fid = s.scalar(
                select(FeedbackRow.id).where(
                    FeedbackRow.channel == channel.value,
                    FeedbackRow.channel_message_id == message_id,
                )
            )
        return None if fid is None else self.get(fid)

    def get(self, feedback_id: int) -> Feedback:
        with self._db.session() as s:
            row = s.get(FeedbackRow, feedback_id, options=_FULL)
            if row is None:
                raise NotFound(f"feedback {feedback_id} does not exist", code="feedback.not_found")
            return _to_feedback(row)

    def get_by_reference(self, reference: str) -> Feedback:
        with self._db.session() as s:
            row = s.scalars(
                select(FeedbackRow)
                .options(*_FULL)
                .where(FeedbackRow.reference == reference.upper())
            ).one_or_none()
            if row is None:
                raise NotFound(f"feedback {reference} does not exist", code="feedback.not_found")
            return _to_feedback(row)

    def find(self, query: FeedbackQuery) -> Page[Feedback]:
        conditions: list[Any] = []
        if query.status is not None:
            conditions.append(FeedbackRow.status == query.status.value)
        if query.category is not None:
            conditions.append(FeedbackRow.category == query.category)
        if query.ward is not None:
            conditions.append(FeedbackRow.ward == query.ward)
        if query.channel is not None:
            conditions.append(FeedbackRow.channel == query.channel.value)
        if query.received_from is not None:
            conditions.append(FeedbackRow.received_at >= query.received_from)
        if query.received_to is not None:
            conditions.append(FeedbackRow.received_at < query.received_to)
        with self._db.session() as s:
            total = s.scalar(select(func.count()).select_from(FeedbackRow).where(*conditions))
            rows = s.scalars(
                select(FeedbackRow)
                .options(*_FULL)
                .where(*conditions)
                .order_by(FeedbackRow.received_at.desc(), FeedbackRow.id.desc())
                .limit(query.limit)
                .offset(query.offset)
            ).all()
            items = tuple(_to_feedback(r) for r in rows)
        return Page(items=items, total=int(total or 0), limit=query.limit, offset=query.offset)

    def pending_annotation(self, limit: int) -> Sequence[int]:
        with self._db.session() as s:
            return list(
                s.scalars(
                    select(FeedbackRow.id)
                    .where(FeedbackRow.annotation_state == AnnotationState.PENDING.value)
                    .order_by(FeedbackRow.id)
                    .limit(limit)
                )
            )

    def annotation_input(self, feedback_id: int) -> tuple[str, str | None]:
        with self._db.session() as s:
            found = s.execute(
                select(FeedbackRow.text, FeedbackRow.location_text).where(
                    FeedbackRow.id == feedback_id
                )
            ).one_or_none()
        if found is None:
            raise NotFound(f"feedback {feedback_id} does not exist", code="feedback.not_found")
        return found[0], found[1]

    def save_annotation(
        self, feedback_id: int, annotation: Annotation, status: FeedbackStatus, actor: str
    ) -> None:
        now = datetime.now(UTC)
        with self._db.write_session() as s:
            row = self._locked(s, feedback_id)
            r = annotation.routing
            row.annotation = annotation.to_dict()
            row.annotation_state = AnnotationState.DONE.value
            row.annotation_error = None
            row.annotated_at = now
            row.category, row.department, row.confidence = r.category, r.department, r.confidence
            row.ward = annotation.ward
            if row.status == FeedbackStatus.RECEIVED.value:
                reason = f"{r.category} ({r.confidence:.2f}) → {r.department or '-'}"
                s.add(_event(row, status, actor, reason, now))
                row.status = status.value

    def save_annotation_failure(self, feedback_id: int, error: str) -> None:
        with self._db.write_session() as s:
            row = self._locked(s, feedback_id)
            row.annotation_state = AnnotationState.FAILED.value
            row.annotation_error = error[:2000]

    def change_status(
        self, feedback_id: int, to: FeedbackStatus, actor: str, reason: str | None
    ) -> Feedback:
        with self._db.write_session() as s:
            row = self._locked(s, feedback_id)
            current = FeedbackStatus(row.status)
            if to not in TRANSITIONS[current]:
                raise Conflict(
                    f"cannot move {row.reference} from {current} to {to}",
                    code="feedback.illegal_transition",
                )
            self._move(row, to, actor, reason, datetime.now(UTC))
            s.flush()
            return _to_feedback(row)

    def _locked(self, s: Session, feedback_id: int) -> FeedbackRow:
        row = s.get(FeedbackRow, feedback_id, with_for_update=self._db.is_postgres)
        if row is None:
            raise NotFound(f"feedback {feedback_id} does not exist", code="feedback.not_found")
        return row

    @staticmethod
    def _move(
        row: FeedbackRow, to: FeedbackStatus, actor: str, reason: str | None, at: datetime
    ) -> None:
        row.events.append(_event(row, to, actor, reason, at))
        row.status = to.value


def _event(
    row: FeedbackRow, to: FeedbackStatus, actor: str, reason: str | None, at: datetime
) -> EventRow:
    return EventRow(
        feedback_id=row.id, at=at, actor=actor, from_status=row.status, to_status=to.value,
        reason=reason,
    )  # fmt: skip


def _to_feedback(row: FeedbackRow) -> Feedback:
    return Feedback(
        id=row.id,
        reference=row.reference,
        channel=Channel(row.channel),
        channel_message_id=row.channel_message_id,
        sender_id=row.sender_id,
        text=row.text,
        received_at=row.received_at,
        status=FeedbackStatus(row.status),
        location_text=row.location_text,
        latitude=row.latitude,
        longitude=row.longitude,
        annotation_state=AnnotationState(row.annotation_state),
        annotation=row.annotation,
        annotation_error=row.annotation_error,
        category=row.category,
        department=row.department,
        ward=row.ward,
        confidence=row.confidence,
        duplicate_of=row.duplicate_of,
        has_contact=row.contact is not None,
        events=tuple(
            FeedbackEvent(e.at, e.actor, e.from_status, e.to_status, e.reason) for e in row.events
        ),
    )
