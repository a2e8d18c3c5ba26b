"""The triage side of the feedback tables: queue queries, triage columns, routing corrections.

Text search ignores case and diacritics through ``search_text``, the folded redacted text
(``core.text.fold``, written with it): the query is folded the same way ("Ngập" → "ngap") and
matched with ``LIKE '%ngap%'`` on both databases; PostgreSQL answers it from a trigram index
(migration 0009), SQLite scans the rows left by the other conditions.

A list that takes in closed cases spans the whole history: its count stops at
``COUNT_LIMIT`` + 1 rows (``Page.total_capped``), so it reads a bounded part of the table.

    >>> store = SqlCaseStore(db)
    >>> store.find(CaseFilter(text="ngap"), now).total
    3
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, Table, case, func, insert, select, update

from core.accounts import Account, Role
from core.cases import (
    COUNT_LIMIT,
    OPEN_STATUSES,
    Case,
    CaseFilter,
    CaseNotification,
    DueInput,
    RoutingCorrection,
)
from core.errors import NotFound
from core.text import fold
from core.types import Feedback, FeedbackEvent, Page
from stores.sql.db import Database, sql_errors
from stores.sql.feedback_store import _feedback
from stores.sql.tables import (
    AccountRow,
    ChatNotificationRow,
    ContactRow,
    DuplicateCandidateRow,
    EventRow,
    FeedbackRow,
    RoutingCorrectionRow,
)

_FEEDBACK: Table = FeedbackRow.__table__  # type: ignore[assignment]
_ACCOUNTS: Table = AccountRow.__table__  # type: ignore[assignment]
_EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
_CONTACTS: Table = ContactRow.__table__  # type: ignore[assignment]
_CANDIDATES: Table = DuplicateCandidateRow.__table__  # type: ignore[assignment]
_NOTIFICATIONS: Table = ChatNotificationRow.__table__  # type: ignore[assignment]
_CORRECTIONS: Table = RoutingCorrectionRow.__table__  # type: ignore[assignment]
_OPEN = [s.value for s in OPEN_STATUSES]
_F = _FEEDBACK.c
_RANK = case(
    {"critical": 0, "high": 1, "normal": 2, "low": 3},
    value=func.coalesce(_F.priority, _F.urgency),
    else_=2,
)
_ORDER = {
    "urgency": (_RANK, _F.received_at, _F.id),
    "age": (_F.received_at, _F.id),
    # NULLS LAST is PostgreSQL's own ascending order: the open-cases index (due_at, id) serves it.
    "due": (_F.due_at.asc().nulls_last(), _F.id),
    "newest": (_F.received_at.desc(), _F.id.desc()),
}
_DUE_INPUT = select(_F.id, _F.received_at, _F.category, _F.urgency, _F.priority)
_CASE_COLUMNS = select(
    _FEEDBACK,
    _ACCOUNTS.c.username.label("assignee_username"),
    _ACCOUNTS.c.display_name.label("assignee_display"),
).outerjoin(_ACCOUNTS, _ACCOUNTS.c.id == _F.assignee_id)


class SqlCaseStore:
    """``core.case_ports.CaseStore`` on the feedback tables (SQLite and PostgreSQL)."""

    def __init__(self, db: Database, count_limit: int = COUNT_LIMIT) -> None:
        self._db = db
        self._count_limit = count_limit

    def find(self, f: CaseFilter, now: datetime) -> Page[Case]:
        conditions = _conditions(f, now)
        stmt = _CASE_COLUMNS.where(*conditions).order_by(*_ORDER[f.effective_sort])
        with sql_errors("case query"), self._db.engine.connect() as conn:
            total, capped = _count(conn, conditions, self._count_limit if f.spans_history else None)
            items = _cases(conn, stmt.limit(f.limit).offset(f.offset), now)
        return Page(items=tuple(items), total=total, limit=f.limit, offset=f.offset,
                    total_capped=capped)  # fmt: skip

    def iter_cases(self, f: CaseFilter, now: datetime, batch: int = 500) -> Iterator[Case]:
        conditions = _conditions(f, now)
        last: int | None = None
        while True:
            stmt = _CASE_COLUMNS.where(*conditions).order_by(_F.id.desc()).limit(batch)
            if last is not None:
                stmt = stmt.where(_F.id < last)
            with sql_errors("case export"), self._db.engine.connect() as conn:
                items = _cases(conn, stmt, now)
            yield from items
            if len(items) < batch:
                return
            last = items[-1].id

    def get(self, feedback_id: int | None, now: datetime, reference: str | None = None) -> Case:
        key = _F.id == feedback_id if feedback_id is not None else _F.reference == reference
        with sql_errors("case read"), self._db.engine.connect() as conn:
            found = _cases(conn, _CASE_COLUMNS.where(key), now, with_events=True)
        if not found:
            label = feedback_id if feedback_id is not None else reference
            raise NotFound(f"feedback {label} does not exist", code="feedback.not_found")
        return found[0]

    def references(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        stmt = select(_F.id, _F.reference).where(_F.id.in_(list(ids)))
        with self._db.engine.connect() as conn:
            return {row.id: row.reference for row in conn.execute(stmt)}

    def merged_into(self, feedback_id: int) -> list[str]:
        stmt = select(_F.reference).where(_F.duplicate_of == feedback_id).order_by(_F.id)
        with self._db.engine.connect() as conn:
            return list(conn.scalars(stmt))

    def notifications(self, feedback_id: int) -> list[CaseNotification]:
        n = _NOTIFICATIONS.c
        stmt = select(_NOTIFICATIONS).where(n.feedback_id == feedback_id).order_by(n.id)
        with self._db.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        return [
            CaseNotification(r["created_at"], r["channel"], r["state"], r["sent_at"], r["text"],
                             r["attempts"])
            for r in rows
        ]  # fmt: skip

    def account(self, account_id: int) -> Account | None:
        stmt = select(_ACCOUNTS).where(_ACCOUNTS.c.id == account_id)
        with self._db.engine.connect() as conn:
            r = conn.execute(stmt).mappings().one_or_none()
        if r is None:
            return None
        return Account(r["id"], r["username"], r["display_name"], Role(r["role"]),
                       r["department"], r["active"], r["created_at"])  # fmt: skip

    def set_routing(
        self,
        feedback_id: int,
        category: str,
        department: str | None,
        due_at: datetime,
        correction: RoutingCorrection | None,
    ) -> None:
        values = {"category": category, "department": department, "due_at": due_at}
        with sql_errors("case write"), self._db.write_connection() as conn:
            _update(conn, feedback_id, values)
            if correction is not None:
                conn.execute(insert(_CORRECTIONS).values(**_correction_values(correction)))

    def set_priority(self, feedback_id: int, priority: str | None, due_at: datetime) -> None:
        self._set(feedback_id, {"priority": priority, "due_at": due_at})

    def set_content(self, feedback_id: int, toxicity: str | None, is_spam: bool | None) -> None:
        self._set(feedback_id, {"toxicity": toxicity, "is_spam": is_spam})

    def set_ward(self, feedback_id: int, ward: str | None, department: str | None) -> None:
        self._set(feedback_id, {"ward": ward, "department": department})

    def set_assignee(self, feedback_id: int, account_id: int | None) -> None:
        self._set(feedback_id, {"assignee_id": account_id})

    def set_closed(self, feedback_id: int, closed_at: datetime | None) -> None:
        self._set(feedback_id, {"closed_at": closed_at})

    def set_due(self, feedback_id: int, due_at: datetime, only_if_missing: bool = False) -> bool:
        stmt = update(_FEEDBACK).where(_F.id == feedback_id).values(due_at=due_at)
        if only_if_missing:
            stmt = stmt.where(_F.due_at.is_(None))
        with sql_errors("case write"), self._db.write_connection() as conn:
            return bool(conn.execute(stmt).rowcount)

    def set_due_many(self, dues: Sequence[tuple[int, datetime]]) -> None:
        if not dues:
            return
        with sql_errors("case write"), self._db.write_connection() as conn:
            for feedback_id, due_at in dues:  # a date set meanwhile (by staff) stays
                stmt = update(_FEEDBACK).where(_F.id == feedback_id, _F.due_at.is_(None))
                conn.execute(stmt.values(due_at=due_at))

    def due_input(self, feedback_id: int) -> DueInput | None:
        stmt = _DUE_INPUT.where(_F.id == feedback_id, _F.due_at.is_(None))
        with self._db.engine.connect() as conn:
            row = conn.execute(stmt).one_or_none()
        return None if row is None else DueInput(*row)

    def missing_due(self, after_id: int, limit: int) -> list[DueInput]:
        stmt = _DUE_INPUT.where(_F.id > after_id, _F.due_at.is_(None)).order_by(_F.id).limit(limit)
        with self._db.engine.connect() as conn:
            return [DueInput(*row) for row in conn.execute(stmt)]

    def confirm_duplicate(self, feedback_id: int, candidate_id: int) -> bool:
        d = _CANDIDATES.c
        stmt = (
            update(_CANDIDATES)
            .where(d.feedback_id == feedback_id, d.candidate_id == candidate_id)
            .values(state="confirmed")
        )
        with sql_errors("case write"), self._db.write_connection() as conn:
            return bool(conn.execute(stmt).rowcount)

    def corrections(self) -> list[RoutingCorrection]:
        c = _CORRECTIONS.c
        stmt = select(
            c.feedback_id, c.text, c.old_category, c.new_category, c.old_department,
            c.new_department, c.actor, c.at,
        ).order_by(c.id)  # fmt: skip
        with sql_errors("corrections read"), self._db.engine.connect() as conn:
            return [RoutingCorrection(*row) for row in conn.execute(stmt)]

    def _set(self, feedback_id: int, values: dict[str, Any]) -> None:
        with sql_errors("case write"), self._db.write_connection() as conn:
            _update(conn, feedback_id, values)


def _update(conn: Connection, feedback_id: int, values: dict[str, Any]) -> None:
    done = conn.execute(update(_FEEDBACK).where(_F.id == feedback_id).values(**values))
    if not done.rowcount:
        raise NotFound(f"feedback {feedback_id} does not exist", code="feedback.not_found")


def _correction_values(c: RoutingCorrection) -> dict[str, Any]:
    return {
        "feedback_id": c.feedback_id, "text": c.text, "old_category": c.old_category,
        "new_category": c.new_category, "old_department": c.old_department,
        "new_department": c.new_department, "actor": c.actor[:100], "at": c.at,
    }  # fmt: skip


def _count(conn: Connection, conditions: list[Any], cap: int | None) -> tuple[int, bool]:
    """The number of matches; with a cap, at most ``cap`` and whether there are more (it
    counts ``cap`` + 1 rows of a LIMITed subquery instead of every match in the history)."""
    if cap is None:
        total = conn.scalar(select(func.count()).select_from(_FEEDBACK).where(*conditions))
        return int(total or 0), False
    found = select(_F.id).where(*conditions).limit(cap + 1).subquery()
    n = int(conn.scalar(select(func.count()).select_from(found)) or 0)
    return min(n, cap), n > cap


def _conditions(f: CaseFilter, now: datetime) -> list[Any]:
    out: list[Any] = [_F.status.in_([s.value for s in f.effective_statuses])]
    equal = {"category": f.category, "ward": f.ward, "department": f.department,
             "assignee_id": f.assignee_id, "channel": f.channel and f.channel.value}  # fmt: skip
    out += [_F[name] == value for name, value in equal.items() if value is not None]
    if f.unassigned:
        out.append(_F.assignee_id.is_(None))
    if f.priority is not None:
        out.append(func.coalesce(_F.priority, _F.urgency, "normal") == f.priority)
    start, end = f.received_bounds()
    if start is not None:
        out.append(_F.received_at >= start)
    if end is not None:
        out.append(_F.received_at < end)
    words = fold(f.text[:200]) if f.text else ""
    if words:
        out.append(_F.search_text.like(like_pattern(words), escape="/"))
    if f.overdue_only:
        out += [_F.status.in_(_OPEN), _F.due_at < now]
    if not f.include_duplicates:
        out.append(_F.duplicate_of.is_(None))
    return out


def like_pattern(folded: str) -> str:
    """``%folded%`` for ``LIKE … ESCAPE '/'``: what the user typed matches only itself.

    >>> like_pattern("50%_a/b")
    '%50/%/_a//b%'
    """
    escaped = folded.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _cases(
    conn: Connection, stmt: Select[Any], now: datetime, with_events: bool = False
) -> list[Case]:
    rows = conn.execute(stmt).mappings().all()
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    contacts = set(conn.scalars(select(_CONTACTS.c.feedback_id).where(
        _CONTACTS.c.feedback_id.in_(ids))))  # fmt: skip
    events = _events(conn, ids) if with_events else {}
    return [_case(r, events.get(r["id"], ()), r["id"] in contacts, now) for r in rows]


def _events(conn: Connection, ids: list[int]) -> dict[int, tuple[FeedbackEvent, ...]]:
    e = _EVENTS.c
    stmt = select(_EVENTS).where(e.feedback_id.in_(ids)).order_by(e.id)
    out: dict[int, list[FeedbackEvent]] = {}
    for ev in conn.execute(stmt).mappings():
        out.setdefault(ev["feedback_id"], []).append(
            FeedbackEvent(ev["at"], ev["actor"], ev["from_status"], ev["to_status"], ev["reason"])
        )
    return {k: tuple(v) for k, v in out.items()}


_FEEDBACK_FIELDS = tuple(f.name for f in fields(Feedback))


def _case(r: Any, events: tuple[FeedbackEvent, ...], has_contact: bool, now: datetime) -> Case:
    fb = _feedback(r, events, has_contact)
    base = {name: getattr(fb, name) for name in _FEEDBACK_FIELDS}
    due = r["due_at"]
    # A merged duplicate is not late: the case it was merged into carries the work.
    overdue = due is not None and due < now and r["status"] in _OPEN and not r["duplicate_of"]
    name = r["assignee_display"] or r["assignee_username"]
    return Case(**base, assignee_id=r["assignee_id"], assignee_name=name,
                closed_at=r["closed_at"], overdue=overdue)  # fmt: skip
