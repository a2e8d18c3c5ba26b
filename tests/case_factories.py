"""Cases for triage tests: feedback stored and "annotated" by hand (no model, no worker).

>>> fb = add_case(store, "m-1", category="thoat_nuoc", urgency="critical")
>>> staff_account(db, "lan", Role.TRIAGE)
3
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from core.accounts import Role
from core.cases import SlaTargets
from core.reference import ReferenceData
from core.types import LOCAL_TZ, Channel, Feedback, FeedbackStatus, Urgency
from services.intake import FeedbackService
from services.notifications import NotificationService
from services.sla import SlaService
from services.triage import TriageService
from stores.sql.audit_store import SqlAuditLog
from stores.sql.case_store import SqlCaseStore
from stores.sql.chat_link_store import SqlChatLinkStore
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.tables import AccountRow, ChatNotificationRow
from tests.factories import IdleQueue, annotation, feedback_in

RECEIVED = datetime(2026, 11, 20, 8, 30, tzinfo=LOCAL_TZ)
#: "Now" of triage tests: five days and a few hours after ``RECEIVED``.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=LOCAL_TZ)
FLOOD = "Đường Kha Vạn Cân ngập sâu 40cm, gọi 0903 123 456"
FLOOD_REDACTED = "Đường Kha Vạn Cân ngập sâu 40cm, gọi [số điện thoại]"


def add_case(
    store: SqlFeedbackStore,
    message_id: str,
    *,
    category: str = "thoat_nuoc",
    department: str | None = "ubnd_hiep_binh",
    urgency: str = "normal",
    status: FeedbackStatus = FeedbackStatus.NEEDS_TRIAGE,
    received_at: datetime = RECEIVED,
    text: str = FLOOD,
    redacted: str = FLOOD_REDACTED,
    ward: str | None = "Hiệp Bình",
    channel: Channel = Channel.API,
) -> Feedback:
    """A stored feedback as the router would leave it; ``status`` in_progress or later is
    reached through the allowed transitions."""
    fb = store.add(feedback_in(message_id, text, channel, received_at)).feedback
    base = annotation(category=category, confidence=0.3, ward=ward)
    ann = replace(
        base,
        routing=replace(base.routing, department=department),
        urgency=Urgency(urgency, 0.8),
        redacted_text=redacted,
    )
    first = (
        FeedbackStatus.ROUTED if status is FeedbackStatus.ROUTED else FeedbackStatus.NEEDS_TRIAGE
    )
    store.save_annotation(fb.id, ann, first, "system:router")
    for step in _path(status):
        store.change_status(fb.id, step, "staff:test", None)
    return store.get(fb.id)


def _path(status: FeedbackStatus) -> list[FeedbackStatus]:
    later = {
        FeedbackStatus.IN_PROGRESS: [FeedbackStatus.IN_PROGRESS],
        FeedbackStatus.RESOLVED: [FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED],
        FeedbackStatus.REJECTED: [FeedbackStatus.REJECTED],
    }
    return later.get(status, [])


def staff_account(
    db: Database,
    username: str,
    role: Role,
    department: str | None = None,
    active: bool = True,
) -> int:
    """An account row (no password that works): a target for assignment."""
    now = datetime.now(UTC)
    values = {"username": username, "display_name": username.title(), "password_hash": "x",
              "role": role.value, "department": department, "active": active,
              "created_at": now, "password_changed_at": now}  # fmt: skip
    with db.write_connection() as conn:
        return int(conn.execute(insert(AccountRow).values(**values)).inserted_primary_key[0])


@dataclass
class TriageRig:
    db: Database
    store: SqlFeedbackStore
    cases: SqlCaseStore
    audit: SqlAuditLog
    links: SqlChatLinkStore
    feedback: FeedbackService
    triage: TriageService

    def add(self, message_id: str = "a", **kw: Any) -> Feedback:
        return add_case(self.store, message_id, **kw)

    def outbox(self, feedback_id: int) -> list[str]:
        """Texts queued for the citizens who filed the feedback on chat."""
        n = ChatNotificationRow
        stmt = select(n.text).where(n.feedback_id == feedback_id).order_by(n.id)
        with self.db.engine.connect() as conn:
            return list(conn.scalars(stmt))

    def actions(self, reference: str) -> list[str]:
        return [e.action for e in self.audit.for_target("feedback", reference)]


def triage_rig(db: Database, reference: ReferenceData) -> TriageRig:
    """The triage service wired as the container wires it, on ``db``, at ``NOW``."""
    store, cases, audit = SqlFeedbackStore(db), SqlCaseStore(db), SqlAuditLog(db)
    links = SqlChatLinkStore(db)
    notifications = NotificationService(SqlChatStore(db), links, [], reference=reference)
    feedback = FeedbackService(store, IdleQueue(), sender_secret="s", wait_seconds=0.0,
                               on_status_change=notifications.feedback_status_changed)  # fmt: skip
    sla = SlaService(cases, SlaTargets.load(), clock=lambda: NOW)
    triage = TriageService(feedback, cases, audit, reference, sla)
    return TriageRig(db, store, cases, audit, links, feedback, triage)
