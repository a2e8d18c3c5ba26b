"""Log in and out, who am I, and (admins) accounts, API keys and the audit log.

A JSON client logs in with ``POST /api/v1/auth/login``, keeps the cookie, and sends the returned
``csrf_token`` as ``X-CSRF-Token`` with every request that changes something. Machine clients
send ``X-API-Key`` instead and need no CSRF token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import (
    SESSION_COOKIE,
    CsrfChecked,
    LoggedIn,
    ManageAccounts,
    clear_session_cookie,
    set_session_cookie,
)
from api.deps import AccountsDep
from api.schemas import ErrorResponse
from core.accounts import ROLE_PERMISSIONS, Account, ApiClient, Principal, Role
from core.errors import Forbidden
from core.types import LOCAL_TZ
from services.accounts import LINK_CODE_TTL

router = APIRouter(prefix="/api/v1", tags=["accounts"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    c: {"model": ErrorResponse} for c in (401, 403, 404, 409, 422, 429)
}


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=60)
    password: str = Field(max_length=1024)


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    department: str | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        return cls(id=a.id, username=a.username, display_name=a.display_name, role=a.role,
                   department=a.department, active=a.active,
                   created_at=a.created_at.astimezone(LOCAL_TZ))  # fmt: skip


class LoginOut(BaseModel):
    csrf_token: str = Field(description="Send it as X-CSRF-Token with requests that change.")
    expires_at: datetime = Field(description="Idle expiry; every request moves it on.")
    account: AccountOut


class MeOut(BaseModel):
    kind: str = Field(description="account or api_client")
    name: str
    role: Role
    department: str | None
    permissions: list[str]


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=60)
    password: str = Field(max_length=1024)
    role: Role
    department: str | None = None
    display_name: str = Field(default="", max_length=200)


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    role: Role = Role.API


class ApiKeyOut(BaseModel):
    name: str
    role: Role
    key_prefix: str
    created_at: datetime
    key: str = Field(description="Shown this once; only its hash is kept.")


class LinkCodeOut(BaseModel):
    code: str = Field(description='Write "/lienket <code>" to the bot on Telegram or Zalo.')
    expires_in_seconds: int


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    target_type: str | None
    target: str | None
    reason: str | None
    details: dict[str, Any]
    ip: str | None


@router.post("/auth/login", response_model=LoginOut, responses=_ERRORS)
def login(body: LoginIn, request: Request, response: Response, accounts: AccountsDep) -> LoginOut:
    """Open a session: sets the ``langnghe_session`` cookie (429 after repeated failures)."""
    ip = request.client.host if request.client else None
    session = accounts.login(body.username, body.password, ip=ip)
    set_session_cookie(response, request, session)
    expires = session.expires_at.astimezone(LOCAL_TZ)
    account = AccountOut.of(session.account)
    return LoginOut(csrf_token=session.csrf_token, expires_at=expires, account=account)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, accounts: AccountsDep) -> Response:
    """End the session (a forced logout harms no one, so no CSRF token is asked)."""
    accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, request)
    return response


@router.get("/me", response_model=MeOut, responses=_ERRORS)
def me(principal: LoggedIn) -> MeOut:
    permissions = sorted(p.value for p in ROLE_PERMISSIONS.get(principal.role, frozenset()))
    return MeOut(kind=principal.kind, name=principal.name, role=principal.role,
                 department=principal.department, permissions=permissions)  # fmt: skip


@router.post("/me/link-code", response_model=LinkCodeOut, responses=_ERRORS,
             status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])  # fmt: skip
def link_code(principal: LoggedIn, accounts: AccountsDep) -> LinkCodeOut:
    """A one-time code that links the official's Telegram or Zalo chat (10 minutes)."""
    account_id = _account_id(principal)
    code = accounts.new_link_code(account_id)
    return LinkCodeOut(code=code, expires_in_seconds=int(LINK_CODE_TTL.total_seconds()))


@router.post("/accounts", response_model=AccountOut, responses=_ERRORS,
             status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])  # fmt: skip
def create_account(body: AccountCreate, admin: ManageAccounts, accounts: AccountsDep) -> AccountOut:
    account = accounts.create_account(admin, body.username, body.password, body.role,
                                      body.department, body.display_name)  # fmt: skip
    return AccountOut.of(account)


@router.get("/accounts", response_model=list[AccountOut], responses=_ERRORS)
def list_accounts(
    _admin: ManageAccounts, accounts: AccountsDep, role: Role | None = None,
    department: str | None = None,
) -> list[AccountOut]:  # fmt: skip
    return [AccountOut.of(a) for a in accounts.accounts(role, department)]


@router.post("/accounts/{username}/disable", response_model=AccountOut, responses=_ERRORS,
             dependencies=[CsrfChecked])  # fmt: skip
def disable_account(username: str, admin: ManageAccounts, accounts: AccountsDep) -> AccountOut:
    """Deactivate an account and end its sessions; its history keeps its name."""
    return AccountOut.of(accounts.disable_account(admin, username))


@router.post("/api-keys", response_model=ApiKeyOut, responses=_ERRORS,
             status_code=status.HTTP_201_CREATED, dependencies=[CsrfChecked])  # fmt: skip
def create_api_key(body: ApiKeyCreate, admin: ManageAccounts, accounts: AccountsDep) -> ApiKeyOut:
    client, key = accounts.create_api_key(admin, body.name, body.role)
    return _key_out(client, key)


@router.delete("/api-keys/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=_ERRORS,
               dependencies=[CsrfChecked])  # fmt: skip
def revoke_api_key(name: str, admin: ManageAccounts, accounts: AccountsDep) -> Response:
    accounts.revoke_api_key(admin, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/audit", response_model=list[AuditOut], responses=_ERRORS)
def audit_log(
    admin: ManageAccounts, accounts: AccountsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0, actor: str | None = None,
) -> list[AuditOut]:  # fmt: skip
    """Newest first; ``actor`` as the log names it ("staff:lan", "api:portal")."""
    entries = accounts.audit_log(admin, limit, offset, by=actor)
    return [AuditOut(at=e.at.astimezone(LOCAL_TZ), actor=e.actor, action=e.action,
                     target_type=e.target_type, target=e.target, reason=e.reason,
                     details=e.details, ip=e.ip) for e in entries]  # fmt: skip


def _account_id(principal: Principal) -> int:
    if principal.kind != "account" or principal.id is None:
        raise Forbidden("only staff accounts link a chat", code="link.not_official")
    return principal.id


def _key_out(client: ApiClient, key: str) -> ApiKeyOut:
    return ApiKeyOut(name=client.name, role=client.role, key_prefix=client.key_prefix,
                     created_at=client.created_at.astimezone(LOCAL_TZ), key=key)  # fmt: skip
