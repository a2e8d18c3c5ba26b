"""Daily aggregates and the feedback reads of analytics answers, in SQL built by code.

``daily_aggregate`` holds counts per local day (Asia/Ho_Chi_Minh) × category × ward × channel.
A day is recounted as a whole (delete + insert … select over the UTC range of that local day),
so a refresh is idempotent and a recategorised report moves between rows on the next refresh.
Reports the models call spam or irrelevant are not counted anywhere in analytics.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    Table,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    tuple_,
    union_all,
)

from core.analytics import (
    CaseExample,
    Counts,
    CubeCell,
    Dimension,
    Overview,
    Period,
    Slice,
    day_start,
    local_day,
)
from core.types import WITHHELD_TOXICITY, AnnotationState, FeedbackStatus
from stores.sql.db import Database, sql_errors
from stores.sql.tables import DailyAggregateRow, FeedbackRow, RoutingCorrectionRow

log = logging.getLogger(__name__)

_F: Table = FeedbackRow.__table__  # type: ignore[assignment]
_A: Table = DailyAggregateRow.__table__  # type: ignore[assignment]
_C: Table = RoutingCorrectionRow.__table__  # type: ignore[assignment]
_EMPTY = literal_column("''")  # one literal, so GROUP BY repeats the SELECT's expression
_OPEN = [s.value for s in (FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED,
                           FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.IN_PROGRESS)]  # fmt: skip
_SUMS = (
    func.coalesce(func.sum(_A.c.total), 0),
    func.coalesce(func.sum(_A.c.negative), 0),
    func.coalesce(func.sum(_A.c.neutral), 0),
    func.coalesce(func.sum(_A.c.positive), 0),
)


def countable() -> ColumnElement[bool]:
    """Reports that count in analytics: not spam, not irrelevant (unknown counts)."""
    return _F.c.is_spam.is_not(True) & _F.c.is_relevant.is_not(False)


def _received_in(period: Period) -> list[ColumnElement[bool]]:
    return [
        _F.c.received_at >= day_start(period.start),
        _F.c.received_at < day_start(period.end + timedelta(days=1)),
    ]


def _sentiment(label: str) -> Any:
    return func.sum(case((_F.c.sentiment == label, 1), else_=0))


def _count_day(day: date) -> Select[Any]:
    category = func.coalesce(_F.c.category, _EMPTY)
    ward = func.coalesce(_F.c.ward, _EMPTY)
    return (
        select(literal(day, Date()), category, ward, _F.c.channel, func.count(),
               _sentiment("negative"), _sentiment("neutral"), _sentiment("positive"))
        .where(*_received_in(Period(day, day)), countable())
        .group_by(category, ward, _F.c.channel)
    )  # fmt: skip


def _counts(row: Sequence[Any]) -> Counts:
    return Counts(*(int(v or 0) for v in row))


class SqlAnalyticsStore:
    """``AggregateStore`` and ``CaseReader`` on the feedback database.

    >>> store = SqlAnalyticsStore(db)
    >>> store.refresh_days([date(2026, 11, 27)])
    >>> store.totals(Period(date(2026, 11, 23), date(2026, 11, 27)), Slice("thoat_nuoc"))
    Counts(total=12, negative=9, neutral=3, positive=0)
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    # --- keeping the aggregates in step --------------------------------------------------
    def refresh_days(self, days: Iterable[date]) -> int:
        written = 0
        columns = ["day", "category", "ward", "channel", "total", "negative", "neutral",
                   "positive"]  # fmt: skip
        ordered = sorted(set(days))
        for chunk in (ordered[i : i + 31] for i in range(0, len(ordered), 31)):
            with sql_errors("aggregate refresh", "analytics.database_failed"), \
                    self._db.write_connection() as conn:  # fmt: skip
                conn.execute(delete(_A).where(_A.c.day.in_(chunk)))
                for day in chunk:
                    stmt = insert(_A).from_select(columns, _count_day(day)).returning(_A.c.day)
                    written += len(conn.execute(stmt).all())  # rowcount: -1 or 0 on psycopg
        return written

    def changed_days(self, after_id: int, limit: int = 5000) -> tuple[set[date], int]:
        stmt = (
            select(_F.c.id, _F.c.received_at, _F.c.annotation_state)
            .where(_F.c.id > after_id)
            .order_by(_F.c.id)
            .limit(limit)
        )
        rows = self._read(stmt)
        pending = [r.id for r in rows if r.annotation_state == AnnotationState.PENDING.value]
        waiting = set(pending)
        days = {local_day(r.received_at) for r in rows if r.id not in waiting}
        if pending:
            return days, min(pending) - 1
        return days, rows[-1].id if rows else after_id

    def corrected_days(self, after_id: int | None, limit: int = 5000) -> tuple[set[date], int]:
        if after_id is None:  # a new process: start after the last correction
            return set(), int(self._read(select(func.max(_C.c.id)))[0][0] or 0)
        stmt = (
            select(_C.c.id, _F.c.received_at)
            .join(_F, _F.c.id == _C.c.feedback_id)
            .where(_C.c.id > after_id)
            .order_by(_C.c.id)
            .limit(limit)
        )
        rows = self._read(stmt)
        return {local_day(r.received_at) for r in rows}, rows[-1].id if rows else after_id

    def resume_point(self) -> int:
        last = self._read(select(func.max(_F.c.id)))[0][0] or 0
        pending = select(func.min(_F.c.id)).where(
            _F.c.annotation_state == AnnotationState.PENDING.value
        )
        first_pending = self._read(pending)[0][0]
        return last if first_pending is None else min(last, first_pending - 1)

    def feedback_days(self) -> tuple[date, date] | None:
        rows = self._read(select(func.min(_F.c.received_at), func.max(_F.c.received_at)))
        first, last = rows[0]
        if first is None:
            return None
        return local_day(_aware(first)), local_day(_aware(last))

    def has_aggregates(self) -> bool:
        return bool(self._read(select(_A.c.day).limit(1)))

    # --- reading them ----------------------------------------------------------------------
    def totals(self, period: Period, where: Slice) -> Counts:
        return _counts(self._read(select(*_SUMS).where(*self._filters(period, where)))[0])

    def series(self, period: Period, where: Slice) -> list[tuple[date, Counts]]:
        stmt = (
            select(_A.c.day, *_SUMS)
            .where(*self._filters(period, where))
            .group_by(_A.c.day)
            .order_by(_A.c.day)
        )
        return [(_as_date(r[0]), _counts(r[1:])) for r in self._read(stmt)]

    def breakdown(self, period: Period, where: Slice, by: Dimension) -> list[tuple[str, Counts]]:
        column = _A.c[by.value]
        stmt = (
            select(column, *_SUMS)
            .where(*self._filters(period, where))
            .group_by(column)
            .order_by(_SUMS[0].desc(), column)
        )
        return [(r[0], _counts(r[1:])) for r in self._read(stmt)]

    def overview(self, period: Period, where: Slice) -> Overview:
        """One statement instead of five: rows per day and per (category, ward, channel),
        summed here into the totals and the three breakdowns (at most a few thousand rows).
        PostgreSQL reads the period once (GROUPING SETS); SQLite has no grouping sets, so
        there it is a UNION ALL of the two groupings."""
        conds = self._filters(period, where)
        dims = (_A.c.category, _A.c.ward, _A.c.channel)
        stmt: Any
        if self._db.engine.dialect.name == "postgresql":
            sets = func.grouping_sets(tuple_(_A.c.day), tuple_(*dims))
            stmt = select(_A.c.day, *dims, *_SUMS).where(*conds).group_by(sets)
        else:
            by_day = select(_A.c.day, null(), null(), null(), *_SUMS).where(*conds)
            by_dims = select(null(), *dims, *_SUMS).where(*conds).group_by(*dims)
            stmt = union_all(by_day.group_by(_A.c.day), by_dims)
        return _overview(self._read(stmt))

    def cube(self, period: Period, category: str | None = None) -> list[CubeCell]:
        where = Slice(category=category)
        stmt = (
            select(_A.c.day, _A.c.category, _A.c.ward, _SUMS[0], _SUMS[1])
            .where(*self._filters(period, where))
            .group_by(_A.c.day, _A.c.category, _A.c.ward)
        )
        return [CubeCell(_as_date(d), c, w, int(t), int(n)) for d, c, w, t, n in self._read(stmt)]

    # --- cases -----------------------------------------------------------------------------
    def examples(self, period: Period, where: Slice, departments: Sequence[str] | None,
                 limit: int = 5) -> list[CaseExample]:  # fmt: skip
        """The newest countable cases of the slice whose text may be shown (not abusive)."""
        shown = func.coalesce(_F.c.toxicity, _EMPTY).not_in(sorted(WITHHELD_TOXICITY))
        stmt = (
            _case_columns()
            .where(*_received_in(period), countable(), shown, *_case_filters(where, departments))
            .order_by(_F.c.received_at.desc(), _F.c.id.desc())
            .limit(limit)
        )
        return [_example(r) for r in self._read(stmt)]

    def overdue(self, now: datetime, where: Slice, departments: Sequence[str] | None,
                period: Period | None = None, limit: int = 20
                ) -> tuple[int, list[CaseExample]]:  # fmt: skip
        conds = [*_overdue(now), *_case_filters(where, departments)]
        if period is not None:
            conds += _received_in(period)
        total = self._read(select(func.count()).select_from(_F).where(*conds))[0][0]
        stmt = _case_columns().where(*conds).order_by(_F.c.due_at, _F.c.id).limit(limit)
        return int(total), [_example(r) for r in self._read(stmt)]

    def overdue_by_category(self, now: datetime, departments: Sequence[str] | None
                            ) -> list[tuple[str, int]]:  # fmt: skip
        category = func.coalesce(_F.c.category, _EMPTY)
        stmt = (
            select(category, func.count())
            .where(*_overdue(now), *_case_filters(Slice(), departments))
            .group_by(category)
            .order_by(func.count().desc(), category)
        )
        return [(c, int(n)) for c, n in self._read(stmt)]

    def _filters(self, period: Period, where: Slice) -> list[ColumnElement[bool]]:
        conds = [_A.c.day >= period.start, _A.c.day <= period.end]
        for dimension in Dimension:
            value = getattr(where, dimension.value)
            if value is not None:
                conds.append(_A.c[dimension.value] == value)
        return conds

    def _read(self, stmt: Any) -> list[Any]:
        with sql_errors("analytics read", "analytics.database_failed"), \
                self._db.engine.connect() as conn:  # fmt: skip
            return list(conn.execute(stmt).all())


