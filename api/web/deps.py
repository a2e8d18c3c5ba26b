"""What page handlers take besides the services of ``api.deps`` (re-exported here).

>>> def queue(request: Request, p: ViewCases, triage: TriageDep) -> HTMLResponse: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.deps import AccountsDep, AnalyticsDep, TriageDep
from api.web.labels import Labels
from core.accounts import Account, Permission, Principal, Role, may, sees_department
from services.accounts import AccountService

__all__ = ["AccountsDep", "AnalyticsDep", "LabelsDep", "TriageDep", "assignable", "client_ip"]


def _labels(request: Request) -> Labels:
    return Labels(request.app.state.reference)


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
