"""Staff accounts, web sessions, API keys and officials' chat links: who may act, and as whom.

Every door (REST, web pages, CLI, bots) goes through this one service, so a password is checked,
a login throttled and an account change audited the same way everywhere.

    >>> accounts = AccountService(SqlAccountStore(db), SqlAuditLog(db), ReferenceData.load())
    >>> accounts.create_account(SYSTEM, "lan", "mật-khẩu-dài", Role.TRIAGE)
    >>> session = accounts.login("lan", "mật-khẩu-dài", ip="10.0.0.7")
    >>> accounts.session_principal(session.token).principal.label
    'staff:lan'
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher

from core.account_ports import AccountStore, NewAccount
from core.accounts import (
    Account,
    ApiClient,
    Permission,
    Principal,
    Role,
    SessionInfo,
    WebSession,
    may,
)
from core.audit import AuditEntry, AuditLog
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from core.reference import ReferenceData
from services.passwords import (
    Credentials,
    FailureThrottle,
    digest,
    new_api_key,
    new_link_code,
    new_token,
    split_api_key,
)

log = logging.getLogger(__name__)

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
LINK_CODE_TTL = timedelta(minutes=10)
FAILURE_WINDOW = timedelta(minutes=15)  # failed logins and wrong link codes count this long
TOUCH_EVERY = timedelta(minutes=1)  # sliding expiry without a write on every request
OFFICIAL_ROLES = frozenset({Role.OFFICIAL, Role.ADMIN})
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
_CLIENT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_CODE = re.compile(r"^\d{6}$")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AccountService:
    """Accounts, sessions, API keys, chat links; implements the bots' ``OfficialDirectory``
    and ``OfficialChats`` for alerts."""

    def __init__(
        self, store: AccountStore, audit: AuditLog, reference: ReferenceData, *,
        hasher: PasswordHasher | None = None, session_hours: float = 8.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:  # fmt: skip
        self._store = store
        self._audit = audit
        self._reference = reference
        self._creds = Credentials(hasher)
        self._idle = timedelta(hours=session_hours)
        self._clock = clock
        self._logins = FailureThrottle(store, clock, FAILURE_WINDOW, per_key=5, per_source=20)
        self._codes = FailureThrottle(store, clock, FAILURE_WINDOW, per_key=5, per_source=30)

    # --- accounts ------------------------------------------------------------------------
    def create_account(
        self, actor: Principal, username: str, password: str, role: Role,
        department: str | None = None, display_name: str = "",
    ) -> Account:  # fmt: skip
        """A new active account; ``Conflict`` if the username is taken."""
        _require(actor, Permission.MANAGE_ACCOUNTS)
        name = _username(username)
        self._check_role(role, department)
        _check_password(password)
        new = NewAccount(name, display_name.strip() or name, self._creds.hash_password(password),
                         role, department, self._clock())  # fmt: skip
        account = self._store.add_account(new)
        self._record(actor, "account.created", account.username, role=role.value,
                     department=department)  # fmt: skip
        log.info("account.created username=%s role=%s", account.username, role)
        return account

    def ensure_account(
        self, actor: Principal, username: str, password: str, role: Role,
        department: str | None = None, display_name: str = "",
    ) -> Account:  # fmt: skip
        """The account named ``username``, created if missing (its password is left alone)."""
        record = self._store.password_record(_username(username))
        if record is not None:
            return record.account
        try:
            return self.create_account(actor, username, password, role, department, display_name)
        except Conflict:  # created meanwhile by another process
            return self.account_named(username)

    def disable_account(self, actor: Principal, username: str) -> Account:
        """Deactivate an account and end its sessions (nothing is deleted: history names it)."""
        _require(actor, Permission.MANAGE_ACCOUNTS)
        account = self.account_named(username)
        self._store.set_active(account.id, False)
        self._store.delete_sessions(account_id=account.id)
        self._record(actor, "account.disabled", account.username)
        return self.get_account(account.id)

    def accounts(self, role: Role | None = None, department: str | None = None) -> list[Account]:
        return self._store.accounts(role, department)

    def get_account(self, account_id: int) -> Account:
        account = self._store.account(account_id)
        if account is None:
            raise NotFound(f"no account {account_id}", code="account.not_found")
        return account

    def account_named(self, username: str) -> Account:
        """The account of a username (any case); ``NotFound`` if there is none."""
        record = self._store.password_record(username.strip().lower())
        if record is None:
            raise NotFound(f"no account {username!r}", code="account.not_found")
        return record.account

    # --- sessions ------------------------------------------------------------------------
    def login(self, username: str, password: str, ip: str | None = None) -> WebSession:
        """A new session; ``Unauthenticated`` alike for a wrong name, password or a disabled
        account (and in similar time), ``Throttled`` after too many failures."""
        name, source = username.strip().lower()[:60], ip or "unknown"
        self._logins.check(name, source)
        record = self._store.password_record(name)
        if record is None:
            self._creds.burn(password)
        ok = record is not None and self._creds.verify_password(record.password_hash, password)
        if record is None or not ok or not record.account.active:
            self._logins.fail(name, source)
            self._audit.record(AuditEntry.now("anonymous", "auth.login_failed",
                               target_type="account", target=name, ip=ip))  # fmt: skip
            log.info("auth.login_failed ip=%s", source)
            raise Unauthenticated("wrong username or password", code="auth.bad_credentials")
        self._logins.clear(name)
        if self._creds.needs_rehash(record.password_hash):
            self._store.set_password_hash(record.account.id, self._creds.hash_password(password),
                                          self._clock())  # fmt: skip
        return self._open_session(record.account, ip)

    def session_principal(self, token: str) -> SessionInfo | None:
        """Who holds this cookie token, sliding its expiry; None if unknown or expired."""
        if not token or len(token) > 200:
            return None
        key, now = digest(token), self._clock()
        stored = self._store.session(key)
        if stored is None or not stored.account.active:
            return None
        if stored.expires_at <= now:
            self._store.delete_session(key)
            return None
        expires = stored.expires_at
        if now - stored.last_seen_at >= TOUCH_EVERY:
            expires = now + self._idle
            self._store.touch_session(key, now, expires)
        return SessionInfo(Principal.of(stored.account), stored.csrf_token, expires)

    def logout(self, token: str) -> None:
        if token:
            self._store.delete_session(digest(token))

    def _open_session(self, account: Account, ip: str | None) -> WebSession:
        now = self._clock()
        self._store.delete_sessions(expired_by=now)  # housekeeping, at each login
        self._store.forget_failures(now - FAILURE_WINDOW)
        token, csrf = new_token(), new_token()
        expires = now + self._idle
        self._store.add_session(digest(token), account.id, csrf, now, expires, ip)
        self._audit.record(AuditEntry.now(Principal.of(account).label, "auth.login",
                           target_type="account", target=account.username, ip=ip))  # fmt: skip
        log.info("auth.login username=%s", account.username)
        return WebSession(token, csrf, account, expires)

    # --- API keys ------------------------------------------------------------------------
    def create_api_key(
        self, actor: Principal, name: str, role: Role = Role.API
    ) -> tuple[ApiClient, str]:
        """A new client and its key, shown this once (only its hash is kept)."""
        _require(actor, Permission.MANAGE_ACCOUNTS)
        clean = name.strip().lower()
        if not _CLIENT_NAME.match(clean):
            raise InvalidInput("an API client name is 1-100 of a-z 0-9 . _ -",
                               code="api_client.bad_name")  # fmt: skip
        if role in (Role.ADMIN, Role.DEPARTMENT):
            raise InvalidInput(f"an API key cannot have the role {role}", code="api_client.role")
        prefix, key = new_api_key()
        secret = split_api_key(key)
        assert secret is not None
        client = self._store.add_api_client(clean, prefix, digest(secret[1]), role, self._clock())
        self._record(actor, "api_key.created", clean, target_type="api_client", role=role.value)
        return client, key

    def api_key_principal(self, key: str) -> Principal | None:
        parts = split_api_key(key)
        record = self._store.key_record(parts[0]) if parts else None
        if parts is None or record is None or record.client.revoked_at is not None:
            return None
        if not hmac.compare_digest(digest(parts[1]), record.key_hash):
            return None
        now = self._clock()
        if record.last_used_at is None or now - record.last_used_at >= TOUCH_EVERY:
            self._store.touch_api_client(record.client.id, now)
        client = record.client
        return Principal("api_client", client.id, client.name, client.role)

    def revoke_api_key(self, actor: Principal, name: str) -> ApiClient:
        _require(actor, Permission.MANAGE_ACCOUNTS)
        client = self._store.revoke_api_client(name.strip().lower(), self._clock())
        if client is None:
            raise NotFound(f"no active API client {name!r}", code="api_client.not_found")
        self._record(actor, "api_key.revoked", client.name, target_type="api_client")
        return client

    def api_clients(self, actor: Principal) -> list[ApiClient]:
        _require(actor, Permission.MANAGE_ACCOUNTS)
        return self._store.api_clients()

    def audit_log(
        self, actor: Principal, limit: int = 100, offset: int = 0, by: str | None = None
    ) -> Sequence[AuditEntry]:
        _require(actor, Permission.MANAGE_ACCOUNTS)
        return self._audit.recent(limit, offset, actor=by)

    # --- officials' chats ----------------------------------------------------------------
    def new_link_code(self, account_id: int) -> str:
        """A 6-digit code the official types in the bot; valid 10 minutes, once."""
        account = self.get_account(account_id)
        if not account.active or account.role not in OFFICIAL_ROLES:
            raise Forbidden("only officials and admins link a chat", code="link.not_official")
        now = self._clock()
        for _ in range(5):
            code = new_link_code()
            try:
                self._store.add_link_code(digest(code), account.id, now, now + LINK_CODE_TTL)
            except Conflict:
                continue
            return code
        raise Conflict("no free link code; try again", code="link.code_taken")

    def link_chat(self, channel: str, user_id: str, code: str) -> Account:
        """Link this chat user to the code's account; ``InvalidInput`` for a wrong or expired
        code, ``Throttled`` after too many wrong ones."""
        chat, source = f"link:{channel}:{digest(user_id)[:40]}", f"link:{channel}"
        self._codes.check(chat, source)
        clean = re.sub(r"\s", "", code)
        found = (
            self._store.use_link_code(digest(clean), self._clock()) if _CODE.match(clean) else None
        )
        account = self._store.account(found) if found is not None else None
        if account is None or not account.active:
            self._codes.fail(chat, source)
            raise InvalidInput("wrong or expired link code", code="link.code_invalid")
        self._store.link_chat(channel, user_id, account.id, self._clock())
        self._record(Principal.of(account), "chat.linked", account.username, channel=channel)
        log.info("chat.linked username=%s channel=%s", account.username, channel)
        return account

    def is_linked_official(self, channel: str, user_id: str) -> bool:
        account = self._store.linked_account(channel, user_id)
        return account is not None and account.active and account.role in OFFICIAL_ROLES

    def official_chats(self) -> list[tuple[str, str]]:
        return self._store.linked_chats(OFFICIAL_ROLES)

    # --- helpers -------------------------------------------------------------------------
    def _check_role(self, role: Role, department: str | None) -> None:
        if role is Role.API:
            raise InvalidInput("the api role is for API keys", code="account.bad_role")
        if (role is Role.DEPARTMENT) != (department is not None):
            raise InvalidInput("a department account, and only one, names its department",
                               code="account.department_required")  # fmt: skip
        if department is not None:
            self._reference.department(department)  # InvalidInput if unknown

    def _record(self, actor: Principal, action: str, target: str, *,
                target_type: str = "account", **details: Any) -> None:  # fmt: skip
        details = {k: v for k, v in details.items() if v is not None}
        self._audit.record(AuditEntry.now(actor.label, action, target_type=target_type,
                                          target=target, details=details))  # fmt: skip


def _require(actor: Principal, permission: Permission) -> None:
    if not may(actor, permission):
        raise Forbidden(f"the role {actor.role} may not {permission}")


def _username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput("a username is 2-60 of a-z 0-9 . _ -", code="account.bad_username")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD} characters",
                           code="account.password_too_short")  # fmt: skip
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("the password is too long", code="account.password_too_long")