def _overview(rows: Sequence[Any]) -> Overview:
    """Rows with a day are the series; the others are summed per category, ward, channel."""
    days = ((_as_date(r[0]), _counts(r[4:])) for r in rows if r[0] is not None)
    series = sorted(days, key=lambda dc: dc[0])
    sums: list[dict[str, list[int]]] = [{}, {}, {}]  # category, ward, channel → 4 counts
    for row in (r for r in rows if r[0] is None):
        for by, key in zip(sums, row[1:4], strict=True):
            acc = by.setdefault(key, [0, 0, 0, 0])
            for n, value in enumerate(row[4:]):
                acc[n] += int(value or 0)
    by_category, by_ward, by_channel = (_ranked(by) for by in sums)
    total = sum((c for _, c in series), Counts())
    return Overview(total, tuple(series), by_category, by_ward, by_channel)


def _ranked(sums: dict[str, list[int]]) -> tuple[tuple[str, Counts], ...]:
    """Largest first, then by value: the order of ``breakdown``."""
    pairs = ((key, Counts(*counts)) for key, counts in sums.items())
    return tuple(sorted(pairs, key=lambda kc: (-kc[1].total, kc[0])))


def _case_columns() -> Select[Any]:
    return select(_F.c.reference, _F.c.redacted_text, _F.c.received_at, _F.c.category,
                  _F.c.ward, _F.c.due_at)  # fmt: skip


def _case_filters(where: Slice, departments: Sequence[str] | None) -> list[ColumnElement[bool]]:
    conds = [_F.c[d.value] == getattr(where, d.value) for d in Dimension
             if getattr(where, d.value) is not None]  # fmt: skip
    if departments is not None:
        conds.append(_F.c.department.in_(list(departments)))
    return conds


def _overdue(now: datetime) -> list[ColumnElement[bool]]:
    return [_F.c.status.in_(_OPEN), _F.c.due_at < now, _F.c.duplicate_of.is_(None)]


def _example(row: Any) -> CaseExample:
    return CaseExample(row.reference, row.redacted_text or "", _aware(row.received_at),
                       row.category, row.ward, row.due_at)  # fmt: skip


def _aware(value: datetime) -> datetime:
    """Aggregates such as MIN() bypass the column type: SQLite gives naive UTC, or a string."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
