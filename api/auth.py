"""Who is calling: a staff session cookie or an API key, checked against one access policy.

Every protected route states its permission in its signature, so the access rule is visible
where the route is declared and the route inventory test can find routes that forgot one::

    @router.get("/api/v1/feedback")
    def list_feedback(principal: ViewCases, ...) -> FeedbackPage: ...

A form POST made with a session cookie must echo the session's CSRF token (``csrf_ok``); API
keys are not sent by browsers on their own, so they need none. The ``AccountService`` is reached
as ``request.app.state.accounts``; an app without one has no logged-in callers at all.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Response

from core.accounts import Permission, Principal, SessionInfo, WebSession, may
from core.errors import Forbidden, Unauthenticated
from services.accounts import AccountService

SESSION_COOKIE = "langnghe_session"
API_KEY_HEADER = "X-API-Key"
CSRF_HEADER = "X-CSRF-Token"
_RESOLVED = "langnghe_auth"  # request.state attribute: (principal, session info) once resolved


def principal_or_none(request: Request) -> Principal | None:
    """The caller, or None when anonymous; an API key wins over a cookie when both are sent."""
    return _resolve(request)[0]


def session_or_none(request: Request) -> SessionInfo | None:
    """The caller's web session (None for API keys and anonymous callers)."""
    return _resolve(request)[1]


def require(permission: Permission) -> Callable[[Request], Principal]:
    """A dependency returning the caller, or raising 401 (nobody) / 403 (role may not)."""

    def dependency(request: Request) -> Principal:
        principal = principal_or_none(request)
        if principal is None:
            raise Unauthenticated("log in or send an API key", code="auth.required")
        if not may(principal, permission):
            raise Forbidden(f"the role {principal.role} may not {permission}")
        return principal

    dependency.__name__ = f"require_{permission.value}"
    return dependency


def require_login(request: Request) -> Principal:
    """Any logged-in caller (session or API key), else 401."""
    principal = principal_or_none(request)
    if principal is None:
        raise Unauthenticated("log in or send an API key", code="auth.required")
    return principal


def csrf_ok(request: Request, token: str | None) -> bool:
    """Whether a state-changing request may proceed: API keys yes; sessions only with the token."""
    principal, session = _resolve(request)
    if principal is not None and session is None:
        return True  # an API key: a browser never attaches it by itself
    if session is None or not token:
        return False
    return hmac.compare_digest(session.csrf_token.encode(), token.encode())


def check_csrf(request: Request) -> None:
    """Dependency of JSON routes that change state: a session must send ``X-CSRF-Token``.

    Anonymous callers pass here (the permission check answers them 401); API keys pass.
    """
    if session_or_none(request) is not None and not csrf_ok(
        request, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("missing or wrong CSRF token", code="auth.csrf")


def set_session_cookie(response: Response, request: Request, session: WebSession) -> None:
    """The cookie of a fresh login: HttpOnly, SameSite=Lax, Secure unless configured off.

    No Max-Age: the server ends the session after its idle time, the browser when it closes.
    """
    secure: bool = getattr(request.app.state, "cookie_secure", True)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax",
                        secure=secure, path="/")  # fmt: skip


def clear_session_cookie(response: Response, request: Request) -> None:
    secure: bool = getattr(request.app.state, "cookie_secure", True)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=secure, path="/")


def _resolve(request: Request) -> tuple[Principal | None, SessionInfo | None]:
    cached: tuple[Principal | None, SessionInfo | None] | None = getattr(
        request.state, _RESOLVED, None
    )
    if cached is None:
        cached = _lookup(request)
        setattr(request.state, _RESOLVED, cached)
    return cached


def _lookup(request: Request) -> tuple[Principal | None, SessionInfo | None]:
    accounts: AccountService | None = getattr(request.app.state, "accounts", None)
    if accounts is None:
        return None, None
    key = request.headers.get(API_KEY_HEADER)
    if key:
        return accounts.api_key_principal(key), None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        info = accounts.session_principal(token)
        if info is not None:
            return info.principal, info
    return None, None


ViewCases = Annotated[Principal, Depends(require(Permission.VIEW_CASES))]
ChangeCases = Annotated[Principal, Depends(require(Permission.CHANGE_CASES))]
ViewOriginal = Annotated[Principal, Depends(require(Permission.VIEW_ORIGINAL))]
ViewAnalytics = Annotated[Principal, Depends(require(Permission.VIEW_ANALYTICS))]
Submit = Annotated[Principal, Depends(require(Permission.SUBMIT))]
ManageAccounts = Annotated[Principal, Depends(require(Permission.MANAGE_ACCOUNTS))]
LoggedIn = Annotated[Principal, Depends(require_login)]
OptionalPrincipal = Annotated[Principal | None, Depends(principal_or_none)]
CsrfChecked = Depends(check_csrf)  # in ``dependencies=[CsrfChecked]`` of a route
