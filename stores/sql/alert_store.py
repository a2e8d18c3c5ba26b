"""Detected spikes in SQL; the unique key (kind, category, ward, day) stores each spike once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from core.analytics import Alert, AlertKind
from stores.sql.db import Database, sql_errors
from stores.sql.tables import AlertRow

_ALERTS: Table = AlertRow.__table__  # type: ignore[assignment]


class SqlAlertStore:
    """``AlertStore`` on the ``alert`` table.

    >>> alerts = SqlAlertStore(db)
    >>> alerts.add(Alert(AlertKind.VOLUME, "thoat_nuoc", "Hiệp Bình", day, 25, 3.1, 1e-12))
    Alert(..., id=1, ...)
    >>> alerts.add(Alert(AlertKind.VOLUME, "thoat_nuoc", "Hiệp Bình", day, 27, 3.1, 1e-13))
    None
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = postgresql.insert if db.is_postgres else sqlite.insert

    def add(self, alert: Alert) -> Alert | None:
        now = datetime.now(UTC)
        values = {
            "kind": alert.kind.value, "category": alert.category, "ward": alert.ward,
            "day": alert.day, "observed": alert.observed, "expected": alert.expected,
            "p_value": alert.p_value, "details": alert.details, "created_at": now,
        }  # fmt: skip
        stmt = (
            self._insert(_ALERTS)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "category", "ward", "day"])
            .returning(_ALERTS.c.id)
        )
        with sql_errors("alert write", "analytics.database_failed"), \
                self._db.write_connection() as conn:  # fmt: skip
            new_id = conn.execute(stmt).scalar()
        if new_id is None:
            return None
        return replace(alert, id=int(new_id), created_at=now)

    def unsent(self, since: date) -> list[Alert]:
        stmt = (
            select(_ALERTS)
            .where(_ALERTS.c.sent_at.is_(None), _ALERTS.c.day >= since)
            .order_by(_ALERTS.c.id)
        )
        return self._fetch(stmt)

    def mark_sent(self, alert_id: int, at: datetime) -> None:
        stmt = update(_ALERTS).where(_ALERTS.c.id == alert_id).values(sent_at=at)
        with sql_errors("alert write", "analytics.database_failed"), \
                self._db.write_connection() as conn:  # fmt: skip
            conn.execute(stmt)

    def recent(self, limit: int = 50, since: date | None = None) -> list[Alert]:
        stmt = select(_ALERTS).order_by(_ALERTS.c.day.desc(), _ALERTS.c.id.desc()).limit(limit)
        if since is not None:
            stmt = stmt.where(_ALERTS.c.day >= since)
        return self._fetch(stmt)

    def _fetch(self, stmt: Any) -> list[Alert]:
        with sql_errors("alert read", "analytics.database_failed"), \
                self._db.engine.connect() as conn:  # fmt: skip
            rows = conn.execute(stmt).all()
        return [
            Alert(AlertKind(r.kind), r.category, r.ward, r.day, r.observed, r.expected,
                  r.p_value, dict(r.details or {}), r.id, r.created_at, r.sent_at)
            for r in rows
        ]  # fmt: skip
