"""Wire formats of ``/api/v1/cases`` (pydantic). Times are given in Asia/Ho_Chi_Minh; texts
are redacted (the original only through ``POST /api/v1/cases/{ref}/original``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import DuplicateCandidateOut, EventOut
from core.cases import BulkResult, Case, CaseView, HistoryItem
from core.types import LOCAL_TZ

_NOTE = Field(default=None, max_length=1000, description="Why; kept in the audit log.")


def _local(at: datetime | None) -> datetime | None:
    return None if at is None else at.astimezone(LOCAL_TZ)


class AssigneeOut(BaseModel):
    id: int
    name: str | None


class CaseOut(BaseModel):
    """A case in a list: the feedback with its triage fields."""

    id: int
    reference: str
    channel: str
    received_at: datetime
    status: str
    text: str = Field(description="The citizen's text with personal data redacted.")
    category: str | None
    department: str | None
    ward: str | None
    confidence: float | None
    urgency: str | None = Field(description="The model's urgency.")
    priority: str = Field(description="Effective: staff's priority, else the model's urgency.")
    priority_source: str = Field(description="staff, model or default")
    staff_priority: str | None
    assignee: AssigneeOut | None
    due_at: datetime | None
    overdue: bool
    closed_at: datetime | None
    duplicate_of: int | None
    annotation_state: str
    toxicity: str | None = Field(description="clean, offensive or hate (model or staff)")
    is_spam: bool | None
    withheld: str | None = Field(
        description="spam or abusive: show a notice, not the text, unless asked; null: show it"
    )

    @classmethod
    def of(cls, c: Case) -> CaseOut:
        return cls(
            id=c.id, reference=c.reference, channel=c.channel.value,
            received_at=c.received_at.astimezone(LOCAL_TZ), status=c.status.value,
            text=c.public_text, category=c.category, department=c.department, ward=c.ward,
            confidence=c.confidence, urgency=c.urgency, priority=c.effective_priority,
            priority_source=c.priority_source, staff_priority=c.priority,
            assignee=None if c.assignee_id is None else AssigneeOut(id=c.assignee_id,
                                                                    name=c.assignee_name),
            due_at=_local(c.due_at), overdue=c.overdue, closed_at=_local(c.closed_at),
            duplicate_of=c.duplicate_of, annotation_state=c.annotation_state.value,
            toxicity=c.toxicity, is_spam=c.is_spam, withheld=c.withheld,
        )  # fmt: skip


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    total_capped: bool = Field(
        default=False, description="true when there are more than `total` (counting stopped)"
    )
    limit: int
    offset: int


class HistoryOut(BaseModel):
    at: datetime
    actor: str
    kind: str = Field(description="event (a status change) or audit (an audited action)")
    action: str
    from_value: str | None
    to_value: str | None
    reason: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, h: HistoryItem) -> HistoryOut:
        return cls(at=h.at.astimezone(LOCAL_TZ), actor=h.actor, kind=h.kind, action=h.action,
                   from_value=h.from_value, to_value=h.to_value, reason=h.reason,
                   details=h.details)  # fmt: skip


class NotificationOut(BaseModel):
    created_at: datetime
    channel: str
    state: str = Field(description="pending, sent, held or failed")
    sent_at: datetime | None
    text: str


class LabelOut(BaseModel):
    category: str | None
    score: float


class SimilarOut(BaseModel):
    reference: str
    category: str | None
    score: float


class CaseDetailOut(CaseOut):
    """The case page: routing explanation, duplicates, history and notifications too."""

    location_text: str | None
    explanation: list[str]
    alternatives: list[LabelOut]
    similar_cases: list[SimilarOut]
    duplicate_candidates: list[DuplicateCandidateOut]
    duplicate_of_reference: str | None
    merged: list[str]
    events: list[EventOut]
    history: list[HistoryOut]
    notifications: list[NotificationOut]
    sentiment: str | None
    may_change: bool
    may_view_original: bool

    @classmethod
    def of_view(cls, v: CaseView) -> CaseDetailOut:
        c = v.feedback
        return cls(
            **CaseOut.of(c).model_dump(),
            location_text=c.location_text, explanation=list(v.explanation),
            alternatives=[LabelOut(category=a.label, score=a.score) for a in v.alternatives],
            similar_cases=[SimilarOut(reference=s.reference, category=s.category, score=s.score)
                           for s in v.similar],
            duplicate_candidates=[
                DuplicateCandidateOut(candidate_id=d.candidate_id, score=d.score, state=d.state,
                                      candidate_reference=d.candidate_reference)
                for d in v.duplicate_candidates],
            duplicate_of_reference=v.duplicate_of, merged=list(v.merged),
            events=[EventOut(at=e.at.astimezone(LOCAL_TZ), actor=e.actor, reason=e.reason,
                             from_status=e.from_status, to_status=e.to_status) for e in c.events],
            history=[HistoryOut.of(h) for h in v.history],
            notifications=[NotificationOut(created_at=n.created_at.astimezone(LOCAL_TZ),
                                           channel=n.channel, state=n.state,
                                           sent_at=_local(n.sent_at), text=n.text)
                           for n in v.notifications],
            sentiment=c.sentiment, may_change=v.may_change, may_view_original=v.may_view_original,
        )  # fmt: skip


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OriginalIn(Strict):
    reason: str = Field(min_length=1, max_length=500, description="Why the original is needed.")


class OriginalOut(BaseModel):
    key: str = Field(description="The reference or id as asked.")
    text: str = Field(description="The citizen's text as received (this view is audited).")


class CategoryIn(Strict):
    category: str
    department: str | None = Field(default=None, description="Default: the routing table's.")
    note: str | None = _NOTE


class NoteIn(Strict):
    note: str | None = _NOTE


class PriorityIn(Strict):
    priority: str | None = Field(description="critical, high, normal, low; null: the model's")
    note: str | None = _NOTE


class WardIn(Strict):
    ward: str | None = Field(
        description="A current ward's name (diacritics and the 'Phường' prefix optional); "
        "null: unknown. A department the routing table chose follows the new ward."
    )
    note: str | None = _NOTE


class ContentIn(Strict):
    flag: str = Field(description="ok (shown), abusive (withheld) or spam (withheld, not counted)")
    note: str | None = _NOTE


class AssignIn(Strict):
    account_id: int | None = Field(description="An account that may change cases; null: nobody")
    note: str | None = _NOTE


class StatusIn(Strict):
    status: str
    note: str | None = Field(
        default=None,
        max_length=1000,
        description="Required to resolve or reject; told the citizen.",
    )


class MergeIn(Strict):
    into: str = Field(description="Reference (or id) of the earlier case.")
    note: str | None = _NOTE


class BulkIn(Strict):
    references: list[str] = Field(min_length=1, max_length=200)
    action: str = Field(description="assign, status, category, priority or content")
    value: str | int | None = Field(
        default=None,
        description="account id, status, category code, priority or content flag (ok, abusive, "
        "spam)",
    )
    note: str | None = _NOTE


class BulkItemOut(BaseModel):
    reference: str
    ok: bool
    code: str | None
    message: str | None


class BulkOut(BaseModel):
    action: str
    succeeded: int
    failed: int
    items: list[BulkItemOut]

    @classmethod
    def of(cls, r: BulkResult) -> BulkOut:
        items = [BulkItemOut(reference=i.key, ok=i.ok, code=i.code, message=i.message)
                 for i in r.items]  # fmt: skip
        return cls(action=r.action, succeeded=r.succeeded, failed=r.failed, items=items)
