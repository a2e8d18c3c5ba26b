"""The chat store on SQLite and on the local PostgreSQL (the ``database`` fixture runs both)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from sqlalchemy import select

from core.chat import Button, ChatChannel, Incoming, IncomingKind, Location, Photo, Reply
from core.chat_ports import NotificationState
from core.errors import Conflict, InvalidInput, NotFound
from core.types import LOCAL_TZ
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.tables import ChatUpdateRow
from tests.factories import feedback_in

T = TypeVar("T")
AT = datetime(2026, 12, 1, 9, 15, tzinfo=LOCAL_TZ)  # 02:15 UTC


@pytest.fixture
def chat(database: Database) -> SqlChatStore:
    """A chat store over empty chat tables (the PostgreSQL database is shared by the session)."""
    with database.engine.begin() as conn:
        for table in ("chat_notification", "chat_conversation", "chat_update"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    return SqlChatStore(database)


def incoming(
    update_id: str = "tg-1001",
    text: str = "Đường Kha Vạn Cân ngập nước",
    *,
    user_id: str = "u-42",
    channel: ChatChannel = ChatChannel.TELEGRAM,
    at: datetime = AT,
    kind: IncomingKind = IncomingKind.TEXT,
    photo: Photo | None = None,
    location: Location | None = None,
) -> Incoming:
    return Incoming(channel=channel, user_id=user_id, update_id=update_id, kind=kind,
                    received_at=at, text=text, photo=photo, location=location)  # fmt: skip


def in_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(i)`` in ``count`` threads released together; re-raise the first error."""
    barrier = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(work(i))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def rows(database: Database, table: str) -> int:
    with database.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


@pytest.mark.parametrize(
    ("channel", "text"),
    [
        (ChatChannel.TELEGRAM, "/hoso H29.01-241201-0001"),
        (ChatChannel.ZALO, "Rác chất đống trước chợ Thủ Đức"),
        (ChatChannel.WEB, "rac chat dong truoc cho Thu Duc"),
    ],
)
def test_a_repeated_delivery_returns_the_first_update_as_stored(
    chat: SqlChatStore, database: Database, channel: ChatChannel, text: str
) -> None:
    first = chat.record_update(incoming("m-7", text, channel=channel))
    again = chat.record_update(
        incoming("m-7", "một nội dung khác", channel=channel, at=AT + timedelta(minutes=3))
    )
    assert first == again
    assert first.replies is None
    assert first.received_at == datetime(2026, 12, 1, 2, 15, tzinfo=UTC)
    assert (first.channel, first.update_id, first.user_id) == (channel, "m-7", "u-42")
    assert rows(database, "chat_update") == 1
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT text FROM chat_update").scalar_one() == text


def test_same_update_id_on_another_channel_is_another_update(
    chat: SqlChatStore, database: Database
) -> None:
    chat.record_update(incoming("77", channel=ChatChannel.TELEGRAM))
    chat.record_update(incoming("77", channel=ChatChannel.ZALO))
    assert rows(database, "chat_update") == 2


def test_eight_concurrent_deliveries_store_one_update(
    chat: SqlChatStore, database: Database
) -> None:
    results = in_threads(8, lambda i: chat.record_update(incoming("race-1", f"lần {i}")))
    assert len(results) == 8
    assert len(set(results)) == 1
    assert rows(database, "chat_update") == 1
    assert rows(database, "chat_conversation") == 1


def test_concurrent_updates_of_a_new_user_make_one_conversation_seen_at_the_latest(
    chat: SqlChatStore, database: Database
) -> None:
    in_threads(8, lambda i: chat.record_update(incoming(f"m-{i}", at=AT + timedelta(seconds=i))))
    assert rows(database, "chat_conversation") == 1
    assert chat.last_seen(ChatChannel.TELEGRAM, "u-42") == AT + timedelta(seconds=7)


