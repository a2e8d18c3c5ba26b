"""Status notifications: enqueued on a status change, delivered per channel, retried with
backoff, held while the platform forbids writing, never dropped silently (SQLite, real stores)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core.chat import ChatChannel, Reply
from core.chat_ports import MessagingWindowClosed
from core.errors import ExternalServiceError, InvalidInput
from core.reference import ReferenceData
from core.types import Feedback, FeedbackStatus
from services.intake import FeedbackService
from services.notification_texts_vi import notification_text
from services.notifications import DeliveryReport, NotificationService, NotificationWorker
from stores.sql.chat_link_store import SqlChatLinkStore
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.tables import ChatNotificationRow
from tests.factories import IdleQueue, feedback_in

FLOOD = "Đường Kha Vạn Cân đoạn trước chợ Linh Tây ngập sâu 40cm sau cơn mưa chiều nay"


@dataclass
class FakeSender:
    """A ``ChannelSender`` that records what it sent, or fails the way it is told to."""

    channel: ChatChannel
    sent: list[tuple[str, str]] = field(default_factory=list)
    error: Exception | None = None

    def send(self, user_id: str, replies: list[Reply]) -> None:
        if self.error is not None:
            raise self.error
        self.sent.extend((user_id, r.text) for r in replies)


@dataclass
class Rig:
    db: Database
    feedback_store: SqlFeedbackStore
    chat_store: SqlChatStore
    links: SqlChatLinkStore
    zalo: FakeSender
    telegram: FakeSender
    service: NotificationService
    feedback: FeedbackService

    def filed(self, message_id: str = "z-1", *subscribers: tuple[ChatChannel, str]) -> Feedback:
        """A routed feedback filed by ``subscribers`` through the bot."""
        fb = self.feedback_store.add(feedback_in(message_id, text=FLOOD)).feedback
        self.feedback_store.change_status(fb.id, FeedbackStatus.ROUTED, "system:router", None)
        for channel, user_id in subscribers:
            self.links.link(fb.id, channel, user_id)
        return self.feedback_store.get(fb.id)

    def outbox(self) -> list[Any]:
        with self.db.engine.connect() as conn:
            return list(conn.execute(select(ChatNotificationRow).order_by(ChatNotificationRow.id)))


@pytest.fixture
def rig(sqlite_db: Database, reference: ReferenceData) -> Rig:
    feedback_store, chat_store = SqlFeedbackStore(sqlite_db), SqlChatStore(sqlite_db)
    links = SqlChatLinkStore(sqlite_db)
    zalo, telegram = FakeSender(ChatChannel.ZALO), FakeSender(ChatChannel.TELEGRAM)
    service = NotificationService(chat_store, links, [zalo, telegram], reference=reference,
                                  max_attempts=4)  # fmt: skip
    feedback = FeedbackService(feedback_store, IdleQueue(), "s", wait_seconds=0,
                               on_status_change=service.feedback_status_changed)  # fmt: skip
    return Rig(sqlite_db, feedback_store, chat_store, links, zalo, telegram, service, feedback)


def test_a_status_change_reaches_each_user_on_their_own_channel(rig: Rig) -> None:
    fb = rig.filed("z-1", (ChatChannel.ZALO, "8413027765"), (ChatChannel.TELEGRAM, "605144218"))
    rig.feedback.change_status(fb.reference, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    assert [r.state for r in rig.outbox()] == ["pending", "pending"]
    report = rig.service.deliver_due()
    assert report.sent == 2
    (zalo_user, zalo_text), (tg_user, tg_text) = rig.zalo.sent[0], rig.telegram.sent[0]
    assert (zalo_user, tg_user) == ("8413027765", "605144218")
    assert zalo_text == tg_text
    assert zalo_text.startswith(f"Dạ, phản ánh {fb.reference} của anh/chị đang được")
    assert [(r.state, r.attempts, r.feedback_id) for r in rig.outbox()] == [
        ("sent", 1, fb.id), ("sent", 1, fb.id)
    ]  # fmt: skip


def test_a_change_nobody_follows_on_chat_enqueues_nothing(rig: Rig) -> None:
    fb = rig.filed("web-1")  # filed on the website: no chat link
    rig.feedback.change_status(fb.id, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    assert rig.outbox() == []


def test_an_internal_move_is_not_told(rig: Rig) -> None:
    fb = rig.filed("z-2", (ChatChannel.ZALO, "u-1"))
    rig.feedback.change_status(fb.id, FeedbackStatus.NEEDS_TRIAGE, "staff:lan", "sai đơn vị")
    assert rig.outbox() == []


@pytest.mark.parametrize(
    ("old", "new", "department", "note", "expected", "absent"),
    [
        (FeedbackStatus.ROUTED, FeedbackStatus.IN_PROGRESS, "ubnd_hiep_binh", "ghi chú nội bộ",
         "đang được Ủy ban nhân dân phường Hiệp Bình xử lý", "ghi chú nội bộ"),
        (FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED, None, "Đã nạo vét cống thoát nước",
         "Ghi chú của cán bộ: Đã nạo vét cống thoát nước", "đang được"),
        (FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.REJECTED, None, "Không thuộc thẩm quyền",
         "không được tiếp nhận xử lý.\nGhi chú của cán bộ: Không thuộc thẩm quyền", "mở lại"),
        (FeedbackStatus.RESOLVED, FeedbackStatus.IN_PROGRESS, "ca_thu_duc", None,
         "đã được mở lại và đang được Công an phường Thủ Đức xử lý tiếp", "Ghi chú"),
        (FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.ROUTED, "khong_co_don_vi_nay", None,
         "chuyển đến đơn vị có thẩm quyền để xử lý", "khong_co_don_vi_nay"),
    ],
)  # fmt: skip
def test_the_text_tells_what_happened(
    rig: Rig, old: FeedbackStatus, new: FeedbackStatus, department: str | None,
    note: str | None, expected: str, absent: str,
) -> None:  # fmt: skip
    fb = replace(rig.filed("z-3", (ChatChannel.ZALO, "u-1")), department=department)
    (queued,) = rig.service.feedback_status_changed(fb, old, new, note)
    assert expected in queued.text and absent not in queued.text
    assert queued.text.endswith(f'nhắn "phản ánh {fb.reference} sao rồi" để xem tình trạng '
                                "bất cứ lúc nào.")  # fmt: skip


def test_a_long_note_is_cut() -> None:
    text = notification_text(FeedbackStatus.RESOLVED, reference="PA-2026-000001", note="x" * 900)
    assert text is not None and "x" * 499 + "…" in text and "x" * 500 not in text


def test_failures_are_retried_with_growing_delays_then_failed(rig: Rig) -> None:
    fb = rig.filed("z-4", (ChatChannel.ZALO, "u-1"))
    rig.zalo.error = ExternalServiceError("Zalo answered -32", code="zalo.send_failed")
    rig.feedback.change_status(fb.id, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    at, waits = datetime.now(UTC), []
    for expected in ("pending", "pending", "pending", "failed"):
        rig.service.deliver_due(at)
        (row,) = rig.outbox()
        assert row.state == expected
        if expected == "pending":
            waits.append(row.next_attempt_at - at)
            early = row.next_attempt_at - timedelta(seconds=1)
            assert rig.service.deliver_due(early) == DeliveryReport()  # not due yet
            at = row.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30)]
    assert row.attempts == 4 and "Zalo answered -32" in row.last_error
    assert rig.service.deliver_due(at + timedelta(days=1)) == DeliveryReport()  # kept, not retried
    assert rig.zalo.sent == []


@pytest.mark.parametrize(
    ("attempt", "delay"),
    [(1, timedelta(minutes=1)), (2, timedelta(minutes=5)), (3, timedelta(minutes=30)),
     (4, timedelta(hours=2)), (5, timedelta(hours=6)), (9, timedelta(hours=6))],
)  # fmt: skip
def test_the_backoff_schedule(rig: Rig, attempt: int, delay: timedelta) -> None:
    assert rig.service.retry_delay(attempt) == delay


def test_a_crashing_sender_backs_off_like_a_failing_platform(rig: Rig) -> None:
    fb = rig.filed("z-5", (ChatChannel.TELEGRAM, "605144218"))
    rig.telegram.error = RuntimeError("bug in a sender")
    rig.feedback.change_status(fb.id, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    at = datetime.now(UTC)
    assert rig.service.deliver_due(at).retried == 1
    (row,) = rig.outbox()
    assert (row.state, row.next_attempt_at) == ("pending", at + timedelta(minutes=1))
    assert "RuntimeError: bug in a sender" in row.last_error


def test_held_while_the_window_is_closed_then_sent_when_the_user_writes(rig: Rig) -> None:
    fb = rig.filed("z-6", (ChatChannel.ZALO, "u-9"))
    rig.zalo.error = MessagingWindowClosed("the Zalo user last wrote 9 days ago")
    rig.feedback.change_status(fb.id, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    assert rig.service.deliver_due().held == 1
    (row,) = rig.outbox()
    assert (row.state, row.attempts) == ("held", 0)
    later = datetime.now(UTC) + timedelta(days=3)
    assert rig.service.deliver_due(later) == DeliveryReport()  # held is not retried
    rig.zalo.error = None
    assert rig.service.release_held(ChatChannel.TELEGRAM, "u-9") == 0  # another channel's user
    assert rig.service.release_held(ChatChannel.ZALO, "u-9") == 1
    assert rig.service.deliver_due().sent == 1
    assert [user for user, _ in rig.zalo.sent] == ["u-9"]
    assert rig.service.release_held(ChatChannel.ZALO, "u-9") == 0


def test_a_channel_without_sender_is_recorded_as_failed(rig: Rig) -> None:
    service = NotificationService(rig.chat_store, rig.links, [rig.zalo])
    fb = rig.filed("z-7", (ChatChannel.TELEGRAM, "605144218"))
    service.feedback_status_changed(fb, FeedbackStatus.ROUTED, FeedbackStatus.IN_PROGRESS, None)
    assert service.deliver_due().failed == 1
    (row,) = rig.outbox()
    assert row.state == "failed" and "no sender for channel telegram" in row.last_error


def test_a_refusal_of_ours_fails_at_once(rig: Rig) -> None:
    fb = rig.filed("z-8", (ChatChannel.ZALO, "u-1"))
    rig.zalo.error = InvalidInput("not a Zalo user id", code="zalo.bad_user")
    rig.feedback.change_status(fb.id, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
    assert rig.service.deliver_due().failed == 1
    assert [r.attempts for r in rig.outbox()] == [1]


def test_the_hook_gets_the_old_status_and_its_failure_keeps_the_change(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[tuple[int, FeedbackStatus, FeedbackStatus, str | None]] = []

    def hook(fb: Feedback, old: FeedbackStatus, new: FeedbackStatus, why: str | None) -> None:
        calls.append((fb.id, old, new, why))
        raise RuntimeError("notification outbox unavailable")

    service = FeedbackService(rig.feedback_store, IdleQueue(), "s", on_status_change=hook)
    fb = rig.filed("z-9", (ChatChannel.ZALO, "u-1"))
    with caplog.at_level(logging.ERROR, logger="services.intake"):
        changed = service.change_status(fb.reference, FeedbackStatus.REJECTED, "staff:lan",
                                        "Trùng phản ánh")  # fmt: skip
    assert changed.status is FeedbackStatus.REJECTED
    assert rig.feedback_store.get(fb.id).status is FeedbackStatus.REJECTED
    assert calls == [(fb.id, FeedbackStatus.ROUTED, FeedbackStatus.REJECTED, "Trùng phản ánh")]
    assert "feedback.status_hook_failed" in caplog.text


def test_the_worker_delivers_in_the_background(rig: Rig) -> None:
    fb = rig.filed("z-10", (ChatChannel.ZALO, "u-w"))
    worker = NotificationWorker(rig.service, interval=0.05)
    worker.start()
    try:
        rig.feedback.change_status(fb.id, FeedbackStatus.IN_PROGRESS, "staff:lan", None)
        deadline = time.monotonic() + 5
        while not rig.zalo.sent and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert [user for user, _ in rig.zalo.sent] == ["u-w"]
    assert [r.state for r in rig.outbox()] == ["sent"]
