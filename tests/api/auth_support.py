"""Credentials for API tests: an API key header, or a staff session as request headers.

    >>> client.get("/api/v1/feedback", headers=api_key(accounts))
    >>> client.post("/api/v1/accounts", json=..., headers=staff(accounts, "admin", Role.ADMIN))

``staff`` logs in through the service (not the route), so one client can act as several
people in one test; its headers carry the cookie and the CSRF token.
"""

from __future__ import annotations

from argon2 import PasswordHasher

from api.auth import API_KEY_HEADER, CSRF_HEADER, SESSION_COOKIE
from app.container import Container
from core.accounts import SYSTEM, Role
from core.reference import ReferenceData
from services.accounts import AccountService
from stores.sql.account_store import SqlAccountStore
from stores.sql.audit_store import SqlAuditLog
from stores.sql.db import Database

PASSWORD = "mat-khau-thu-nghiem"
#: argon2id with tiny parameters: a login costs a millisecond instead of ~0.1 s.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
#: The department of department accounts in tests.
DEPARTMENT = "ubnd_hiep_binh"


def fast_accounts(container: Container) -> AccountService:
    """The container's account service with a cheap hasher (call before ``build_app``)."""
    service = AccountService(
        SqlAccountStore(container.db), container.audit, container.reference, hasher=FAST_HASHER
    )
    container.__dict__["accounts"] = service
    return service


def accounts_on(db: Database, reference: ReferenceData) -> AccountService:
    """An account service for apps built with ``create_app`` (set ``app.state.accounts``)."""
    return AccountService(SqlAccountStore(db), SqlAuditLog(db), reference, hasher=FAST_HASHER)


def api_key(accounts: AccountService, name: str = "portal", role: Role = Role.API
            ) -> dict[str, str]:  # fmt: skip
    _client, key = accounts.create_api_key(SYSTEM, name, role)
    return {API_KEY_HEADER: key}


def staff(accounts: AccountService, username: str, role: Role) -> dict[str, str]:
    """Cookie and CSRF headers of a fresh session of a (new or existing) account."""
    department = DEPARTMENT if role is Role.DEPARTMENT else None
    accounts.ensure_account(SYSTEM, username, PASSWORD, role, department)
    session = accounts.login(username, PASSWORD, ip="127.0.0.1")
    return {"Cookie": f"{SESSION_COOKIE}={session.token}", CSRF_HEADER: session.csrf_token}
