"""The storage port of accounts, sessions, API clients, login failures and chat links.

Hashes go in and come out only where the service must check them (``PasswordRecord``,
``KeyRecord``): an ``Account`` or ``ApiClient`` never carries one.

    >>> store.add_account(NewAccount("lan", "Lan", hash_, Role.TRIAGE, None, now))
    Account(id=1, username='lan', ...)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.accounts import Account, ApiClient, Role


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    display_name: str
    password_hash: str
    role: Role
    department: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class PasswordRecord:
    """An account with the hash its password is checked against."""

    account: Account
    password_hash: str


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """An API client with the hash its key's secret is checked against."""

    client: ApiClient
    key_hash: str
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A session row joined with its account; ``last_seen_at`` decides when to slide it."""

    account: Account
    csrf_token: str
    expires_at: datetime
    last_seen_at: datetime


class AccountStore(Protocol):
    """Accounts and their credentials; ``Conflict`` on a taken username or client name."""

    def add_account(self, new: NewAccount) -> Account: ...

    def account(self, account_id: int) -> Account | None: ...

    def password_record(self, username: str) -> PasswordRecord | None: ...

    def accounts(self, role: Role | None = None, department: str | None = None) -> list[Account]:
        """By username."""
        ...

    def set_active(self, account_id: int, active: bool) -> None: ...

    def set_password_hash(self, account_id: int, password_hash: str, at: datetime) -> None: ...

    # --- sessions (keyed by the SHA-256 of the cookie's token) ---------------------------
    def add_session(
        self, token_hash: str, account_id: int, csrf_token: str, at: datetime,
        expires_at: datetime, ip: str | None,
    ) -> None: ...  # fmt: skip

    def session(self, token_hash: str) -> StoredSession | None: ...

    def touch_session(self, token_hash: str, at: datetime, expires_at: datetime) -> None: ...

    def delete_session(self, token_hash: str) -> None: ...

    def delete_sessions(self, account_id: int | None = None, expired_by: datetime | None = None
                        ) -> int:  # fmt: skip
        """Those of one account, or those expired by a moment; how many."""
        ...

    # --- failures (logins; wrong link codes, under a "link:" key) ------------------------
    def add_failure(self, username: str, ip: str, at: datetime) -> None: ...

    def failures_since(
        self, since: datetime, *, username: str | None = None, ip: str | None = None
    ) -> list[datetime]:
        """Times of the failures of a username or of an address since ``since``, oldest first."""
        ...

    def clear_failures(self, username: str) -> None: ...

    def forget_failures(self, before: datetime) -> int:
        """Delete failures older than ``before`` (out of every window); how many."""
        ...

    # --- API clients ---------------------------------------------------------------------
    def add_api_client(
        self, name: str, key_prefix: str, key_hash: str, role: Role, at: datetime
    ) -> ApiClient: ...

    def key_record(self, key_prefix: str) -> KeyRecord | None: ...

    def api_clients(self) -> list[ApiClient]: ...

    def touch_api_client(self, client_id: int, at: datetime) -> None: ...

    def revoke_api_client(self, name: str, at: datetime) -> ApiClient | None:
        """The client revoked now; None if no unrevoked client has that name."""
        ...

    # --- chat links ----------------------------------------------------------------------
    def add_link_code(
        self, code_hash: str, account_id: int, at: datetime, expires_at: datetime
    ) -> None:
        """``Conflict`` when the same code is live already (the caller draws another)."""
        ...

    def use_link_code(self, code_hash: str, at: datetime) -> int | None:
        """Mark a live, unused code used (atomically); its account id, or None."""
        ...

    def link_chat(self, channel: str, user_id: str, account_id: int, at: datetime) -> None:
        """Link (or re-link) one chat user to an account."""
        ...

    def linked_account(self, channel: str, user_id: str) -> Account | None: ...

    def linked_chats(self, roles: frozenset[Role]) -> list[tuple[str, str]]:
        """``(channel, user_id)`` linked to active accounts of these roles."""
        ...
