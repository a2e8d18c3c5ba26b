"""What the pages share: errors as pages (not JSON), the CSRF check of forms, safe redirects.

The JSON API maps our errors to JSON in one handler; a person in a browser needs a login form
or a page instead. ``HtmlRoute`` does that for the page routes only, so ``/api/v1/...`` keep
their JSON errors::

    >>> router = APIRouter(route_class=HtmlRoute)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, Form, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from api.auth import csrf_ok
from api.web import messages_vi as t
from api.web.render import error_page
from core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    LangngheError,
    NotFound,
    Throttled,
    Unauthenticated,
)

log = logging.getLogger(__name__)

DEFAULT_NEXT = "/staff"


class HtmlRoute(APIRoute):
    """A page route: 401 becomes a redirect to the login form, other errors a page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Unauthenticated:
                return login_redirect(request)
            except RequestValidationError:
                return error_page(request, 422, t.ERROR_BAD_REQUEST)
            except LangngheError as exc:
                return _error_response(request, exc)

        return guarded


def _error_response(request: Request, exc: LangngheError) -> Response:
    if isinstance(exc, Forbidden):
        message = t.ERROR_CSRF if exc.code == "auth.csrf" else t.ERROR_FORBIDDEN
        return error_page(request, 403, message)
    if isinstance(exc, NotFound):
        return error_page(request, 404, t.ERROR_NOT_FOUND)
    if isinstance(exc, Conflict):
        return error_page(request, 409, t.ERROR_CONFLICT)
    if isinstance(exc, InvalidInput):
        return error_page(request, 422, t.ERROR_BAD_REQUEST)
    if isinstance(exc, Throttled):
        return error_page(request, 429, t.LOGIN_THROTTLED.format(minutes=_minutes(exc)))
    log.error("web.error code=%s %s", exc.code, exc.message)
    return error_page(request, 503, t.ERROR_UNAVAILABLE)


def _minutes(exc: Throttled) -> int:
    return max(1, -(-exc.retry_after // 60))


def login_redirect(request: Request) -> RedirectResponse:
    """To the login form, coming back here (path and query only) afterwards.

    A refused form post comes back to the queue: its address cannot be opened with GET."""
    if request.method != "GET":
        return RedirectResponse("/login", status_code=303)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def safe_next(value: str | None) -> str:
    """A local path to go to after logging in; anything else (another site) becomes /staff."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in value):
        return DEFAULT_NEXT
    return value


def see_other(path: str, **params: str | int | None) -> RedirectResponse:
    """Post/redirect/get: after a change the browser asks for the page again."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


def check_csrf(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> None:
    """Refuses a form whose hidden token is not the session's (a cross-site forgery)."""
    if not csrf_ok(request, csrf_token):
        raise Forbidden("the form's CSRF token is missing or wrong", code="auth.csrf")


CsrfChecked = Annotated[None, Depends(check_csrf)]
