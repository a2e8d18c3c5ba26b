"""One case: its redacted text, what the router said, its history, and the staff actions.

Each action is a small form posting to its own address; after it the browser is sent back to
the case page (post/redirect/get). A refused action (a status the workflow does not allow, a
missing note) shows the case page again with the reason, in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import ChangeCases, ViewCases, ViewOriginal
from api.web import messages_vi as t
from api.web.deps import AccountsDep, LabelsDep, TriageDep, assignable, client_ip
from api.web.labels import Labels
from api.web.render import page
from api.web.routing import CsrfChecked, HtmlRoute, see_other
from core.accounts import Principal
from core.cases import PRIORITIES, CaseView
from core.errors import Conflict, InvalidInput
from core.types import CONTENT_FLAGS, TRANSITIONS, FeedbackStatus
from services.accounts import AccountService
from services.triage import TriageService

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

Note = Annotated[str, Form(max_length=1000)]


@router.get("/staff/cases/{reference}")
def case_page(
    request: Request, reference: str, p: ViewCases, triage: TriageDep, accounts: AccountsDep,
    labels: LabelsDep,
) -> HTMLResponse:  # fmt: skip
    done = t.CASE_DONE.get(request.query_params.get("done", ""))
    messages = [("ok", done)] if done else []
    return _render(request, p, triage.case(p, reference), accounts, labels, messages)


@router.post("/staff/cases/{reference}/original")
def show_original(
    request: Request, reference: str, p: ViewOriginal, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, reason: Note = "",
) -> HTMLResponse:  # fmt: skip
    """The unredacted text, in this response only (the service audits the view and its reason)."""
    try:
        original = triage.original_text(p, reference, reason, ip=client_ip(request))
    except InvalidInput as exc:
        return _refused(request, p, triage.case(p, reference), accounts, labels, exc)
    view = triage.case(p, reference)  # after the view, so its audit entry is in the history
    return _render(request, p, view, accounts, labels, [], original=original)


@router.post("/staff/cases/{reference}/confirm")
def confirm(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.confirm_routing, p, reference, note or None)
    return _act(request, p, triage, accounts, labels, reference, "confirm", action)


@router.post("/staff/cases/{reference}/category")
def recategorize(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, category: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "", note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.recategorize, p, reference, category, department or None, note or None)
    return _act(request, p, triage, accounts, labels, reference, "category", action)


@router.post("/staff/cases/{reference}/priority")
def set_priority(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, priority: Annotated[str, Form()] = "",
    note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.set_priority, p, reference, priority or None, note or None)
    return _act(request, p, triage, accounts, labels, reference, "priority", action)


@router.post("/staff/cases/{reference}/ward")
def set_ward(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, ward: Annotated[str, Form()] = "",
    note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.set_ward, p, reference, ward or None, note or None)
    return _act(request, p, triage, accounts, labels, reference, "ward", action)


@router.post("/staff/cases/{reference}/content")
def set_content(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, flag: Annotated[str, Form()] = "",
    note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.set_content, p, reference, flag, note or None)
    return _act(request, p, triage, accounts, labels, reference, "content", action)


@router.post("/staff/cases/{reference}/status")
def change_status(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, status: Annotated[str, Form()] = "",
    note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.change_status, p, reference, status, note or None)
    return _act(request, p, triage, accounts, labels, reference, "status", action)


@router.post("/staff/cases/{reference}/assign")
def assign(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, assignee: Annotated[str, Form()] = "none",
    note: Note = "",
) -> Response:  # fmt: skip
    account_id = int(assignee) if assignee.isdigit() else None
    action = partial(triage.assign, p, reference, account_id, note or None)
    return _act(request, p, triage, accounts, labels, reference, "assign", action)


@router.post("/staff/cases/{reference}/merge")
def merge(
    request: Request, reference: str, p: ChangeCases, _csrf: CsrfChecked, triage: TriageDep,
    accounts: AccountsDep, labels: LabelsDep, into: Annotated[str, Form()] = "",
    note: Note = "",
) -> Response:  # fmt: skip
    action = partial(triage.merge, p, reference, into, note or None)
    return _act(request, p, triage, accounts, labels, reference, "merge", action)


def _act(
    request: Request, p: Principal, triage: TriageService, accounts: AccountService,
    labels: Labels, reference: str, done: str, action: Callable[[], object],
) -> Response:  # fmt: skip
    """Run one action; back to the case page, or the page again with why it was refused."""
    try:
        action()
    except (InvalidInput, Conflict) as exc:
        return _refused(request, p, triage.case(p, reference), accounts, labels, exc)
    return see_other(f"/staff/cases/{reference}", done=done)


def _refused(
    request: Request, p: Principal, view: CaseView, accounts: AccountService, labels: Labels,
    exc: InvalidInput | Conflict,
) -> HTMLResponse:  # fmt: skip
    fallback = t.ERROR_CONFLICT if isinstance(exc, Conflict) else t.ERROR_BAD_REQUEST
    message = t.CASE_ERRORS.get(exc.code, fallback)
    status = 409 if isinstance(exc, Conflict) else 422
    return _render(request, p, view, accounts, labels, [("error", message)], status)


def _render(
    request: Request, p: Principal, view: CaseView, accounts: AccountService, labels: Labels,
    messages: list[tuple[str, str]], status: int = 200, original: str | None = None,
) -> HTMLResponse:  # fmt: skip
    options = _options(p, view, accounts, labels) if view.may_change else {}
    return page(request, "case.html", status, view=view, labels=labels, messages=messages,
                original=original, options=options)  # fmt: skip


def _options(p: Principal, view: CaseView, accounts: AccountService, labels: Labels
             ) -> dict[str, Any]:  # fmt: skip
    case = view.feedback
    people = assignable(accounts, p, case.department)
    return {
        "categories": [(c.code, c.name) for c in labels.reference.categories],
        "departments": [(d.code, d.name) for d in labels.reference.departments],
        "priorities": [(v, labels.priority(v)) for v in PRIORITIES],
        "wards": [(w.name, w.name) for w in labels.reference.wards],
        "content_flags": [(f, t.CONTENT_FLAGS[f]) for f in CONTENT_FLAGS],
        "statuses": [
            (s.value, labels.status(s)) for s in FeedbackStatus if s in TRANSITIONS[case.status]
        ],
        "assignees": [("none", t.NOBODY)]
        + [(str(a.id), a.display_name or a.username) for a in people],
    }