def test_photo_and_location_are_kept_in_the_payload(chat: SqlChatStore, database: Database) -> None:
    photo = Photo("AgACAgUAAxk", url="https://example.invalid/p.jpg", caption="cống bể")
    chat.record_update(incoming("p-1", "", kind=IncomingKind.PHOTO, photo=photo))
    place = Location(10.8507, 106.7719, "Võ Văn Ngân, Linh Chiểu")
    chat.record_update(incoming("l-1", "", kind=IncomingKind.LOCATION, location=place))
    with database.engine.connect() as conn:
        payloads = dict(conn.execute(select(ChatUpdateRow.update_id, ChatUpdateRow.payload)).all())
    assert payloads["p-1"] == {"photo": {"platform_file_id": "AgACAgUAAxk",
                                         "url": "https://example.invalid/p.jpg",
                                         "caption": "cống bể"}}  # fmt: skip
    assert payloads["l-1"]["location"] == {"latitude": 10.8507, "longitude": 106.7719,
                                           "address": "Võ Văn Ngân, Linh Chiểu"}  # fmt: skip


@pytest.mark.parametrize(
    "replies",
    [
        [Reply("Đã nhận phản ánh PA-2026-000123. Cảm ơn anh/chị!")],
        [
            Reply(
                "Anh/chị muốn làm gì?",
                (Button("Gửi phản ánh", "flow:feedback"), Button("Tra cứu hồ sơ", "flow:dossier")),
            ),
            Reply("Biểu đồ số phản ánh theo phường", image_png=b"\x89PNG\r\n\x1a\n...."),
        ],
        [],
    ],
)
def test_replies_round_trip_without_image_bytes(
    chat: SqlChatStore, database: Database, replies: list[Reply]
) -> None:
    chat.record_update(incoming("m-1"))
    chat.save_replies(ChatChannel.TELEGRAM, "m-1", replies)
    again = chat.record_update(incoming("m-1"))
    assert again.replies == [replace(r, image_png=None) for r in replies]
    with database.engine.connect() as conn:
        answered = conn.exec_driver_sql("SELECT answered_at FROM chat_update").scalar_one()
    assert answered is not None


def test_replies_to_an_unknown_update_are_refused(chat: SqlChatStore) -> None:
    with pytest.raises(NotFound) as err:
        chat.save_replies(ChatChannel.ZALO, "never-seen", [Reply("Xin chào")])
    assert err.value.code == "chat.update_not_found"


def test_a_naive_received_at_is_refused(chat: SqlChatStore) -> None:
    with pytest.raises(InvalidInput) as err:
        chat.record_update(incoming(at=datetime(2026, 12, 1, 9, 15)))
    assert err.value.code == "chat.naive_datetime"


# -- updates never answered (what a crash between the 200 and the reply leaves) --------------


def test_unanswered_updates_come_back_as_received_oldest_first(chat: SqlChatStore) -> None:
    photo = Photo("AgACAgUAAxk-1280", caption="Cống bể trước số 45 Kha Vạn Cân")
    place = Location(10.8507, 106.7719, "Võ Văn Ngân, Linh Chiểu")
    zalo = incoming("z-3", "Cay do chan duong Hoang Dieu 2", channel=ChatChannel.ZALO,
                    user_id="8413027765", at=AT + timedelta(minutes=2))  # fmt: skip
    received = [
        replace(zalo, display_name="Nguyễn Thị Lan"),
        incoming("tg-2", photo.caption, kind=IncomingKind.PHOTO, photo=photo,
                 at=AT + timedelta(minutes=1)),
        incoming("w-1", "", channel=ChatChannel.WEB, kind=IncomingKind.LOCATION,
                 location=place),
    ]  # fmt: skip
    for update in received:
        chat.record_update(update)
    chat.record_update(incoming("tg-0", "xin chào", at=AT - timedelta(minutes=1)))
    chat.save_replies(ChatChannel.TELEGRAM, "tg-0", [Reply("Dạ, em chào anh/chị!")])
    found = chat.unanswered(AT + timedelta(hours=1))
    assert found == received[::-1]
    assert {i.received_at.utcoffset() for i in found} == {timedelta(hours=7)}


@pytest.mark.parametrize(
    ("older_than", "newer_than", "limit", "expected"),
    [
        (AT + timedelta(minutes=10), None, 100, ["m-0", "m-1", "m-2"]),
        (AT + timedelta(minutes=10), None, 2, ["m-0", "m-1"]),
        (AT + timedelta(minutes=1), None, 100, ["m-0"]),
        (AT + timedelta(minutes=10), AT, 100, ["m-1", "m-2"]),
        (AT, None, 100, []),
    ],
)
def test_unanswered_keeps_to_the_window_and_the_limit(
    chat: SqlChatStore,
    older_than: datetime,
    newer_than: datetime | None,
    limit: int,
    expected: list[str],
) -> None:
    for minute in (2, 0, 1):
        chat.record_update(incoming(f"m-{minute}", at=AT + timedelta(minutes=minute)))
    found = chat.unanswered(older_than, limit, newer_than=newer_than)
    assert [i.update_id for i in found] == expected


