"""Turns templates into pages: one Jinja2 environment (autoescape on) and the page frame.

Every page gets the same frame (navigation by role, the CSRF token of the session, the
catalogue ``t``), so a handler only passes what is particular to it::

    >>> return page(request, "queue.html", cases=result.items)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.auth import principal_or_none, session_or_none
from api.web import messages_vi as t
from core.accounts import Permission, Principal, may
from core.types import LOCAL_TZ

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

#: Sent with every page: assets only from this server, no framing, nothing cached.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

#: (path, catalogue label, permission): the navigation bar, filtered by the caller's role.
NAV: tuple[tuple[str, str, Permission], ...] = (
    ("/staff", t.NAV_QUEUE, Permission.VIEW_CASES),
    ("/staff/overdue", t.NAV_OVERDUE, Permission.VIEW_CASES),
    ("/staff/ask", t.NAV_ASK, Permission.VIEW_ANALYTICS),
    ("/staff/dashboard", t.NAV_DASHBOARD, Permission.VIEW_ANALYTICS),
    ("/staff/alerts", t.NAV_ALERTS, Permission.VIEW_ANALYTICS),
)


def local_time(value: datetime | date | None, with_time: bool = True) -> str:
    """Dates as people in Vietnam write them (dd/mm/yyyy HH:MM), in local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(LOCAL_TZ) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = local_time
    env.filters["percent"] = percent
    env.globals["t"] = t
    return env


ENV = _environment()


def navigation(principal: Principal | None, path: str) -> list[dict[str, Any]]:
    """The links this caller may follow; ``current`` marks the page being shown."""
    if principal is None:
        return []
    return [
        {"href": href, "label": label, "current": path == href}
        for href, label, permission in NAV
        if may(principal, permission)
    ]


def render(request: Request, name: str, context: Mapping[str, Any]) -> str:
    principal = principal_or_none(request)
    session = session_or_none(request)
    frame = {
        "request": request,
        "principal": principal,
        "csrf_token": session.csrf_token if session is not None else "",
        "nav": navigation(principal, request.url.path),
        "role_label": t.ROLE_LABELS.get(principal.role.value, "") if principal else "",
    }
    return ENV.get_template(name).render({**frame, **context})


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A full HTML page in the common frame, with the security headers."""
    response = HTMLResponse(render(request, name, context), status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


def error_page(request: Request, status_code: int, message: str) -> HTMLResponse:
    """A page saying, in Vietnamese, why the request was refused."""
    title = t.ERROR_TITLES.get(status_code, t.ERROR_TITLE_OTHER)
    return page(request, "error.html", status_code, title=title, message=message)
