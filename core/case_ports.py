"""The port of the case store: what the triage workflow reads and writes beyond the feedback
store (``stores.sql.case_store.SqlCaseStore`` implements it).

    >>> store.find(CaseFilter(overdue_only=True), now).total
    4
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from core.accounts import Account
from core.cases import Case, CaseFilter, CaseNotification, DueInput, RoutingCorrection
from core.types import Page


class CaseStore(Protocol):
    """Reads and writes of the triage workflow (``stores.sql.case_store.SqlCaseStore``).

    Status changes and duplicate links go through ``FeedbackStore`` (they are events); this
    port owns the triage columns, routing corrections and the case's surroundings."""

    def find(self, f: CaseFilter, now: datetime) -> Page[Case]: ...

    def iter_cases(self, f: CaseFilter, now: datetime, batch: int = 500) -> Iterator[Case]:
        """Every case matching ``f`` (its page ignored), newest stored first, in batches."""
        ...

    def get(self, feedback_id: int | None, now: datetime, reference: str | None = None) -> Case:
        """One case with its events, by id or reference; ``NotFound`` when absent."""
        ...

    def references(self, ids: Sequence[int]) -> dict[int, str]: ...

    def merged_into(self, feedback_id: int) -> list[str]:
        """References of the cases merged into this one."""
        ...

    def notifications(self, feedback_id: int) -> list[CaseNotification]: ...

    def account(self, account_id: int) -> Account | None: ...

    def set_routing(
        self,
        feedback_id: int,
        category: str,
        department: str | None,
        due_at: datetime,
        correction: RoutingCorrection | None,
    ) -> None:
        """Category, department and due date, and the correction row, in one transaction."""
        ...

    def set_priority(self, feedback_id: int, priority: str | None, due_at: datetime) -> None: ...

    def set_content(self, feedback_id: int, toxicity: str | None, is_spam: bool | None) -> None:
        """Staff's word on the text: its toxicity label and whether it is spam."""
        ...

    def set_ward(self, feedback_id: int, ward: str | None, department: str | None) -> None:
        """The ward staff corrected, with the department that follows it, in one write."""
        ...

    def set_assignee(self, feedback_id: int, account_id: int | None) -> None: ...

    def set_closed(self, feedback_id: int, closed_at: datetime | None) -> None: ...

    def set_due(self, feedback_id: int, due_at: datetime, only_if_missing: bool = False) -> bool:
        """Set the due date; with ``only_if_missing`` a date already there stays. True if set."""
        ...

    def set_due_many(self, dues: Sequence[tuple[int, datetime]]) -> None:
        """Set due dates of rows that still have none."""
        ...

    def due_input(self, feedback_id: int) -> DueInput | None:
        """What the due date of a case without one is computed from (None: it has one)."""
        ...

    def missing_due(self, after_id: int, limit: int) -> list[DueInput]:
        """Rows without a due date and id > ``after_id``, by id."""
        ...

    def confirm_duplicate(self, feedback_id: int, candidate_id: int) -> bool:
        """Mark a proposed duplicate candidate confirmed; False when there was none."""
        ...

    def corrections(self) -> list[RoutingCorrection]:
        """Every stored routing correction, oldest first."""
        ...