def test_unanswered_refuses_a_naive_cutoff_and_an_empty_limit(chat: SqlChatStore) -> None:
    with pytest.raises(InvalidInput) as naive:
        chat.unanswered(datetime(2026, 12, 1, 9, 15))
    assert naive.value.code == "chat.naive_datetime"
    with pytest.raises(InvalidInput) as empty:
        chat.unanswered(AT, 0)
    assert empty.value.code == "chat.limit_invalid"


def test_an_unknown_user_has_an_idle_conversation_at_version_0(chat: SqlChatStore) -> None:
    conv = chat.conversation(ChatChannel.ZALO, "u-new")
    assert (conv.flow, conv.data, conv.buttons, conv.version) == (None, {}, [], 0)
    assert conv.updated_at.tzinfo is not None
    assert chat.last_seen(ChatChannel.ZALO, "u-new") is None


@pytest.mark.parametrize("seen_first", [False, True], ids=["no-row", "row-from-update"])
def test_conversation_is_created_then_updated_by_version(
    chat: SqlChatStore, seen_first: bool
) -> None:
    if seen_first:
        chat.record_update(incoming(channel=ChatChannel.ZALO))
        assert chat.conversation(ChatChannel.ZALO, "u-42").version == 0
    start = chat.conversation(ChatChannel.ZALO, "u-42")
    data = {"text": "Đèn đường hỏng ở hẻm 12 Lê Văn Việt", "ward": "Hiệp Phú"}
    saved = chat.save_conversation(
        replace(start, flow="feedback", data=data, buttons=["yes", "no"])
    )
    assert saved.version == 1
    assert chat.conversation(ChatChannel.ZALO, "u-42") == saved
    done = chat.save_conversation(replace(saved, flow=None, data={}, buttons=[]))
    read = chat.conversation(ChatChannel.ZALO, "u-42")
    assert (read.flow, read.data, read.buttons, read.version) == (None, {}, [], 2)
    assert read == done


@pytest.mark.parametrize("seen_first", [False, True], ids=["no-row", "row-from-update"])
def test_a_stale_version_is_a_conflict(chat: SqlChatStore, seen_first: bool) -> None:
    if seen_first:
        chat.record_update(incoming())
    start = chat.conversation(ChatChannel.TELEGRAM, "u-42")
    chat.save_conversation(replace(start, flow="feedback", data={"text": "ngập"}))
    with pytest.raises(Conflict) as err:
        chat.save_conversation(replace(start, flow="dossier"))
    assert err.value.code == "chat.conversation_changed"
    current = chat.conversation(ChatChannel.TELEGRAM, "u-42")
    assert (current.flow, current.data, current.version) == ("feedback", {"text": "ngập"}, 1)


def test_recording_an_update_keeps_the_conversation_and_moves_last_seen_forward(
    chat: SqlChatStore,
) -> None:
    start = chat.conversation(ChatChannel.WEB, "u-42")
    saved = chat.save_conversation(replace(start, flow="feedback", data={"step": "photo"}))
    assert chat.last_seen(ChatChannel.WEB, "u-42") is None
    chat.record_update(incoming("w-2", channel=ChatChannel.WEB, at=AT + timedelta(hours=1)))
    chat.record_update(incoming("w-1", channel=ChatChannel.WEB, at=AT))  # delivered late
    assert chat.last_seen(ChatChannel.WEB, "u-42") == AT + timedelta(hours=1)
    assert chat.conversation(ChatChannel.WEB, "u-42") == saved


@pytest.fixture
def feedback_id(database: Database) -> int:
    return SqlFeedbackStore(database).add(feedback_in("fb-notify")).feedback.id


