"""The triage workflow: the queue, the case view and every staff action on a case.

One place checks access for REST, web pages and bots alike: reads need ``view_cases``,
changes ``change_cases``, the original text ``view_original`` (with a reason, audited).
A department account sees only its department's cases; any other case is ``NotFound`` for
it (not ``Forbidden``: it learns nothing). Every change writes one ``AuditEntry``
(actor = ``principal.label``, target = the reference, ``details`` with ``from``/``to``).
Status changes go through ``FeedbackService.change_status``, so the citizen is told.

Confirming or changing a routing stores a ``routing_correction`` with the redacted text
(a confirmation has old == new category: a verified label of a text the model routed), and
hands a case waiting in triage to its department (status ``routed``).

    >>> triage = TriageService(feedback, case_store, audit_log, reference, sla)
    >>> page = triage.queue(principal, CaseFilter(ward="Hiệp Bình"))
    >>> triage.recategorize(principal, "PA-2026-000012", "thoat_nuoc", note="ngập, không phải ổ gà")
    >>> triage.change_status(principal, "PA-2026-000012", "resolved", "Đã nạo vét cống")
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from core.accounts import (
    Permission,
    Principal,
    Role,
    assignment_refusal,
    may,
    sees_department,
)
from core.audit import AuditEntry, AuditLog
from core.case_ports import CaseStore
from core.cases import (
    CLOSED_STATUSES,
    BulkResult,
    Case,
    CaseFilter,
    CaseView,
    RoutingCorrection,
)
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.reference import ReferenceData
from core.types import (
    WITHHELD_TOXICITY,
    AnnotationState,
    FeedbackStatus,
    Page,
)
from services.intake import FeedbackService
from services.sla import SlaService
from services.triage_bulk import clean_note, parse_flag, parse_priority, parse_status, run_bulk
from services.triage_export import BOM, COLUMNS, csv_lines
from services.triage_view import case_view

log = logging.getLogger(__name__)

_REFERENCE = re.compile(r"^PA-\d{4}-\d{6,}$", re.I)
_WAITING = (FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.RECEIVED)


class TriageService:
    """Use cases of staff on cases; every method checks the principal itself."""

    def __init__(
        self,
        feedback: FeedbackService,
        cases: CaseStore,
        audit: AuditLog,
        reference: ReferenceData,
        sla: SlaService,
        on_counts_changed: Callable[[datetime], None] | None = None,
    ) -> None:
        """``on_counts_changed(received_at)`` runs after a change that moves the day's counts
        (category, ward, spam or not): the analytics recount that day, so the dashboard does not
        wait for its background job."""
        self._feedback = feedback
        self._on_counts_changed = on_counts_changed
        self._cases = cases
        self._audit_log = audit
        self._reference = reference
        self._sla = sla

    # --- reads -------------------------------------------------------------------------------

    def queue(self, p: Principal, f: CaseFilter) -> Page[Case]:
        """Cases matching ``f`` (by default the queue: needs_triage and new), most urgent and
        oldest first; with closed cases newest first, counted to ``COUNT_LIMIT``
        (``Page.total_capped``). Items are ``Feedback`` with triage fields (``core.cases.Case``)."""
        _require(p, Permission.VIEW_CASES)
        scoped = _scoped(p, f)
        if scoped is None:
            return Page(items=(), total=0, limit=f.limit, offset=f.offset)
        return self._cases.find(scoped, self._sla.now())

    def case(self, p: Principal, key: str | int) -> CaseView:
        _require(p, Permission.VIEW_CASES)
        found = self._load(p, key)
        return case_view(
            found,
            self._cases,
            self._audit_log,
            self._feedback.duplicate_candidates(found.id),
            may_change=may(p, Permission.CHANGE_CASES),
            may_view_original=may(p, Permission.VIEW_ORIGINAL),
        )

    def original_text(self, p: Principal, key: str | int, reason: str, ip: str | None = None
                      ) -> str:  # fmt: skip
        """The unredacted text; the reason is required and the view is audited."""
        _require(p, Permission.VIEW_ORIGINAL)
        found = self._load(p, key)
        why = clean_note(reason)
        if why is None or len(why) < 3:
            raise InvalidInput("say why the original text is needed", code="triage.reason_required")
        self._audit(p, "feedback.original_viewed", found, why, ip=ip)
        return found.text

    def overdue(self, p: Principal, limit: int = 100) -> list[Case]:
        _require(p, Permission.VIEW_CASES)
        if p.role is Role.DEPARTMENT:
            return [] if p.department is None else self._sla.overdue(p.department, limit)
        return self._sla.overdue(None, limit)

    def export_csv(self, p: Principal, f: CaseFilter) -> Iterator[str]:
        """CSV lines of every case matching ``f`` (its page ignored), redacted text only.

        Access is checked now, not when the first line is read, so a refusal is an error
        before any byte is sent."""
        _require(p, Permission.VIEW_CASES)
        scoped = _scoped(p, f)
        self._audit_log.record(AuditEntry.now(p.label, "cases.exported", target_type="feedback",
                                              details={"filter": _summary(f)}))  # fmt: skip
        if scoped is None:
            return iter([BOM + ",".join(COLUMNS) + "\r\n"])
        return csv_lines(self._cases.iter_cases(scoped, self._sla.now()))

    # --- changes -----------------------------------------------------------------------------

    def recategorize(
        self,
        p: Principal,
        key: str | int,
        category: str,
        department: str | None = None,
        note: str | None = None,
    ) -> Case:
        """Change the category (and department: the routing table's unless given)."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        code = self._reference.category(category).code
        if department:
            dep: str | None = self._reference.department(department).code
        else:
            dep = self._reference.routing.department_for(code, found.ward)
        return self._reroute(p, found, code, dep, note, "feedback.recategorized")

    def confirm_routing(self, p: Principal, key: str | int, note: str | None = None) -> Case:
        """The model's category and department are right: keep them as a label, route."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        if found.category is None:
            raise Conflict("the case has no routing to confirm", code="triage.no_routing")
        return self._reroute(p, found, found.category, found.department, note,
                             "feedback.routing_confirmed")  # fmt: skip

    def set_priority(
        self, p: Principal, key: str | int, priority: str | None, note: str | None = None
    ) -> Case:
        """Staff's priority (None: back to the model's urgency); the due date follows it."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        value = parse_priority(priority)
        due = self._sla.due_for(found.received_at, found.category, value, found.urgency)
        self._cases.set_priority(found.id, value, due)
        self._audit(p, "feedback.priority_set", found, note, before=found.priority, after=value,
                    effective=replace(found, priority=value).effective_priority)  # fmt: skip
        return self._reload(found)

    def set_ward(
        self, p: Principal, key: str | int, ward: str | None, note: str | None = None
    ) -> Case:
        """Correct the case's ward (None or empty: unknown). A department the routing table
        chose for the old ward follows the new one; a department staff chose stays."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        if found.annotation_state is AnnotationState.PENDING:  # its place is not read yet
            raise Conflict("the router has not run on this case yet", code="triage.pending")
        name = self._reference.ward(ward).name if ward and ward.strip() else None
        table, department = self._reference.routing, found.department
        if found.category and department == table.department_for(found.category, found.ward):
            department = table.department_for(found.category, name)
        self._cases.set_ward(found.id, name, department)
        self._audit(p, "feedback.ward_set", found, note,
                    before={"ward": found.ward, "department": found.department},
                    after={"ward": name, "department": department})  # fmt: skip
        self._unassign_if_hidden(p, found, department)
        if name != found.ward:
            self._recount(found)
        return self._reload(found)

    def set_content(self, p: Principal, key: str | int, flag: str, note: str | None = None) -> Case:
        """Staff's word on the text: ``ok`` (shown; clean, not spam), ``abusive`` (folded away,
        withheld from public views) or ``spam`` (also left out of the statistics)."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        if found.annotation_state is AnnotationState.PENDING:  # the models would overwrite it
            raise Conflict("the router has not run on this case yet", code="triage.pending")
        value = parse_flag(flag)
        toxicity, is_spam = found.toxicity, found.is_spam
        if value == "ok":
            toxicity, is_spam = "clean", False
        elif value == "spam":
            is_spam = True
        else:  # abusive, not spam: folded away but counted
            is_spam = False
            toxicity = toxicity if toxicity in WITHHELD_TOXICITY else "offensive"
        self._cases.set_content(found.id, toxicity, is_spam)
        self._audit(p, "feedback.content_flagged", found, note,
                    before={"toxicity": found.toxicity, "is_spam": found.is_spam,
                            "flag": found.withheld or "ok"},
                    after={"toxicity": toxicity, "is_spam": is_spam, "flag": value})  # fmt: skip
        if bool(is_spam) != bool(found.is_spam):  # spam is not counted in the statistics
            self._recount(found)
        return self._reload(found)

    def assign(
        self, p: Principal, key: str | int, account_id: int | None, note: str | None = None
    ) -> Case:
        """Give the case to an account that may change it and see it (None: unassign)."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        name = None if account_id is None else self._assignee(p, found, account_id)
        self._cases.set_assignee(found.id, account_id)
        self._audit(p, "feedback.assigned", found, note,
                    before={"id": found.assignee_id, "name": found.assignee_name},
                    after={"id": account_id, "name": name})  # fmt: skip
        return self._reload(found)

    def change_status(
        self, p: Principal, key: str | int, status: str | FeedbackStatus, note: str | None
    ) -> Case:
        """Move the case (the citizen is told); resolving or rejecting needs a note."""
        _require(p, Permission.CHANGE_CASES)
        found = self._load(p, key)
        to, why = parse_status(status), clean_note(note)
        if to in CLOSED_STATUSES and why is None:
            raise InvalidInput(
                "say what was done or why it is refused", code="triage.note_required"
            )
        self._feedback.change_status(found.id, to, p.label, why)
        if to in CLOSED_STATUSES:
            self._cases.set_closed(found.id, self._sla.now())
        elif found.closed_at is not None:
            self._cases.set_closed(found.id, None)
        self._audit(p, "feedback.status_changed", found, why, before=found.status.value,
                    after=to.value)  # fmt: skip
        return self._reload(found)

    def merge(
        self, p: Principal, key: str | int, into_key: str | int, note: str | None = None
    ) -> Case:
        """Mark the case a duplicate of an earlier one (linked to the first report)."""
        _require(p, Permission.CHANGE_CASES)
        found, into = self._load(p, key), self._load(p, into_key)
        if into.id == found.id:
            raise InvalidInput("a case cannot be merged into itself", code="triage.merge_self")
        if (into.received_at, into.id) > (found.received_at, found.id):
            raise InvalidInput("merge into the earlier case", code="triage.merge_into_later")
        merged = self._feedback.mark_duplicate(found.id, into.id, p.label, clean_note(note))
        root = merged.duplicate_of or into.id
        for candidate in {into.id, root}:
            self._cases.confirm_duplicate(found.id, candidate)
        names = self._cases.references([i for i in (found.duplicate_of, root) if i])
        self._audit(p, "feedback.merged", found, note, before=names.get(found.duplicate_of or 0),
                    after=names.get(root))  # fmt: skip
        return self._reload(found)

    def bulk(
        self,
        p: Principal,
        keys: Sequence[str | int],
        action: str,
        value: Any,
        note: str | None = None,
    ) -> BulkResult:
        """One action on many cases; each case succeeds or fails on its own (``items``)."""
        _require(p, Permission.CHANGE_CASES)
        return run_bulk(self, self._reference, p, keys, action, value, note)

    # --- helpers -----------------------------------------------------------------------------

    def _reroute(self, p: Principal, found: Case, category: str, department: str | None,
                 note: str | None, action: str) -> Case:  # fmt: skip
        if found.annotation_state is AnnotationState.PENDING:
            raise Conflict("the router has not run on this case yet", code="triage.pending")
        now = self._sla.now()
        due = self._sla.due_for(found.received_at, category, found.priority, found.urgency)
        correction = None
        if found.redacted_text is not None:  # never keep raw text as a label
            correction = RoutingCorrection(found.id, found.redacted_text, found.category, category,
                                           found.department, department, p.label, now)  # fmt: skip
        self._cases.set_routing(found.id, category, department, due, correction)
        self._audit(p, action, found, note,
                    before={"category": found.category, "department": found.department},
                    after={"category": category, "department": department})  # fmt: skip
        self._unassign_if_hidden(p, found, department)
        if category != found.category:
            self._recount(found)
        if found.status in _WAITING and department is not None:
            self._feedback.change_status(found.id, FeedbackStatus.ROUTED, p.label, clean_note(note))
            self._audit(p, "feedback.status_changed", found, note, before=found.status.value,
                        after=FeedbackStatus.ROUTED.value)  # fmt: skip
        return self._reload(found)

    def _recount(self, found: Case) -> None:
        """The counts of the case's day changed (category, ward, spam): ask for a recount."""
        if self._on_counts_changed is None:
            return
        try:
            self._on_counts_changed(found.received_at)
        except Exception:  # the change is stored; the recount's background job catches up
            log.exception("triage.recount_hook_failed reference=%s", found.reference)

    def _unassign_if_hidden(self, p: Principal, found: Case, department: str | None) -> None:
        """A case handed to another department leaves an assignee who could no longer see it."""
        if found.assignee_id is None or department == found.department:
            return
        account = self._cases.account(found.assignee_id)
        if account is not None and sees_department(Principal.of(account), department):
            return
        self._cases.set_assignee(found.id, None)
        self._audit(p, "feedback.assigned", found, "department changed",
                    before={"id": found.assignee_id, "name": found.assignee_name},
                    after={"id": None, "name": None})  # fmt: skip

    def _assignee(self, p: Principal, found: Case, account_id: int) -> str:
        account = self._cases.account(account_id)
        refusal = None if account is None else assignment_refusal(p, account)
        if account is None or refusal == "triage.unknown_assignee":
            raise InvalidInput(f"no active account {account_id}", code="triage.unknown_assignee")
        if refusal == "triage.assign_outside":
            raise Forbidden("assign within your department", code=refusal)
        if refusal is not None:
            raise InvalidInput(f"{account.username} may not change cases", code=refusal)
        if not sees_department(Principal.of(account), found.department):
            raise InvalidInput(f"{account.username} cannot see this case",
                               code="triage.assignee_cannot_see")  # fmt: skip
        return account.display_name or account.username

    def _load(self, p: Principal, key: str | int) -> Case:
        text = str(key).strip()
        now = self._sla.now()
        if text.isdigit():
            found = self._cases.get(int(text), now)
        elif _REFERENCE.match(text):
            found = self._cases.get(None, now, reference=text.upper())
        else:
            raise NotFound(f"{text!r} is neither a feedback id nor a reference",
                           code="feedback.bad_key")  # fmt: skip
        if not sees_department(p, found.department):
            raise NotFound(f"feedback {text} does not exist", code="feedback.not_found")
        return found

    def _reload(self, found: Case) -> Case:
        return self._cases.get(found.id, self._sla.now())

    def _audit(self, p: Principal, action: str, found: Case, note: str | None,
               ip: str | None = None, **details: Any) -> None:  # fmt: skip
        """``before``/``after`` become the entry's ``from``/``to`` (``from`` is a keyword)."""
        renamed = {{"before": "from", "after": "to"}.get(k, k): v for k, v in details.items()}
        entry = AuditEntry.now(p.label, action, target_type="feedback", target=found.reference,
                               reason=clean_note(note), details=renamed, ip=ip)  # fmt: skip
        self._audit_log.record(entry)


def _require(p: Principal, permission: Permission) -> None:
    if not may(p, permission):
        raise Forbidden(f"the role {p.role} may not {permission}")


def _scoped(p: Principal, f: CaseFilter) -> CaseFilter | None:
    """The filter a department account may run (its department only); None: nothing to see."""
    if p.role is not Role.DEPARTMENT:
        return f
    if p.department is None or f.department not in (None, p.department):
        return None
    return replace(f, department=p.department)


def _summary(f: CaseFilter) -> dict[str, str]:
    """The filter's set fields, for the audit log of an export."""
    values = {name: getattr(f, name) for name in f.__dataclass_fields__}
    skip = {"limit", "offset", "sort"}
    return {k: str(v) for k, v in values.items() if v not in (None, (), False) and k not in skip}
