"""Service-level targets: when each case is due, and which cases are late.

A case is due ``received_at`` + the target hours of its category at its effective priority
(``core/refdata/sla.json``). The date is set when the router has run (the annotation
worker's hook), again when staff change the category or the priority, and by ``backfill``
for rows stored before due dates existed. A case without a category gets the default target,
so none can escape the overdue list. Overdue = open, not merged, and ``due_at`` < now.

    >>> sla = SlaService(case_store, SlaTargets.load())
    >>> sla.on_annotated(feedback_id)         # the annotation worker calls this
    >>> sla.backfill()                        # at start-up
    120
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from core.case_ports import CaseStore
from core.cases import (
    OPEN_STATUSES,
    Case,
    CaseFilter,
    SlaTargets,
    effective_priority,
)

log = logging.getLogger(__name__)


class SlaService:
    """Due dates and the overdue list (access checks are the triage service's)."""

    def __init__(
        self,
        cases: CaseStore,
        targets: SlaTargets,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._cases = cases
        self._targets = targets
        self._clock = clock

    @property
    def targets(self) -> SlaTargets:
        return self._targets

    def now(self) -> datetime:
        return self._clock()

    def due_for(
        self, received_at: datetime, category: str | None, priority: str | None, urgency: str | None
    ) -> datetime:
        """When a case with these fields is due (``priority`` is staff's, or None)."""
        level = effective_priority(priority, urgency)
        return self._targets.due(received_at, category, level)

    def on_annotated(self, feedback_id: int) -> None:
        """Give a freshly routed case its due date (one it already has stays)."""
        found = self._cases.due_input(feedback_id)
        if found is None:
            return
        due = self.due_for(found.received_at, found.category, found.priority, found.urgency)
        if self._cases.set_due(feedback_id, due, only_if_missing=True):
            log.debug("sla.due_set id=%s", feedback_id)

    def backfill(self, batch: int = 500) -> int:
        """Set the due date of every row that has none; returns how many were set."""
        done, last = 0, 0
        while rows := self._cases.missing_due(last, batch):
            dues = [
                (r.feedback_id, self.due_for(r.received_at, r.category, r.priority, r.urgency))
                for r in rows
            ]
            self._cases.set_due_many(dues)
            done += len(dues)
            last = rows[-1].feedback_id
        if done:
            log.info("sla.backfilled count=%d", done)
        return done

    def overdue(self, department: str | None = None, limit: int = 100) -> list[Case]:
        """Open cases past their due date, the longest overdue first."""
        f = CaseFilter(statuses=OPEN_STATUSES, department=department, overdue_only=True,
                       sort="due", limit=limit)  # fmt: skip
        return list(self._cases.find(f, self.now()).items)
