"""The queue, its bulk actions, the overdue list and the CSV export.

Every read and change goes through ``TriageService``, which checks the role and the
department itself; these handlers only turn forms into calls and results into pages.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from api.auth import ChangeCases, ViewCases
from api.web import messages_vi as t
from api.web.deps import AccountsDep, LabelsDep, TriageDep, assignable
from api.web.filters import KEYS, PAGE_SIZE, QueueForm, queue_form
from api.web.labels import Labels
from api.web.render import page
from api.web.routing import CsrfChecked, HtmlRoute, see_other
from core.accounts import Permission, Principal, may
from core.cases import OPEN_STATUSES, PRIORITIES, SORTS, CaseFilter
from core.types import CONTENT_FLAGS, Channel, FeedbackStatus
from services.accounts import AccountService

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


@router.get("/staff")
def queue(
    request: Request, p: ViewCases, triage: TriageDep, accounts: AccountsDep, labels: LabelsDep
) -> HTMLResponse:
    form = queue_form(request.query_params, labels.reference)
    cases = triage.queue(p, form.filter)
    pages = max(1, -(-cases.total // PAGE_SIZE))
    # A count stopped at its cap: there is a next page as long as this one is full.
    more = form.page < pages or (cases.total_capped and len(cases.items) == PAGE_SIZE)
    return page(
        request, "queue.html", form=form, cases=cases, labels=labels,
        pages=max(pages, form.page + 1) if more else pages,
        prev_url=_page_url(form, form.page - 1) if form.page > 1 else None,
        next_url=_page_url(form, form.page + 1) if more else None,
        export_query=form.query(), back=form.query(page=form.page),
        may_change=may(p, Permission.CHANGE_CASES),
        options=_options(labels, p, accounts), messages=_messages(request, form),
    )  # fmt: skip


@router.post("/staff/bulk")
def bulk(
    p: ChangeCases,
    _csrf: CsrfChecked,
    triage: TriageDep,
    keys: Annotated[list[str] | None, Form()] = None,
    action: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    assign_to: Annotated[str, Form()] = "",
    bulk_status: Annotated[str, Form()] = "",
    bulk_category: Annotated[str, Form()] = "",
    bulk_priority: Annotated[str, Form()] = "",
    bulk_content: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Applies one action to the ticked cases and goes back to the same queue view."""
    values = {"assign": assign_to, "status": bulk_status, "category": bulk_category,
              "priority": bulk_priority, "content": bulk_content}  # fmt: skip
    filters = _kept_filters(back)
    if not keys:
        return see_other("/staff", **filters, notice="none_selected")
    value = values.get(action, "")
    if not value:
        return see_other("/staff", **filters, notice="no_value")
    result = triage.bulk(p, keys, action, value)
    return see_other("/staff", **filters, done=result.succeeded, failed=result.failed)


@router.get("/staff/overdue")
def overdue(
    request: Request, p: ViewCases, triage: TriageDep, labels: LabelsDep,
    page_number: Annotated[str, Query(alias="page")] = "",
) -> HTMLResponse:  # fmt: skip
    """Open cases past their due date, the longest overdue first, a page of 50 at a time (two
    hundred rows made a 140 KB page that took 100 ms to render); a page past the end shows
    the last one."""
    number = _page_number(page_number)
    cases = triage.queue(p, _overdue_filter(number))
    pages = max(1, -(-cases.total // PAGE_SIZE))
    if number > pages:
        number, cases = pages, triage.queue(p, _overdue_filter(pages))
    return page(
        request, "overdue.html", cases=cases, labels=labels, pages=pages,
        form={"page": number},  # what the queue's pager.html reads
        prev_url=f"/staff/overdue?page={number - 1}" if number > 1 else None,
        next_url=f"/staff/overdue?page={number + 1}" if number < pages else None,
    )  # fmt: skip


@router.get("/staff/export.csv")
def export_csv(
    request: Request, p: ViewCases, triage: TriageDep, labels: LabelsDep
) -> StreamingResponse:
    """The cases matching the queue's filters, every page, redacted (a spreadsheet opens it)."""
    form = queue_form(request.query_params, labels.reference)
    lines = triage.export_csv(p, form.filter)
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="phan-anh.csv"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


def _overdue_filter(number: int) -> CaseFilter:
    return CaseFilter(statuses=OPEN_STATUSES, overdue_only=True, sort="due", limit=PAGE_SIZE,
                      offset=(number - 1) * PAGE_SIZE)  # fmt: skip


def _page_number(value: str) -> int:
    """A page number from the address; anything else is the first page."""
    try:
        return max(1, min(int(value), 100_000))
    except ValueError:
        return 1


def _page_url(form: QueueForm, number: int) -> str:
    return f"/staff?{form.query(page=number)}"


def _kept_filters(back: str) -> dict[str, str]:
    """The queue's own filter keys from the form's ``back`` value, nothing else."""
    allowed = {*KEYS, "page"}
    return {k: v[:200] for k, v in parse_qsl(back) if k in allowed}


def _messages(request: Request, form: QueueForm) -> list[tuple[str, str]]:
    query = request.query_params
    messages: list[tuple[str, str]] = []
    if form.invalid:
        names = ", ".join(_FILTER_NAMES.get(k, k) for k in form.invalid)
        messages.append(("warn", t.FILTER_INVALID.format(names=names)))
    notice = {"none_selected": t.BULK_NONE_SELECTED, "no_value": t.BULK_NO_VALUE}
    if query.get("notice") in notice:
        messages.append(("error", notice[query["notice"]]))
    if query.get("done", "").isdigit():
        messages.append(("ok", t.BULK_DONE.format(ok=int(query["done"]))))
    if query.get("failed", "0").isdigit() and int(query.get("failed", "0")) > 0:
        messages.append(("error", t.BULK_FAILED.format(failed=int(query["failed"]))))
    return messages


_FILTER_NAMES = {
    "status": t.FILTER_STATUS, "category": t.FILTER_CATEGORY, "ward": t.FILTER_WARD,
    "channel": t.FILTER_CHANNEL, "priority": t.FILTER_PRIORITY, "date_from": t.FILTER_DATE_FROM,
    "date_to": t.FILTER_DATE_TO, "q": t.FILTER_TEXT, "sort": t.FILTER_SORT,
}  # fmt: skip


def _options(labels: Labels, p: Principal, accounts: AccountService) -> dict[str, Any]:
    """The choices of the filter and bulk forms, as (value, label) pairs."""
    ref = labels.reference
    statuses = [(s.value, labels.status(s)) for s in FeedbackStatus]
    return {
        "statuses": [("open", t.FILTER_OPEN), ("all", t.FILTER_ALL_STATUSES), *statuses],
        "bulk_statuses": statuses,
        "categories": [(c.code, c.name) for c in ref.categories],
        "wards": [(w.name, w.name) for w in ref.wards],
        "channels": [(c.value, labels.channel(c)) for c in Channel],
        "priorities": [(v, labels.priority(v)) for v in PRIORITIES],
        "content_flags": [(f, t.CONTENT_FLAGS[f]) for f in CONTENT_FLAGS],
        "sorts": [(s, t.SORT_LABELS.get(s, s)) for s in SORTS],
        "assignees": _assignee_options(accounts, p) if may(p, Permission.CHANGE_CASES) else [],
    }


def _assignee_options(accounts: AccountService, p: Principal) -> list[tuple[str, str]]:
    people = [(str(a.id), a.display_name or a.username) for a in assignable(accounts, p)]
    return [("none", t.BULK_UNASSIGN), *people]
