"""Ports of officials' analytics: the aggregates and feedback reads, alerts, officials' chats.

SQL implements them in ``stores.sql.analytics_store`` and ``stores.sql.alert_store``; the
chat outbox (``ChatStore.enqueue``) and the account service (``official_chats``) are the
others, so alerts reach linked officials without the analytics knowing either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol

from core.analytics import (
    Alert,
    CaseExample,
    Counts,
    CubeCell,
    Dimension,
    Overview,
    Period,
    Slice,
)
from core.chat import ChatChannel
from core.chat_ports import Notification


class AggregateStore(Protocol):
    """``daily_aggregate``: kept in step with the feedback, read by every analytics answer."""

    def refresh_days(self, days: Iterable[date]) -> int:
        """Recount these local days from the feedback (delete + insert); rows written."""
        ...

    def changed_days(self, after_id: int, limit: int = 5000) -> tuple[set[date], int]:
        """Local days of feedback with id > ``after_id`` that annotation has finished, and the
        id to continue from (it stays before a report still being annotated)."""
        ...

    def corrected_days(self, after_id: int | None, limit: int = 5000) -> tuple[set[date], int]:
        """Local days of reports staff recategorised after correction ``after_id``, and the
        correction id to continue from (``None``: start after the last one)."""
        ...

    def resume_point(self) -> int:
        """Where ``changed_days`` starts in a new process: the last id, or just before the
        first report still being annotated."""
        ...

    def feedback_days(self) -> tuple[date, date] | None:
        """The first and last local day any feedback was received (None when there is none)."""
        ...

    def has_aggregates(self) -> bool: ...

    def totals(self, period: Period, where: Slice) -> Counts: ...

    def series(self, period: Period, where: Slice) -> list[tuple[date, Counts]]:
        """Counts per local day that has any (days without reports are left out)."""
        ...

    def breakdown(self, period: Period, where: Slice, by: Dimension) -> list[tuple[str, Counts]]:
        """Counts per value of ``by``, largest first ('' is the unknown value)."""
        ...

    def overview(self, period: Period, where: Slice) -> Overview:
        """``totals``, ``series`` and the three ``breakdown``s of one period, read together."""
        ...

    def cube(self, period: Period, category: str | None = None) -> list[CubeCell]:
        """Counts per day × category × ward, summed over channels."""
        ...


class CaseReader(Protocol):
    """The few reads of the feedback table that answers need besides the aggregates."""

    def examples(self, period: Period, where: Slice, departments: Sequence[str] | None,
                 limit: int = 5) -> list[CaseExample]:  # fmt: skip
        """Newest countable cases of the slice; ``departments`` restricts whose cases."""
        ...

    def overdue(self, now: datetime, where: Slice, departments: Sequence[str] | None,
                period: Period | None = None, limit: int = 20
                ) -> tuple[int, list[CaseExample]]:  # fmt: skip
        """How many open cases are past their due date, and the most overdue of them."""
        ...

    def overdue_by_category(self, now: datetime, departments: Sequence[str] | None
                            ) -> list[tuple[str, int]]:  # fmt: skip
        ...


class AnalyticsStore(AggregateStore, CaseReader, Protocol):
    """Both reads in one object (``stores.sql.analytics_store.SqlAnalyticsStore``)."""


class AlertStore(Protocol):
    """Detected spikes; the key (kind, category, ward, day) keeps each one stored once."""

    def add(self, alert: Alert) -> Alert | None:
        """Store a new alert (returned with its id); None when that spike is already stored."""
        ...

    def unsent(self, since: date) -> list[Alert]: ...

    def mark_sent(self, alert_id: int, at: datetime) -> None: ...

    def recent(self, limit: int = 50, since: date | None = None) -> list[Alert]: ...


class OfficialChats(Protocol):
    """Chat accounts (channel, user id) of linked officials: where alerts are sent."""

    def official_chats(self) -> list[tuple[str, str]]: ...


class Outbox(Protocol):
    """The chat notification outbox (``ChatStore.enqueue``); its worker sends and retries."""

    def enqueue(
        self, channel: ChatChannel, user_id: str, text: str, feedback_id: int | None
    ) -> Notification: ...
