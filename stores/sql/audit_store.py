"""The audit log in SQL: append-only, read by target or newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from core.audit import AuditEntry
from stores.sql.db import Database, sql_errors
from stores.sql.tables import AuditRow


class SqlAuditLog:
    """``AuditLog`` on the ``audit_log`` table.

    >>> log = SqlAuditLog(db)
    >>> log.record(AuditEntry.now("staff:lan", "feedback.status_changed", target_type="feedback",
    ...                           target="PA-2026-000001"))
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, entry: AuditEntry) -> None:
        values = {
            "at": entry.at, "actor": entry.actor[:100], "action": entry.action,
            "target_type": entry.target_type, "target": entry.target, "reason": entry.reason,
            "details": entry.details or None, "ip": entry.ip,
        }  # fmt: skip
        with sql_errors("audit.record"), self._db.write_connection() as conn:
            conn.execute(insert(AuditRow).values(**values))

    def for_target(self, target_type: str, target: str, limit: int = 200) -> Sequence[AuditEntry]:
        stmt = (
            select(AuditRow)
            .where(AuditRow.target_type == target_type, AuditRow.target == target)
            .order_by(AuditRow.id)
            .limit(limit)
        )
        return self._fetch(stmt)

    def recent(
        self, limit: int = 100, offset: int = 0, actor: str | None = None
    ) -> Sequence[AuditEntry]:
        stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit).offset(offset)
        if actor is not None:
            stmt = stmt.where(AuditRow.actor == actor)
        return self._fetch(stmt)

    def _fetch(self, stmt: Any) -> list[AuditEntry]:
        with sql_errors("audit.read"), self._db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            AuditEntry(r.at, r.actor, r.action, r.target_type, r.target, r.reason,
                       dict(r.details or {}), r.ip)
            for r in rows
        ]  # fmt: skip
