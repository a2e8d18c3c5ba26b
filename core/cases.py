"""Triage of cases: the queue's filter, a case with its triage fields, the case view, bulk
results, service-level targets (the store's port is ``core.case_ports``).

A *case* is a feedback seen by staff: the same record plus who it is assigned to, when it is
due and whether it is late. The queue lists ``needs_triage`` and new cases, most urgent first
(staff's ``priority`` overrides the model's ``urgency``), oldest first within one urgency. A
list that takes in closed cases spans the whole history (a million rows after a few years):
unless another order is asked for it is newest first, and it is counted to ``COUNT_LIMIT``
only (``Page.total_capped``)::

    >>> page = triage.queue(principal, CaseFilter(category="thoat_nuoc", text="ngap"))
    >>> [(c.reference, c.effective_priority, c.overdue) for c in page.items]
    [('PA-2026-000012', 'critical', True), ('PA-2026-000031', 'normal', False)]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.types import (
    LOCAL_TZ,
    Channel,
    DuplicateCandidate,
    Feedback,
    FeedbackStatus,
    ScoredLabel,
    SimilarCase,
)

#: Urgency levels, most urgent first; staff priorities use the same words.
PRIORITIES: tuple[str, ...] = ("critical", "high", "normal", "low")
OPEN_STATUSES: tuple[FeedbackStatus, ...] = (
    FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED, FeedbackStatus.NEEDS_TRIAGE,
    FeedbackStatus.IN_PROGRESS,
)  # fmt: skip
#: What the queue lists when no status is asked for: waiting for a person, or new.
QUEUE_STATUSES: tuple[FeedbackStatus, ...] = (
    FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED,
)  # fmt: skip
CLOSED_STATUSES: frozenset[FeedbackStatus] = frozenset(
    {FeedbackStatus.RESOLVED, FeedbackStatus.REJECTED}
)
SORTS: tuple[str, ...] = ("urgency", "age", "due", "newest")
#: A list that takes in closed cases is counted up to this many (then "more than 10,000").
COUNT_LIMIT = 10_000
BULK_ACTIONS: tuple[str, ...] = ("assign", "status", "category", "priority", "content")
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What to list. Dates are local (Asia/Ho_Chi_Minh) days, ``date_to`` inclusive.

    ``statuses`` empty means the queue's (``QUEUE_STATUSES``); ``text`` matches the redacted
    text ignoring case and diacritics; merged duplicates are left out unless asked for.
    ``sort`` None: most urgent first, or newest first when closed cases are listed (urgency
    over the whole history would sort a million rows to show the 50 oldest critical ones).
    """

    statuses: tuple[FeedbackStatus, ...] = ()
    category: str | None = None
    ward: str | None = None
    channel: Channel | None = None
    department: str | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    priority: str | None = None  # the effective one (staff's, else the model's urgency)
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None
    overdue_only: bool = False
    include_duplicates: bool = False
    sort: str | None = None
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.sort is not None and self.sort not in SORTS:
            raise InvalidInput(f"sort must be one of {SORTS}", code="cases.bad_sort")
        if not 1 <= self.limit <= MAX_LIMIT or self.offset < 0:
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}, offset ≥ 0", code="cases.bad_page")
        if self.priority is not None and self.priority not in PRIORITIES:
            raise InvalidInput(f"priority must be one of {PRIORITIES}", code="cases.bad_priority")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidInput("date_from is after date_to", code="cases.bad_dates")

    @property
    def effective_statuses(self) -> tuple[FeedbackStatus, ...]:
        return self.statuses or QUEUE_STATUSES

    @property
    def spans_history(self) -> bool:
        """Closed cases can match: the list may reach over the whole table."""
        closed = any(s in CLOSED_STATUSES for s in self.effective_statuses)
        return closed and not self.overdue_only  # overdue cases are open ones

    @property
    def effective_sort(self) -> str:
        """The order asked for, else urgency for open cases and newest over the history."""
        if self.sort is not None:
            return self.sort
        return "newest" if self.spans_history else "urgency"

    def received_bounds(self) -> tuple[datetime | None, datetime | None]:
        """``[start, end)`` in local time for the date range."""
        start = _midnight(self.date_from) if self.date_from else None
        end = _midnight(self.date_to + timedelta(days=1)) if self.date_to else None
        return start, end


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def effective_priority(priority: str | None, urgency: str | None) -> str:
    """Staff's priority, else the model's urgency, else ``normal``."""
    if priority in PRIORITIES:
        return str(priority)
    return str(urgency) if urgency in PRIORITIES else "normal"


