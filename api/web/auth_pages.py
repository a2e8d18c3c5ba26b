"""Logging in and out of the staff pages.

Before login there is no session to carry a CSRF token, so the login form uses a
double-submit token: a random value in a strict same-site cookie that the form must echo.
The session cookie itself is ``api.auth``'s (HttpOnly, SameSite=Lax, Secure).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import (
    SESSION_COOKIE,
    clear_session_cookie,
    csrf_ok,
    principal_or_none,
    set_session_cookie,
)
from api.web import messages_vi as t
from api.web.render import page
from api.web.routing import DEFAULT_NEXT, HtmlRoute, safe_next
from core.errors import Forbidden, Throttled, Unauthenticated

log = logging.getLogger(__name__)

LOGIN_CSRF_COOKIE = "langnghe_login_csrf"

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse(DEFAULT_NEXT, status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    if principal_or_none(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    info = t.LOGGED_OUT if request.query_params.get("bye") else None
    return _login_page(request, safe_next(next), info=info)


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = DEFAULT_NEXT,
) -> Response:
    target = safe_next(next)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        log.info("web.login_form_refused reason=csrf")
        return _login_page(request, target, username, error=t.LOGIN_EXPIRED_FORM, status=403)
    ip = request.client.host if request.client else None
    try:
        session = request.app.state.accounts.login(username, password, ip)
    except Unauthenticated:
        return _login_page(request, target, username, error=t.LOGIN_FAILED, status=401)
    except Throttled as exc:
        minutes = max(1, -(-exc.retry_after // 60))
        response = _login_page(
            request, target, username, error=t.LOGIN_THROTTLED.format(minutes=minutes), status=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, session)
    response.delete_cookie(
        LOGIN_CSRF_COOKIE, path="/login", httponly=True, samesite="strict",
        secure=getattr(request.app.state, "cookie_secure", True),
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Ends the session; a post without the session's token (a forgery) is refused."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and principal_or_none(request) is not None:
        if not csrf_ok(request, csrf_token):
            raise Forbidden("the form's CSRF token is missing or wrong", code="auth.csrf")
        request.app.state.accounts.logout(token)
    response = RedirectResponse("/login?bye=1", status_code=303)
    clear_session_cookie(response, request)
    return response


def _login_page(
    request: Request, next_path: str, username: str = "", status: int = 200, **context: Any
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    context.setdefault("error", None)
    context.setdefault("info", None)
    response = page(
        request, "login.html", status, login_csrf=token, next=next_path, username=username,
        **context,
    )  # fmt: skip
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
        secure=getattr(request.app.state, "cookie_secure", True),
    )  # fmt: skip
    return response
