"""Accounts, sessions, API clients, login failures and chat links in SQL (SQLite, PostgreSQL).

>>> store = SqlAccountStore(Database("sqlite:///var/langnghe.db"))
>>> store.password_record("lan")
PasswordRecord(account=Account(id=1, username='lan', ...), password_hash='$argon2id$...')
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from core.account_ports import KeyRecord, NewAccount, PasswordRecord, StoredSession
from core.accounts import Account, ApiClient, Role
from core.errors import Conflict
from stores.sql.db import Database, sql_errors
from stores.sql.tables import (
    AccountRow,
    ApiClientRow,
    LinkCodeRow,
    LoginFailureRow,
    OfficialLinkRow,
    WebSessionRow,
)


class SqlAccountStore:
    """``AccountStore`` on the tables of migration 0007.

    >>> store.add_account(NewAccount("lan", "Lan", hash_, Role.TRIAGE, None, now)).id
    1
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = postgresql.insert if db.is_postgres else sqlite.insert

    # --- accounts ------------------------------------------------------------------------
    def add_account(self, new: NewAccount) -> Account:
        values = {
            "username": new.username, "display_name": new.display_name,
            "password_hash": new.password_hash, "role": new.role.value,
            "department": new.department, "active": True, "created_at": new.at,
            "password_changed_at": new.at,
        }  # fmt: skip
        try:
            with self._write() as conn:
                new_id = conn.execute(insert(AccountRow).values(**values)).inserted_primary_key
        except IntegrityError as exc:
            raise Conflict(f"username {new.username!r} is taken", code="account.exists") from exc
        assert new_id is not None
        account = self.account(int(new_id[0]))
        assert account is not None
        return account

    def account(self, account_id: int) -> Account | None:
        rows = self._rows(select(AccountRow).where(AccountRow.id == account_id))
        return _account(rows[0]) if rows else None

    def password_record(self, username: str) -> PasswordRecord | None:
        rows = self._rows(select(AccountRow).where(AccountRow.username == username))
        return PasswordRecord(_account(rows[0]), rows[0].password_hash) if rows else None

    def accounts(self, role: Role | None = None, department: str | None = None) -> list[Account]:
        stmt = select(AccountRow).order_by(AccountRow.username)
        if role is not None:
            stmt = stmt.where(AccountRow.role == role.value)
        if department is not None:
            stmt = stmt.where(AccountRow.department == department)
        return [_account(r) for r in self._rows(stmt)]

    def set_active(self, account_id: int, active: bool) -> None:
        with self._write() as conn:
            conn.execute(
                update(AccountRow).where(AccountRow.id == account_id).values(active=active)
            )

    def set_password_hash(self, account_id: int, password_hash: str, at: datetime) -> None:
        stmt = update(AccountRow).where(AccountRow.id == account_id)
        with self._write() as conn:
            conn.execute(stmt.values(password_hash=password_hash, password_changed_at=at))

    # --- sessions ------------------------------------------------------------------------
    def add_session(
        self, token_hash: str, account_id: int, csrf_token: str, at: datetime,
        expires_at: datetime, ip: str | None,
    ) -> None:  # fmt: skip
        values = {"token_hash": token_hash, "account_id": account_id, "csrf_token": csrf_token,
                  "created_at": at, "expires_at": expires_at, "last_seen_at": at,
                  "ip": ip[:64] if ip else None}  # fmt: skip
        with self._write() as conn:
            conn.execute(insert(WebSessionRow).values(**values))

    def session(self, token_hash: str) -> StoredSession | None:
        s = WebSessionRow
        stmt = (
            select(AccountRow, s.csrf_token, s.expires_at, s.last_seen_at)
            .join(s, s.account_id == AccountRow.id)
            .where(s.token_hash == token_hash)
        )
        with self._read() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        return StoredSession(_account(row), row.csrf_token, row.expires_at, row.last_seen_at)

    def touch_session(self, token_hash: str, at: datetime, expires_at: datetime) -> None:
        stmt = update(WebSessionRow).where(WebSessionRow.token_hash == token_hash)
        with self._write() as conn:
            conn.execute(stmt.values(last_seen_at=at, expires_at=expires_at))

    def delete_session(self, token_hash: str) -> None:
        with self._write() as conn:
            conn.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

    def delete_sessions(
        self, account_id: int | None = None, expired_by: datetime | None = None
    ) -> int:
        stmt = delete(WebSessionRow)
        if account_id is not None:
            stmt = stmt.where(WebSessionRow.account_id == account_id)
        if expired_by is not None:
            stmt = stmt.where(WebSessionRow.expires_at <= expired_by)
        with self._write() as conn:
            return conn.execute(stmt).rowcount

    # --- failures ------------------------------------------------------------------------
    def add_failure(self, username: str, ip: str, at: datetime) -> None:
        with self._write() as conn:
            conn.execute(insert(LoginFailureRow).values(username=username[:60], ip=ip[:64], at=at))

    def failures_since(
        self, since: datetime, *, username: str | None = None, ip: str | None = None
    ) -> list[datetime]:
        f = LoginFailureRow
        stmt = select(f.at).where(f.at > since).order_by(f.at)
        if username is not None:
            stmt = stmt.where(f.username == username[:60])
        if ip is not None:
            stmt = stmt.where(f.ip == ip[:64])
        with self._read() as conn:
            return list(conn.execute(stmt).scalars())

    def clear_failures(self, username: str) -> None:
        with self._write() as conn:
            conn.execute(delete(LoginFailureRow).where(LoginFailureRow.username == username[:60]))

    def forget_failures(self, before: datetime) -> int:
        with self._write() as conn:
            return conn.execute(delete(LoginFailureRow).where(LoginFailureRow.at < before)).rowcount

    # --- API clients ---------------------------------------------------------------------
    def add_api_client(
        self, name: str, key_prefix: str, key_hash: str, role: Role, at: datetime
    ) -> ApiClient:
        values = {"name": name, "key_prefix": key_prefix, "key_hash": key_hash,
                  "role": role.value, "created_at": at}  # fmt: skip
        try:
            with self._write() as conn:
                conn.execute(insert(ApiClientRow).values(**values))
        except IntegrityError as exc:
            raise Conflict(f"API client {name!r} exists", code="api_client.exists") from exc
        record = self.key_record(key_prefix)
        assert record is not None
        return record.client

    def key_record(self, key_prefix: str) -> KeyRecord | None:
        rows = self._rows(select(ApiClientRow).where(ApiClientRow.key_prefix == key_prefix))
        if not rows:
            return None
        return KeyRecord(_client(rows[0]), rows[0].key_hash, rows[0].last_used_at)

    def api_clients(self) -> list[ApiClient]:
        return [_client(r) for r in self._rows(select(ApiClientRow).order_by(ApiClientRow.name))]

    def touch_api_client(self, client_id: int, at: datetime) -> None:
        stmt = update(ApiClientRow).where(ApiClientRow.id == client_id).values(last_used_at=at)
        with self._write() as conn:
            conn.execute(stmt)

    def revoke_api_client(self, name: str, at: datetime) -> ApiClient | None:
        c = ApiClientRow
        stmt = update(c).where(c.name == name, c.revoked_at.is_(None)).values(revoked_at=at)
        with self._write() as conn:
            if conn.execute(stmt).rowcount == 0:
                return None
        rows = self._rows(select(c).where(c.name == name))
        return _client(rows[0])

    # --- chat links ----------------------------------------------------------------------
    def add_link_code(
        self, code_hash: str, account_id: int, at: datetime, expires_at: datetime
    ) -> None:
        values = {"code_hash": code_hash, "account_id": account_id, "created_at": at,
                  "expires_at": expires_at}  # fmt: skip
        try:
            with self._write() as conn:
                conn.execute(delete(LinkCodeRow).where(LinkCodeRow.expires_at <= at))
                conn.execute(insert(LinkCodeRow).values(**values))
        except IntegrityError as exc:
            raise Conflict("this link code is in use", code="link.code_taken") from exc

    def use_link_code(self, code_hash: str, at: datetime) -> int | None:
        c = LinkCodeRow
        live = (c.code_hash == code_hash, c.used_at.is_(None), c.expires_at > at)
        with self._write() as conn:
            if conn.execute(update(c).where(*live).values(used_at=at)).rowcount == 0:
                return None
            found = conn.execute(select(c.account_id).where(c.code_hash == code_hash)).scalar()
        return None if found is None else int(found)

    def link_chat(self, channel: str, user_id: str, account_id: int, at: datetime) -> None:
        values = {"channel": channel, "user_id": user_id, "account_id": account_id,
                  "linked_at": at}  # fmt: skip
        stmt = self._insert(OfficialLinkRow).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["channel", "user_id"],
            set_={"account_id": account_id, "linked_at": at},
        )
        with self._write() as conn:
            conn.execute(stmt)

    def linked_account(self, channel: str, user_id: str) -> Account | None:
        link = OfficialLinkRow
        stmt = (
            select(AccountRow)
            .join(link, link.account_id == AccountRow.id)
            .where(link.channel == channel, link.user_id == user_id)
        )
        rows = self._rows(stmt)
        return _account(rows[0]) if rows else None

    def linked_chats(self, roles: frozenset[Role]) -> list[tuple[str, str]]:
        link = OfficialLinkRow
        stmt = (
            select(link.channel, link.user_id)
            .join(AccountRow, link.account_id == AccountRow.id)
            .where(AccountRow.active.is_(True), AccountRow.role.in_([r.value for r in roles]))
            .order_by(link.channel, link.user_id)
        )
        with self._read() as conn:
            return [(ch, uid) for ch, uid in conn.execute(stmt)]

    # --- plumbing ------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with (
            sql_errors("account store write", "account.database_failed"),
            self._db.write_connection() as conn,
        ):
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with (
            sql_errors("account store read", "account.database_failed"),
            self._db.engine.connect() as conn,
        ):
            yield conn

    def _rows(self, stmt: Any) -> list[Any]:
        with self._read() as conn:
            return list(conn.execute(stmt).all())


def _account(r: Any) -> Account:
    role = Role(r.role)
    return Account(r.id, r.username, r.display_name, role, r.department, r.active, r.created_at)


def _client(r: Any) -> ApiClient:
    return ApiClient(r.id, r.name, r.key_prefix, Role(r.role), r.created_at, r.revoked_at)