@dataclass(frozen=True, slots=True)
class Case(Feedback):
    """A feedback with its triage fields; it *is* a ``Feedback`` (the queue's items).

    Listed cases carry no events (``case()`` has the history)."""

    assignee_id: int | None = None
    assignee_name: str | None = None  # the account's display name, else its username
    closed_at: datetime | None = None
    overdue: bool = False

    @property
    def effective_priority(self) -> str:
        """Staff's priority, else the model's urgency, else ``normal``."""
        return effective_priority(self.priority, self.urgency)

    @property
    def priority_source(self) -> str:
        """``staff``, ``model`` or ``default``: who set the effective priority."""
        if self.priority in PRIORITIES:
            return "staff"
        return "model" if self.urgency in PRIORITIES else "default"


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One line of a case's history: a status event or an audit entry, oldest first.

    ``kind`` is ``event`` (``action`` "status", ``from_value``/``to_value`` are statuses) or
    ``audit`` (``action`` is the audit action, e.g. ``feedback.recategorized``)."""

    at: datetime
    actor: str
    kind: str
    action: str
    from_value: str | None = None
    to_value: str | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseNotification:
    """A message to the citizen about this case (the chat outbox), so staff see they were told."""

    created_at: datetime
    channel: str
    state: str  # pending, sent, held, failed
    sent_at: datetime | None
    text: str
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class CaseView:
    """Everything the case page shows; texts are redacted (``original_text`` is audited)."""

    feedback: Case
    duplicate_candidates: tuple[DuplicateCandidate, ...] = ()
    duplicate_of: str | None = None  # reference of the case this one was merged into
    merged: tuple[str, ...] = ()  # references of cases merged into this one
    similar: tuple[SimilarCase, ...] = ()
    alternatives: tuple[ScoredLabel, ...] = ()
    explanation: tuple[str, ...] = ()
    history: tuple[HistoryItem, ...] = ()
    notifications: tuple[CaseNotification, ...] = ()
    may_change: bool = False
    may_view_original: bool = False

    @property
    def due_at(self) -> datetime | None:
        return self.feedback.due_at

    @property
    def overdue(self) -> bool:
        return self.feedback.overdue

    @property
    def priority(self) -> str:
        return self.feedback.effective_priority

    @property
    def priority_source(self) -> str:
        return self.feedback.priority_source

    @property
    def assignee_id(self) -> int | None:
        return self.feedback.assignee_id


@dataclass(frozen=True, slots=True)
class BulkItem:
    """The outcome of a bulk action on one case; ``code`` is the error's code when it failed."""

    key: str
    ok: bool
    code: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    action: str
    items: tuple[BulkItem, ...]

    @property
    def succeeded(self) -> int:
        return sum(1 for i in self.items if i.ok)

    @property
    def failed(self) -> int:
        return len(self.items) - self.succeeded


@dataclass(frozen=True, slots=True)
class RoutingCorrection:
    """A staff decision on a routing, kept as a training label (the text is redacted).

    ``old_category == new_category`` records a confirmation: a verified label of a text the
    model routed (often one it was unsure of)."""

    feedback_id: int
    text: str
    old_category: str | None
    new_category: str
    old_department: str | None
    new_department: str | None
    actor: str
    at: datetime

    @property
    def is_change(self) -> bool:
        return self.old_category != self.new_category


@dataclass(frozen=True, slots=True)
class DueInput:
    """What a due date is computed from (backfill of rows that have none)."""

    feedback_id: int
    received_at: datetime
    category: str | None
    urgency: str | None
    priority: str | None


@dataclass(frozen=True, slots=True)
class SlaTarget:
    """Hours to resolve, with shorter targets for critical and high urgency."""

    hours: float
    critical: float | None = None
    high: float | None = None

    def hours_for(self, priority: str | None) -> float:
        special = {"critical": self.critical, "high": self.high}.get(priority or "")
        return self.hours if special is None else special


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """Service-level targets per category (``core/refdata/sla.json``: data, not code).

    >>> SlaTargets.load().hours("thoat_nuoc", "critical")
    12.0
    """

    default: SlaTarget
    by_category: dict[str, SlaTarget]

    def hours(self, category: str | None, priority: str | None) -> float:
        return self.by_category.get(category or "", self.default).hours_for(priority)

    def due(self, received_at: datetime, category: str | None, priority: str | None) -> datetime:
        return received_at + timedelta(hours=self.hours(category, priority))

    def check(self, category_codes: Sequence[str]) -> SlaTargets:
        """Refuse targets naming unknown categories (a renamed category must be renamed here)."""
        unknown = sorted(set(self.by_category) - set(category_codes))
        if unknown:
            raise InvalidInput(f"sla.json names unknown categories: {unknown}", code="sla.invalid")
        return self

    @classmethod
    def load(cls, directory: Path | None = None) -> SlaTargets:
        from core.reference import DEFAULT_DIR

        path = (directory or DEFAULT_DIR) / "sla.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                default=_target(doc["default"]),
                by_category={k: _target(v) for k, v in doc["categories"].items()},
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InvalidInput(f"cannot read {path}: {exc}", code="sla.invalid") from exc


def _target(raw: dict[str, Any]) -> SlaTarget:
    values = [raw["hours"], raw.get("critical"), raw.get("high")]
    if any(v is not None and (not isinstance(v, int | float) or v <= 0) for v in values):
        raise ValueError(f"hours must be positive numbers: {raw}")
    return SlaTarget(*(None if v is None else float(v) for v in values))  # type: ignore[arg-type]
