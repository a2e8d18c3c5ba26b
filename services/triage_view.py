"""Assembles the case view: the case, what the router said, duplicates, history, notifications.

The history merges the feedback's status events with the audit entries about it, oldest
first. Status changes are in both (the event and the audit entry of the same change); the
history shows the event once.

    >>> view = case_view(case, case_store, audit_log, candidates, may_change=True,
    ...                  may_view_original=False)
    >>> [h.action for h in view.history]
    ['status', 'status', 'feedback.priority_set']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.audit import AuditLog
from core.case_ports import CaseStore
from core.cases import Case, CaseView, HistoryItem
from core.types import DuplicateCandidate, ScoredLabel, SimilarCase

_SHOWN_AS_EVENTS = frozenset({"feedback.status_changed"})


def case_view(
    case: Case,
    cases: CaseStore,
    audit: AuditLog,
    candidates: Sequence[DuplicateCandidate],
    *,
    may_change: bool,
    may_view_original: bool,
) -> CaseView:
    ann = case.annotation or {}
    duplicate_of = None
    if case.duplicate_of is not None:
        duplicate_of = cases.references([case.duplicate_of]).get(case.duplicate_of)
    return CaseView(
        feedback=case,
        duplicate_candidates=tuple(candidates),
        duplicate_of=duplicate_of,
        merged=tuple(cases.merged_into(case.id)),
        similar=similar_cases(ann),
        alternatives=alternatives(ann),
        explanation=tuple(str(x) for x in ann.get("explanation") or ()),
        history=history(case, audit),
        notifications=tuple(cases.notifications(case.id)),
        may_change=may_change,
        may_view_original=may_view_original,
    )


def history(case: Case, audit: AuditLog) -> tuple[HistoryItem, ...]:
    items = [
        HistoryItem(e.at, e.actor, "event", "status", e.from_status, e.to_status, e.reason)
        for e in case.events
    ]
    for entry in audit.for_target("feedback", case.reference):
        if entry.action in _SHOWN_AS_EVENTS:
            continue
        details = dict(entry.details)
        items.append(HistoryItem(entry.at, entry.actor, "audit", entry.action,
                                 _text(details.get("from")), _text(details.get("to")),
                                 entry.reason, details))  # fmt: skip
    return tuple(sorted(items, key=lambda h: h.at))


def similar_cases(ann: dict[str, Any]) -> tuple[SimilarCase, ...]:
    return tuple(
        SimilarCase(str(s["reference"]), s.get("category"), float(s.get("score", 0.0)))
        for s in ann.get("similar_cases") or ()
        if isinstance(s, dict) and s.get("reference")
    )


def alternatives(ann: dict[str, Any]) -> tuple[ScoredLabel, ...]:
    return tuple(
        ScoredLabel(str(a["category"]), float(a.get("confidence", 0.0)))
        for a in ann.get("alternatives") or ()
        if isinstance(a, dict) and a.get("category")
    )


def _text(value: Any) -> str | None:
    """A ``from``/``to`` detail as one line: dicts show their non-empty values."""
    if value is None:
        return None
    if isinstance(value, dict):
        shown = [str(v) for k, v in value.items() if v is not None and k != "id"]
        return " / ".join(shown) or None
    return str(value)
