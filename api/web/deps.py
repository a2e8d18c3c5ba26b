"""What page handlers take besides the services of ``api.deps`` (re-exported here).

>>> def queue(request: Request, p: ViewCases, triage: TriageDep) -> HTMLResponse: ...
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.deps import AccountsDep, AnalyticsDep, TriageDep
from api.web.labels import Labels
from core.accounts import Account, Principal, assignment_refusal, sees_department
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
    return [
        account
        for account in accounts.accounts()
        if assignment_refusal(p, account) is None
        and (department is None or sees_department(Principal.of(account), department))
    ]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
