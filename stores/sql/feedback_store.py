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

import numpy as np
from sqlalchemy import (
    Connection,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from core.errors import Conflict, NotFound
from core.text import fold
from core.types import (
    LOCAL_TZ,
    TRANSITIONS,
    Annotation,
    AnnotationState,
    Channel,
    DuplicateCandidate,
    Feedback,
    FeedbackEvent,
    FeedbackIn,
    FeedbackQuery,
    FeedbackStatus,
    Label,
    Page,
    StoredVector,
    StoreResult,
    TextInput,
)
from stores.sql.db import Database, sql_errors
from stores.sql.tables import (
    ContactRow,
    DuplicateCandidateRow,
    EventRow,
    FeedbackRow,
    ReferenceCounterRow,
    VectorRow,
)

REFERENCE_PREFIX = "PA"
# Core statements: the store's paths are hot (intake, annotation) and need no ORM.
_FEEDBACK: Table = FeedbackRow.__table__  # type: ignore[assignment]
_EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
_CONTACTS: Table = ContactRow.__table__  # type: ignore[assignment]
_VECTORS: Table = VectorRow.__table__  # type: ignore[assignment]
_CANDIDATES: Table = DuplicateCandidateRow.__table__  # type: ignore[assignment]
_OPEN = [s.value for s in (FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED,
                           FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.IN_PROGRESS)]  # fmt: skip
_INSERT_VECTOR = insert(_VECTORS)
_DELETE_VECTOR = delete(_VECTORS).where(_VECTORS.c.feedback_id == bindparam("fid"))
_INSERT_CANDIDATE = insert(_CANDIDATES)
_DELETE_PROPOSED = delete(_CANDIDATES).where(
    _CANDIDATES.c.feedback_id == bindparam("fid"), _CANDIDATES.c.state == "proposed"
)
_INSERT_FEEDBACK = insert(_FEEDBACK).returning(_FEEDBACK.c.id)
_INSERT_EVENT = insert(_EVENTS)
_EXISTING = select(_FEEDBACK.c.id).where(
    _FEEDBACK.c.channel == bindparam("channel"),
    _FEEDBACK.c.channel_message_id == bindparam("mid"),
)
_DUPLICATE_ROOT = select(_FEEDBACK.c.reference, _FEEDBACK.c.duplicate_of).where(
    _FEEDBACK.c.id == bindparam("fid")
)
_BY_ID = select(_FEEDBACK).where(_FEEDBACK.c.id == bindparam("key"))
_BY_REFERENCE = select(_FEEDBACK).where(_FEEDBACK.c.reference == bindparam("key"))
_EVENTS_OF = (
    select(_EVENTS)
    .where(_EVENTS.c.feedback_id.in_(bindparam("ids", expanding=True)))
    .order_by(_EVENTS.c.id)
)
_CONTACTS_OF = select(_CONTACTS.c.feedback_id).where(
    _CONTACTS.c.feedback_id.in_(bindparam("ids", expanding=True))
)
_COUNTER: Table = ReferenceCounterRow.__table__  # type: ignore[assignment]
_NEXT_NUMBER_PG, _NEXT_NUMBER_SQLITE = (
    dialect.insert(_COUNTER)
    .values(year=bindparam("year"), last=1)
    .on_conflict_do_update(index_elements=["year"], set_={"last": _COUNTER.c.last + 1})
    .returning(_COUNTER.c.last)
    for dialect in (postgresql, sqlite)
)
_INSERT_CONTACT = insert(_CONTACTS)
_STATUS = select(_FEEDBACK.c.status).where(_FEEDBACK.c.id == bindparam("fid"))
_STATUS_FOR_UPDATE = _STATUS.with_for_update()
_UPDATE_BY_ID = update(_FEEDBACK).where(_FEEDBACK.c.id == bindparam("fid"))
_ANNOTATION_INPUT = select(
    _FEEDBACK.c.text, _FEEDBACK.c.location_text, _FEEDBACK.c.latitude, _FEEDBACK.c.longitude
).where(_FEEDBACK.c.id == bindparam("fid"))


class SqlFeedbackStore:
    """``core.ports.FeedbackStore`` on a relational database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, item: FeedbackIn) -> StoreResult:
        existing = self._existing(item.channel, item.channel_message_id)
        if existing is not None:
            return StoreResult(existing, created=False)
        try:
            with sql_errors("database write"), self._db.write_connection() as conn:
                created = self._insert(conn, item)
        except IntegrityError:
            # A concurrent delivery of the same message won the race: return its record.
            existing = self._existing(item.channel, item.channel_message_id)
            if existing is None:
                raise
            return StoreResult(existing, created=False)
        return StoreResult(created, created=True)

    def _insert(self, conn: Connection, item: FeedbackIn) -> Feedback:
        """Plain INSERTs (this is the hot path of intake: no ORM unit of work)."""
        now = datetime.now(UTC)
        reference = self._next_reference(conn, item.received_at.astimezone(LOCAL_TZ).year)
        values = {
            "reference": reference,
            "channel": item.channel.value,
            "channel_message_id": item.channel_message_id,
            "sender_id": item.sender_id,
            "text": item.text,
            "location_text": item.location_text,
            "latitude": item.latitude,
            "longitude": item.longitude,
            "received_at": item.received_at,
            "status": FeedbackStatus.RECEIVED.value,
            "annotation_state": AnnotationState.PENDING.value,
            "extra": item.extra or None,
            "redacted_text": item.redacted_text,
            "search_text": _folded(item.redacted_text),
            "created_at": now,
        }
        fid = conn.execute(_INSERT_FEEDBACK, values).scalar_one()
        contact = item.contact if item.contact and not item.contact.is_empty() else None
        if contact is not None:
            conn.execute(
                _INSERT_CONTACT,
                {"feedback_id": fid, "name": contact.name, "phone": contact.phone,
                 "email": contact.email},
            )  # fmt: skip
        event = FeedbackEvent(now, f"channel:{item.channel.value}", None, "received", None)
        conn.execute(_INSERT_EVENT, {"feedback_id": fid, **_event_values(event)})
        row = dict.fromkeys(_FEEDBACK.c.keys()) | values | {"id": fid}
        row["received_at"] = item.received_at.astimezone(UTC)
        return _feedback(row, (event,), contact is not None)

    def _next_reference(self, conn: Connection, year: int) -> str:
        stmt = _NEXT_NUMBER_PG if self._db.is_postgres else _NEXT_NUMBER_SQLITE
        number = conn.execute(stmt, {"year": year}).scalar_one()
        return f"{REFERENCE_PREFIX}-{year}-{number:06d}"

    def _existing(self, channel: Channel, message_id: str) -> Feedback | None:
        with self._db.engine.connect() as conn:
            fid = conn.scalar(_EXISTING, {"channel": channel.value, "mid": message_id})
        return None if fid is None else self.get(fid)

    def get(self, feedback_id: int) -> Feedback:
        return self._one(_BY_ID, {"key": feedback_id}, str(feedback_id))

    def get_by_reference(self, reference: str) -> Feedback:
        return self._one(_BY_REFERENCE, {"key": reference.upper()}, reference)

    def _one(self, stmt: Select[Any], params: dict[str, Any], label: str) -> Feedback:
        with self._db.engine.connect() as conn:
            found = _load(conn, stmt, params)
        if not found:
            raise NotFound(f"feedback {label} does not exist", code="feedback.not_found")
        return found[0]

    def find(self, query: FeedbackQuery) -> Page[Feedback]:
        c = _FEEDBACK.c
        conditions: list[Any] = []
        if query.status is not None:
            conditions.append(c.status == query.status.value)
        if query.category is not None:
            conditions.append(c.category == query.category)
        if query.ward is not None:
            conditions.append(c.ward == query.ward)
        if query.channel is not None:
            conditions.append(c.channel == query.channel.value)
        if query.sender_id is not None:
            conditions.append(c.sender_id == query.sender_id)
        if query.received_from is not None:
            conditions.append(c.received_at >= query.received_from)
        if query.received_to is not None:
            conditions.append(c.received_at < query.received_to)
        if query.statuses:
            conditions.append(c.status.in_([s.value for s in query.statuses]))
        if query.categories:
            conditions.append(c.category.in_(query.categories))
        if query.references:
            conditions.append(c.reference.in_([r.upper() for r in query.references]))
        if query.channel_message_id is not None:
            conditions.append(c.channel_message_id == query.channel_message_id)
        page = (
            select(_FEEDBACK)
            .where(*conditions)
            .order_by(c.received_at.desc(), c.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        with self._db.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(_FEEDBACK).where(*conditions))
            items = tuple(_load(conn, page))
        return Page(items=items, total=int(total or 0), limit=query.limit, offset=query.offset)

    def pending_annotation(self, limit: int) -> Sequence[int]:
        c = _FEEDBACK.c
        stmt = select(c.id).where(c.annotation_state == AnnotationState.PENDING.value)
        with self._db.engine.connect() as conn:
            return list(conn.scalars(stmt.order_by(c.id).limit(limit)))

    def annotation_input(self, feedback_id: int) -> TextInput:
        with self._db.engine.connect() as conn:
            found = conn.execute(_ANNOTATION_INPUT, {"fid": feedback_id}).one_or_none()
        if found is None:
            raise NotFound(f"feedback {feedback_id} does not exist", code="feedback.not_found")
        return TextInput(*found)

    def save_annotation(
        self, feedback_id: int, annotation: Annotation, status: FeedbackStatus, actor: str
    ) -> None:
        r = annotation.routing
        now = datetime.now(UTC)
        fields = {
            "annotation": annotation.to_dict(),
            "annotation_state": AnnotationState.DONE.value,
            "annotation_error": None,
            "annotated_at": now,
            "category": r.category,
            "department": r.department,
            "confidence": r.confidence,
            "ward": annotation.place.ward,
            "street": annotation.place.street,
            "sentiment": _label(annotation.sentiment),
            "toxicity": _label(annotation.toxicity),
            "urgency": annotation.urgency.level if annotation.urgency else None,
            "is_spam": None if annotation.spam is None else annotation.spam.label == "spam",
            "is_relevant": (
                None if annotation.relevance is None else annotation.relevance.label == "relevant"
            ),
        }
        if annotation.redacted_text is not None:
            fields["redacted_text"] = annotation.redacted_text
            fields["search_text"] = _folded(annotation.redacted_text)
        with self._db.write_connection() as conn:
            current = self._current_status(conn, feedback_id)
            if current == FeedbackStatus.RECEIVED.value:
                fields["status"] = status.value
                reason = f"{r.category} ({r.confidence:.2f}) → {r.department or '-'}"
                event = FeedbackEvent(now, actor, current, status.value, reason)
                conn.execute(_INSERT_EVENT, {"feedback_id": feedback_id, **_event_values(event)})
            conn.execute(_UPDATE_BY_ID, {"fid": feedback_id, **fields})
            if annotation.embedding is not None:
                conn.execute(_DELETE_VECTOR, {"fid": feedback_id})
                conn.execute(
                    _INSERT_VECTOR,
                    {"feedback_id": feedback_id, "model": annotation.embedding_model or "?",
                     "vector": np.asarray(annotation.embedding, dtype=np.float16).tobytes()},
                )  # fmt: skip

    def vectors_since(
        self,
        since: datetime,
        *,
        open_only: bool,
        ward: str | None = None,
        category: str | None = None,
        limit: int = 1000,
        model: str | None = None,
        without_ward: bool = False,
    ) -> list[StoredVector]:
        """Embeddings of feedback received since ``since`` (newest first), optionally open only
        and in one ward."""
        c = _FEEDBACK.c
        stmt = (
            select(
                c.id,
                c.reference,
                c.ward,
                c.street,
                c.received_at,
                _VECTORS.c.vector,
                c.category,
                c.search_text,
                c.confidence,
            )
            .join(_VECTORS, _VECTORS.c.feedback_id == c.id)
            .where(c.received_at >= since)
        )
        if open_only:
            stmt = stmt.where(c.status.in_(_OPEN), c.duplicate_of.is_(None))
        if ward is not None:
            stmt = stmt.where(c.ward == ward)
        if category is not None:
            stmt = stmt.where(c.category == category)
        if model is not None:
            stmt = stmt.where(_VECTORS.c.model == model)
        if without_ward:
            stmt = stmt.where(c.ward.is_(None))
        stmt = stmt.order_by(c.received_at.desc()).limit(limit)
        with self._db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return []
        blob = b"".join(r.vector for r in rows)  # one conversion for all rows
        vectors = np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(len(rows), -1)
        return [
            StoredVector(
                r.id,
                r.reference,
                r.ward,
                r.street,
                r.received_at,
                v,
                r.category,
                r.search_text,
                r.confidence,
            )
            for r, v in zip(rows, vectors, strict=True)
        ]

    def save_duplicate_candidates(
        self, feedback_id: int, candidates: Sequence[tuple[int, float]]
    ) -> None:
        now = datetime.now(UTC)
        with self._db.write_connection() as conn:
            conn.execute(_DELETE_PROPOSED, {"fid": feedback_id})
            for candidate_id, score in candidates:
                conn.execute(
                    _INSERT_CANDIDATE,
                    {"feedback_id": feedback_id, "candidate_id": candidate_id, "score": score,
                     "state": "proposed", "created_at": now},
                )  # fmt: skip

    def duplicate_candidates(self, feedback_id: int) -> list[DuplicateCandidate]:
        d, f = _CANDIDATES.c, _FEEDBACK.c
        stmt = (
            select(d.feedback_id, d.candidate_id, f.reference, d.score, d.state)
            .join(_FEEDBACK, f.id == d.candidate_id)
            .where(d.feedback_id == feedback_id)
            .order_by(d.score.desc())
        )
        with self._db.engine.connect() as conn:
            return [DuplicateCandidate(*row) for row in conn.execute(stmt).all()]

    def _current_status(self, conn: Connection, feedback_id: int) -> str:
        stmt = _STATUS_FOR_UPDATE if self._db.is_postgres else _STATUS
        current = conn.execute(stmt, {"fid": feedback_id}).scalar()
        if current is None:
            raise NotFound(f"feedback {feedback_id} does not exist", code="feedback.not_found")
        return current

    def mark_duplicate(
        self, feedback_id: int, original_id: int, actor: str, reason: str | None
    ) -> Feedback:
        with self._db.write_connection() as conn:
            current = self._current_status(conn, feedback_id)
            root = conn.execute(_DUPLICATE_ROOT, {"fid": original_id}).one_or_none()
            if root is None:
                raise NotFound(f"feedback {original_id} does not exist", code="feedback.not_found")
            target = root.duplicate_of or original_id  # link to the first report, not a chain
            if target == feedback_id:
                raise Conflict("a feedback cannot duplicate itself", code="feedback.self_duplicate")
            note = f"duplicate of {root.reference}" + (f": {reason}" if reason else "")
            event = FeedbackEvent(datetime.now(UTC), actor, current, current, note)
            conn.execute(_INSERT_EVENT, {"feedback_id": feedback_id, **_event_values(event)})
            conn.execute(_UPDATE_BY_ID, {"fid": feedback_id, "duplicate_of": target})
        return self.get(feedback_id)

    def save_annotation_failure(self, feedback_id: int, error: str) -> None:
        fields = {
            "annotation_state": AnnotationState.FAILED.value,
            "annotation_error": error[:2000],
        }
        with self._db.write_connection() as conn:
            self._current_status(conn, feedback_id)
            conn.execute(_UPDATE_BY_ID, {"fid": feedback_id, **fields})

    def change_status(
        self, feedback_id: int, to: FeedbackStatus, actor: str, reason: str | None
    ) -> Feedback:
        with self._db.write_connection() as conn:
            current = FeedbackStatus(self._current_status(conn, feedback_id))
            if to not in TRANSITIONS[current]:
                raise Conflict(
                    f"cannot move feedback {feedback_id} from {current} to {to}",
                    code="feedback.illegal_transition",
                )
            event = FeedbackEvent(datetime.now(UTC), actor, current.value, to.value, reason)
            conn.execute(_INSERT_EVENT, {"feedback_id": feedback_id, **_event_values(event)})
            conn.execute(_UPDATE_BY_ID, {"fid": feedback_id, "status": to.value})
        return self.get(feedback_id)


def _label(value: Label | None) -> str | None:
    return None if value is None else value.label


def _folded(redacted: str | None) -> str | None:
    """What text search matches (``search_text``): the redacted text, folded."""
    return None if redacted is None else fold(redacted)


def _event_values(e: FeedbackEvent) -> dict[str, object]:
    return {"at": e.at, "actor": e.actor, "from_status": e.from_status,
            "to_status": e.to_status, "reason": e.reason}  # fmt: skip


def _load(
    conn: Connection, stmt: Select[Any], params: dict[str, Any] | None = None
) -> list[Feedback]:
    """Feedback rows of ``stmt`` with their events and whether they have a contact."""
    rows = conn.execute(stmt, params or {}).mappings().all()
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    events: dict[int, list[FeedbackEvent]] = {i: [] for i in ids}
    for ev in conn.execute(_EVENTS_OF, {"ids": ids}).mappings():
        events[ev["feedback_id"]].append(
            FeedbackEvent(ev["at"], ev["actor"], ev["from_status"], ev["to_status"], ev["reason"])
        )
    with_contact = set(conn.scalars(_CONTACTS_OF, {"ids": ids}))
    return [_feedback(r, tuple(events[r["id"]]), r["id"] in with_contact) for r in rows]


def _feedback(r: Any, events: tuple[FeedbackEvent, ...], has_contact: bool) -> Feedback:
    return Feedback(
        id=r["id"],
        reference=r["reference"],
        channel=Channel(r["channel"]),
        channel_message_id=r["channel_message_id"],
        sender_id=r["sender_id"],
        text=r["text"],
        received_at=r["received_at"],
        status=FeedbackStatus(r["status"]),
        location_text=r["location_text"],
        latitude=r["latitude"],
        longitude=r["longitude"],
        annotation_state=AnnotationState(r["annotation_state"]),
        annotation=r["annotation"],
        annotation_error=r["annotation_error"],
        category=r["category"],
        department=r["department"],
        ward=r["ward"],
        confidence=r["confidence"],
        duplicate_of=r["duplicate_of"],
        has_contact=has_contact,
        events=events,
        redacted_text=r["redacted_text"],
        street=r["street"],
        sentiment=r["sentiment"],
        toxicity=r["toxicity"],
        urgency=r["urgency"],
        is_spam=r["is_spam"],
        is_relevant=r["is_relevant"],
        priority=r["priority"],
        due_at=r["due_at"],
        extra=r["extra"],
    )
