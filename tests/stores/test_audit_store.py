"""The audit log on SQLite and PostgreSQL: append-only, by target oldest first, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.audit import AuditEntry
from stores.sql.audit_store import SqlAuditLog
from stores.sql.db import Database

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def _entry(minute: int, actor: str, action: str, target: str | None = None) -> AuditEntry:
    return AuditEntry(NOW + timedelta(minutes=minute), actor, action,
                      target_type="feedback" if target else None, target=target)  # fmt: skip


def test_entries_round_trip_with_every_field(database: Database) -> None:
    log = SqlAuditLog(database)
    full = AuditEntry(NOW, "staff:lan", "feedback.original_viewed", "feedback", "PA-2026-000001",
                      "gọi lại người dân", {"fields": ["text"], "n": 1}, "10.0.0.7")  # fmt: skip
    log.record(full)
    log.record(AuditEntry.now("x" * 150, "auth.login"))
    first, second = log.recent()[::-1]
    assert first == full
    assert second.actor == "x" * 100 and second.details == {} and second.at.tzinfo is not None


def test_for_target_is_oldest_first_and_recent_newest_first(database: Database) -> None:
    log = SqlAuditLog(database)
    log.record(_entry(1, "staff:lan", "feedback.status_changed", "PA-2026-000001"))
    log.record(_entry(2, "staff:an", "feedback.assigned", "PA-2026-000002"))
    log.record(_entry(3, "staff:an", "feedback.priority_set", "PA-2026-000001"))
    log.record(_entry(4, "system:langnghe", "alert.sent"))
    about_one = log.for_target("feedback", "PA-2026-000001")
    assert [e.action for e in about_one] == ["feedback.status_changed", "feedback.priority_set"]
    assert log.for_target("feedback", "PA-2026-000001", limit=1)[0].actor == "staff:lan"
    assert log.for_target("account", "PA-2026-000001") == []
    assert [e.at.minute for e in log.recent()] == [4, 3, 2, 1]
    assert [e.at.minute for e in log.recent(limit=2, offset=1)] == [3, 2]
    assert [e.action for e in log.recent(actor="staff:an")] == [
        "feedback.priority_set", "feedback.assigned"]  # fmt: skip
