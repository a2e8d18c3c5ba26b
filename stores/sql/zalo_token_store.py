"""The Zalo OA's rotating OAuth tokens in the database, with a claim so one process refreshes.

Zalo answers each refresh with a new refresh token and the old one stops working. If two
processes refreshed with the same token, the second would fail and, worse, one of the new
tokens could be lost, locking the account out until someone re-authorises it by hand. So a
refresher first *claims* the row: a compare-and-set on ``version`` that also sets a lease.
The others see the lease, wait, and read the new token.

>>> tokens = SqlZaloTokenStore(Database("sqlite:///var/langnghe.db"))
>>> tokens.seed("4311", refresh_token="initial-from-settings", now=now)
>>> row = tokens.load("4311")
>>> tokens.claim("4311", row.version, lease_until=now + timedelta(seconds=30), now=now)
True
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from stores.sql.db import Database, sql_errors
from stores.sql.tables import ZaloTokenRow

log = logging.getLogger(__name__)

_TOKENS: Table = ZaloTokenRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class StoredToken:
    """The row as read; an empty ``access_token`` means none was obtained yet."""

    access_token: str
    refresh_token: str
    expires_at: datetime
    rotated_at: datetime | None
    version: int
    lease_until: datetime | None


class SqlZaloTokenStore:
    """One row per Zalo app id; every change is one UPDATE statement (atomic on both engines).

    >>> store = SqlZaloTokenStore(db)
    >>> store.rotate("4311", "new-access", "new-refresh", expires_at=later, now=now)
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = postgresql.insert if db.is_postgres else sqlite.insert

    def load(self, app_id: str) -> StoredToken | None:
        stmt = select(_TOKENS).where(_TOKENS.c.app_id == app_id)
        with self._db.engine.connect() as conn:
            row = conn.execute(stmt).mappings().one_or_none()
        if row is None:
            return None
        return StoredToken(
            access_token=row["access_token"],
            refresh_token=row["refresh_token"],
            expires_at=row["expires_at"],
            rotated_at=row["rotated_at"],
            version=row["version"],
            lease_until=row["lease_until"],
        )

    def seed(self, app_id: str, refresh_token: str, now: datetime) -> None:
        """Store the first refresh token (from settings) unless a row exists: the stored one
        is newer, since every refresh rotates it."""
        stmt = self._insert(_TOKENS).values(
            app_id=app_id, access_token="", refresh_token=refresh_token, expires_at=now,
            rotated_at=None, version=0, lease_until=None,
        ).on_conflict_do_nothing()  # fmt: skip
        self._write(stmt)

    def claim(self, app_id: str, version: int, lease_until: datetime, now: datetime) -> bool:
        """Become the one refresher: True when ``version`` is current and no lease is live."""
        c = _TOKENS.c
        stmt = (
            update(_TOKENS)
            .where(c.app_id == app_id, c.version == version,
                   or_(c.lease_until.is_(None), c.lease_until <= now))
            .values(version=version + 1, lease_until=lease_until)
        )  # fmt: skip
        claimed = self._write(stmt) == 1
        log.info("zalo.token_claim app=%s version=%s claimed=%s", app_id, version, claimed)
        return claimed

    def rotate(
        self, app_id: str, access_token: str, refresh_token: str, expires_at: datetime,
        now: datetime,
    ) -> None:  # fmt: skip
        """Store a refresh's result and end the lease.

        Written whatever the version: the old refresh token is spent once Zalo answered, so
        the new pair is the only one that works, even if this claim's lease ran out meanwhile.
        """
        stmt = (
            update(_TOKENS)
            .where(_TOKENS.c.app_id == app_id)
            .values(access_token=access_token, refresh_token=refresh_token,
                    expires_at=expires_at, rotated_at=now, lease_until=None,
                    version=_TOKENS.c.version + 1)
        )  # fmt: skip
        if self._write(stmt) != 1:
            log.error("zalo.token_row_missing app=%s", app_id)
        log.info("zalo.token_rotated app=%s expires_at=%s", app_id, expires_at.isoformat())

    def release(self, app_id: str, version: int) -> None:
        """Give up a claim (the refresh failed) so the next caller may try at once."""
        c = _TOKENS.c
        stmt = (
            update(_TOKENS).where(c.app_id == app_id, c.version == version).values(lease_until=None)
        )
        self._write(stmt)

    def _write(self, stmt: object) -> int:
        failed = sql_errors("zalo token write", "zalo.token_store_failed", constraints_pass=False)
        with failed, self._db.write_connection() as conn:
            return int(conn.execute(stmt).rowcount)  # type: ignore[call-overload]
