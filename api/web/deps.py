"""The services a page handler uses, taken from ``app.state`` (set by ``app.web``).

>>> def queue(request: Request, p: ViewCases, triage: TriageDep) -> HTMLResponse: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.web.labels import Labels
from core.accounts import Account, Permission, Principal, Role, may, sees_department
from services.accounts import AccountService
from services.analytics import AnalyticsService
from services.triage import TriageService


def _triage(request: Request) -> TriageService:
    service: TriageService = request.app.state.triage
    return service


def _accounts(request: Request) -> AccountService:
    service: AccountService = request.app.state.accounts
    return service


def _analytics(request: Request) -> AnalyticsService:
    service: AnalyticsService = request.app.state.analytics
    return service


def _labels(request: Request) -> Labels:
    return Labels(request.app.state.reference)


TriageDep = Annotated[TriageService, Depends(_triage)]
AccountsDep = Annotated[AccountService, Depends(_accounts)]
AnalyticsDep = Annotated[AnalyticsService, Depends(_analytics)]
LabelsDep = Annotated[Labels, Depends(_labels)]


def assignable(
    accounts: AccountService, p: Principal, department: str | None = None
) -> list[Account]:
    """Accounts a case may be given to by ``p``: active, allowed to change cases, able to see
    the case (``department``) and, for a department account, of its own department."""
    found = []
    for account in accounts.accounts():
        staff = Principal.of(account)
        if not account.active or not may(staff, Permission.CHANGE_CASES):
            continue
        if p.role is Role.DEPARTMENT and account.department != p.department:
            continue
        if department is not None and not sees_department(staff, department):
            continue
        found.append(account)
    return found


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
