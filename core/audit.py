"""The audit log: every change, and every view of unredacted text (who, when, why).

>>> audit.record(AuditEntry.now(principal.label, "feedback.original_viewed",
...              target="PA-2026-000123", reason="gọi lại cho người dân"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited action; ``target`` is what it touched (a feedback reference, a username)."""

    at: datetime
    actor: str
    action: str
    target_type: str | None = None
    target: str | None = None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    ip: str | None = None

    @classmethod
    def now(cls, actor: str, action: str, **kwargs: Any) -> AuditEntry:
        return cls(datetime.now(UTC), actor, action, **kwargs)


class AuditLog(Protocol):
    """Append-only; nothing in langnghe updates or deletes an entry."""

    def record(self, entry: AuditEntry) -> None: ...

    def for_target(self, target_type: str, target: str, limit: int = 200) -> Sequence[AuditEntry]:
        """Entries about one thing, oldest first."""
        ...

    def recent(
        self, limit: int = 100, offset: int = 0, actor: str | None = None
    ) -> Sequence[AuditEntry]:
        """Newest first, optionally of one actor."""
        ...