def test_enqueued_notifications_are_due_longest_waiting_first(
    chat: SqlChatStore, feedback_id: int
) -> None:
    a = chat.enqueue(ChatChannel.ZALO, "u-1", "Phản ánh PA-2026-000001 đã được xử lý.", feedback_id)
    b = chat.enqueue(ChatChannel.TELEGRAM, "u-2", "Hồ sơ của anh/chị đã có kết quả.", None)
    assert (a.state, a.attempts, a.last_error, a.feedback_id) == (
        NotificationState.PENDING, 0, "", feedback_id)  # fmt: skip
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert chat.due_notifications(now) == [a, b]
    assert chat.due_notifications(now, limit=1) == [a]
    assert chat.due_notifications(a.created_at - timedelta(seconds=1)) == []


def test_a_retry_in_the_future_is_not_due_until_then(chat: SqlChatStore) -> None:
    first = chat.enqueue(ChatChannel.ZALO, "u-1", "Phản ánh đã được tiếp nhận.", None)
    second = chat.enqueue(ChatChannel.ZALO, "u-2", "Phản ánh đã được chuyển xử lý.", None)
    retry_at = datetime.now(UTC) + timedelta(minutes=5)
    chat.mark_notification(first.id, NotificationState.PENDING, error="zalo: 503",
                           next_attempt_at=retry_at)  # fmt: skip
    assert [n.id for n in chat.due_notifications(datetime.now(UTC))] == [second.id]
    later = chat.due_notifications(retry_at + timedelta(seconds=1))
    assert [n.id for n in later] == [second.id, first.id]
    retried = later[1]
    assert (retried.attempts, retried.last_error, retried.next_attempt_at) == (
        1,
        "zalo: 503",
        retry_at,
    )


def test_sent_and_failed_leave_the_queue(chat: SqlChatStore, database: Database) -> None:
    sent = chat.enqueue(ChatChannel.TELEGRAM, "u-1", "Đã xử lý xong.", None)
    failed = chat.enqueue(ChatChannel.TELEGRAM, "u-2", "Đã xử lý xong.", None)
    chat.mark_notification(sent.id, NotificationState.SENT)
    chat.mark_notification(failed.id, NotificationState.FAILED, error="bot was blocked by the user")
    assert chat.due_notifications(datetime.now(UTC) + timedelta(days=1)) == []
    with database.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT id, state, attempts, last_error, sent_at FROM chat_notification ORDER BY id"
        ).all()
    assert [(s, n, e) for _, s, n, e, _ in found] == [
        ("sent", 1, ""), ("failed", 1, "bot was blocked by the user")]  # fmt: skip
    assert found[0].sent_at is not None and found[1].sent_at is None


def test_held_notifications_keep_attempts_and_are_listed_per_user(chat: SqlChatStore) -> None:
    texts = ["Phản ánh đã chuyển phường Linh Trung.", "Phản ánh đã được xử lý."]
    held = [chat.enqueue(ChatChannel.ZALO, "u-1", t, None) for t in texts]
    other = chat.enqueue(ChatChannel.ZALO, "u-2", "Hồ sơ đã có kết quả.", None)
    for n in [*held, other]:
        chat.mark_notification(n.id, NotificationState.HELD, error="zalo: outside 7-day window")
    listed = chat.held_notifications(ChatChannel.ZALO, "u-1")
    assert [n.text for n in listed] == texts
    assert {(n.state, n.attempts) for n in listed} == {(NotificationState.HELD, 0)}
    assert chat.held_notifications(ChatChannel.TELEGRAM, "u-1") == []
    assert chat.due_notifications(datetime.now(UTC) + timedelta(days=1)) == []
    chat.mark_notification(listed[0].id, NotificationState.SENT)
    assert [n.id for n in chat.held_notifications(ChatChannel.ZALO, "u-1")] == [listed[1].id]


def test_notification_errors_are_ours(chat: SqlChatStore) -> None:
    with pytest.raises(NotFound) as missing:
        chat.mark_notification(999_999, NotificationState.SENT)
    assert missing.value.code == "chat.notification_not_found"
    with pytest.raises(NotFound) as no_feedback:
        chat.enqueue(ChatChannel.ZALO, "u-1", "Phản ánh đã được xử lý.", 999_999)
    assert no_feedback.value.code == "feedback.not_found"
    with pytest.raises(InvalidInput) as empty:
        chat.enqueue(ChatChannel.ZALO, "u-1", "   ", None)
    assert empty.value.code == "chat.notification_empty"
