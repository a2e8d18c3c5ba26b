"""Who is acting, and what each role may do: staff accounts, API clients, the access policy.

One policy for every adapter (REST, web pages, Open311, bots), so a role cannot see more
through one door than through another::

    >>> p = Principal("account", 7, "lan", Role.DEPARTMENT, department="ubnd_phuong")
    >>> may(p, Permission.CHANGE_CASES)
    True
    >>> sees_department(p, "cong_an")
    False
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class Role(enum.StrEnum):
    """Roles of staff accounts (``api`` is the role of API clients)."""

    ADMIN = "admin"  # everything, accounts included
    TRIAGE = "triage"  # all cases, every change
    DEPARTMENT = "department"  # only its department's cases
    OFFICIAL = "official"  # analytics across wards; cases read-only
    API = "api"  # a machine client with an API key: submits and reads, changes nothing


class Permission(enum.StrEnum):
    VIEW_CASES = "view_cases"  # queue, case pages, redacted text, CSV export
    CHANGE_CASES = "change_cases"  # status, category, priority, assignment, merge
    VIEW_ORIGINAL = "view_original"  # unredacted text, with a reason (audited)
    VIEW_ANALYTICS = "view_analytics"  # ask, dashboard, alerts
    SUBMIT = "submit"  # file a feedback on behalf of someone (API, Open311)
    MANAGE_ACCOUNTS = "manage_accounts"  # accounts, API keys, the audit log


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.TRIAGE: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.CHANGE_CASES,
            Permission.VIEW_ORIGINAL,
            Permission.VIEW_ANALYTICS,
            Permission.SUBMIT,
        }
    ),
    Role.DEPARTMENT: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.CHANGE_CASES,
            Permission.VIEW_ORIGINAL,
            Permission.VIEW_ANALYTICS,
        }
    ),
    Role.OFFICIAL: frozenset({Permission.VIEW_CASES, Permission.VIEW_ANALYTICS}),
    Role.API: frozenset({Permission.SUBMIT, Permission.VIEW_CASES}),
}


@dataclass(frozen=True, slots=True)
class Account:
    """A staff member's account; the password hash never leaves the store."""

    id: int
    username: str
    display_name: str
    role: Role
    department: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ApiClient:
    """A machine client; its key is shown once at creation and stored only as a hash."""

    id: int
    name: str
    key_prefix: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever is acting now: a logged-in account, an API client, or the system itself."""

    kind: str  # "account" | "api_client" | "system"
    id: int | None
    name: str
    role: Role
    department: str | None = None

    @property
    def label(self) -> str:
        """How the audit log and feedback history name this actor ("staff:lan", "api:portal")."""
        prefix = {"account": "staff", "api_client": "api"}.get(self.kind, self.kind)
        return f"{prefix}:{self.name}"

    @classmethod
    def of(cls, account: Account) -> Principal:
        return cls("account", account.id, account.username, account.role, account.department)


SYSTEM = Principal("system", None, "langnghe", Role.ADMIN)


def may(principal: Principal, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(principal.role, frozenset())


def sees_department(principal: Principal, department: str | None) -> bool:
    """Department accounts see only their department's cases; every other role sees all."""
    if principal.role is not Role.DEPARTMENT:
        return True
    return principal.department is not None and department == principal.department


@dataclass(frozen=True, slots=True)
class WebSession:
    """A fresh login: ``token`` goes into the cookie once and is stored only as a SHA-256."""

    token: str
    csrf_token: str
    account: Account
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What a valid session cookie stands for; ``expires_at`` slides with every use."""

    principal: Principal
    csrf_token: str
    expires_at: datetime


class OfficialChats(Protocol):
    """The chats of linked officials and admins, for alerts (``AccountService`` implements it)."""

    def official_chats(self) -> list[tuple[str, str]]:
        """``(channel, user_id)`` of every active linked official or admin account."""
        ...


def assignment_refusal(assigner: Principal, account: Account) -> str | None:
    """Why ``assigner`` may not give cases to ``account`` (an error code), or None.

    Whether the account can see one particular case is ``sees_department``'s to say; the
    triage service refuses with these codes and the pages offer only accounts without one.
    """
    if not account.active:
        return "triage.unknown_assignee"
    if assigner.role is Role.DEPARTMENT and account.department != assigner.department:
        return "triage.assign_outside"
    if not may(Principal.of(account), Permission.CHANGE_CASES):
        return "triage.assignee_read_only"
    return None
