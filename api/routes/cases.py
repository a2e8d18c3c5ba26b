"""/api/v1/cases: the triage queue, case views and staff actions, as JSON (and one CSV).

Reads need ``view_cases``, changes ``change_cases`` (and, from a browser session, the
``X-CSRF-Token`` header), the original text ``view_original``. The triage service checks the
same again and scopes department accounts to their department, so these routes only translate
HTTP to its calls (``app.state.triage``).

    GET  /api/v1/cases?status=needs_triage&ward=Hiep%20Binh&q=ngap&overdue=true
    POST /api/v1/cases/PA-2026-000012/status  {"status": "resolved", "note": "Đã nạo vét"}
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from api.auth import ChangeCases, CsrfChecked, ViewCases, ViewOriginal
from api.case_schemas import (
    AssignIn,
    BulkIn,
    BulkOut,
    CaseDetailOut,
    CaseOut,
    CasePage,
    CategoryIn,
    ContentIn,
    MergeIn,
    NoteIn,
    OriginalIn,
    OriginalOut,
    PriorityIn,
    StatusIn,
    WardIn,
)
from api.deps import ReferenceDep, TriageDep
from api.schemas import ErrorResponse
from core.cases import MAX_LIMIT, CaseFilter
from core.types import LOCAL_TZ, FeedbackStatus
from services.validation import parse_channel

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 409, 422)
}
_CHANGE = {"dependencies": [CsrfChecked], "responses": _ERRORS}


def case_filter(
    reference: ReferenceDep,
    status: Annotated[list[FeedbackStatus] | None, Query()] = None,
    category: str | None = None,
    ward: str | None = None,
    channel: str | None = None,
    department: str | None = None,
    assignee: int | None = None,
    unassigned: bool = False,
    priority: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    overdue: bool = False,
    include_duplicates: bool = False,
    sort: Annotated[
        str | None,
        Query(
            description="urgency, age, due or newest; by default urgency for open cases, "
            "newest first when closed ones are included"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseFilter:
    """The filter of a listing from query parameters (``status`` may repeat; dates are local
    days, ``date_to`` inclusive; ``ward`` may be typed without diacritics)."""
    return CaseFilter(
        statuses=tuple(status or ()),
        category=reference.category(category).code if category else None,
        ward=reference.ward(ward).name if ward else None,
        channel=parse_channel(channel) if channel else None,
        department=reference.department(department).code if department else None,
        assignee_id=assignee, unassigned=unassigned, priority=priority or None,
        date_from=date_from, date_to=date_to, text=q or None, overdue_only=overdue,
        include_duplicates=include_duplicates, sort=sort, limit=limit, offset=offset,
    )  # fmt: skip


FilterDep = Annotated[CaseFilter, Depends(case_filter)]


@router.get("", response_model=CasePage, responses=_ERRORS)
def list_cases(p: ViewCases, triage: TriageDep, f: FilterDep) -> CasePage:
    """The queue (by default needs_triage and new cases), most urgent then oldest first."""
    page = triage.queue(p, f)
    return CasePage(items=[CaseOut.of(c) for c in page.items], total=page.total,
                    total_capped=page.total_capped, limit=page.limit,
                    offset=page.offset)  # fmt: skip


@router.get("/overdue", response_model=list[CaseOut], responses=_ERRORS)
def overdue_cases(
    p: ViewCases, triage: TriageDep, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100
) -> list[CaseOut]:
    """Open cases past their due date, the longest overdue first."""
    return [CaseOut.of(c) for c in triage.overdue(p, limit)]


@router.get("/export.csv", response_class=StreamingResponse, responses=_ERRORS)
def export_cases(p: ViewCases, triage: TriageDep, f: FilterDep) -> StreamingResponse:
    """Every case matching the filter (no paging) as CSV: redacted text, UTF-8 with a BOM."""
    lines = triage.export_csv(p, f)
    name = f"cases-{datetime.now(LOCAL_TZ):%Y%m%d-%H%M}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/bulk", response_model=BulkOut, **_CHANGE)
def bulk(body: BulkIn, p: ChangeCases, triage: TriageDep) -> BulkOut:
    """One action on many cases; each reference succeeds or fails on its own."""
    return BulkOut.of(triage.bulk(p, body.references, body.action, body.value, body.note))


@router.get("/{key}", response_model=CaseDetailOut, responses=_ERRORS)
def get_case(key: str, p: ViewCases, triage: TriageDep) -> CaseDetailOut:
    """One case by reference or id, with routing, duplicates, history and notifications."""
    return CaseDetailOut.of_view(triage.case(p, key))


@router.post("/{key}/original", response_model=OriginalOut, **_CHANGE)
def original_text(
    key: str, body: OriginalIn, request: Request, p: ViewOriginal, triage: TriageDep
) -> OriginalOut:
    """The unredacted text; the reason and the caller are kept in the audit log."""
    ip = request.client.host if request.client else None
    text = triage.original_text(p, key, body.reason, ip=ip)
    return OriginalOut(key=key, text=text)


@router.post("/{key}/category", response_model=CaseOut, **_CHANGE)
def recategorize(key: str, body: CategoryIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    """Change the category (and department); kept as a training label."""
    return CaseOut.of(triage.recategorize(p, key, body.category, body.department, body.note))


@router.post("/{key}/confirm", response_model=CaseOut, **_CHANGE)
def confirm(key: str, body: NoteIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    """The router was right: keep its category as a label and route the case."""
    return CaseOut.of(triage.confirm_routing(p, key, body.note))


@router.post("/{key}/priority", response_model=CaseOut, **_CHANGE)
def set_priority(key: str, body: PriorityIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    return CaseOut.of(triage.set_priority(p, key, body.priority, body.note))


@router.post("/{key}/ward", response_model=CaseOut, **_CHANGE)
def set_ward(key: str, body: WardIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    """Correct the ward (the place the text named may be read wrong or not at all)."""
    return CaseOut.of(triage.set_ward(p, key, body.ward, body.note))


@router.post("/{key}/content", response_model=CaseOut, **_CHANGE)
def set_content(key: str, body: ContentIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    """Say whether the text is fine, abusive or spam (abusive and spam texts are withheld)."""
    return CaseOut.of(triage.set_content(p, key, body.flag, body.note))


@router.post("/{key}/assign", response_model=CaseOut, **_CHANGE)
def assign(key: str, body: AssignIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    return CaseOut.of(triage.assign(p, key, body.account_id, body.note))


@router.post("/{key}/status", response_model=CaseOut, **_CHANGE)
def change_status(key: str, body: StatusIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    """Move the case through the workflow; the citizen is told on their chat channel."""
    return CaseOut.of(triage.change_status(p, key, body.status, body.note))


@router.post("/{key}/merge", response_model=CaseOut, **_CHANGE)
def merge(key: str, body: MergeIn, p: ChangeCases, triage: TriageDep) -> CaseOut:
    """Mark this case a duplicate of an earlier one."""
    return CaseOut.of(triage.merge(p, key, body.into, body.note))
