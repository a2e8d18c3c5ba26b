"""Photos of feedback in SQL, on SQLite and on the local PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from core.attachments import AttachmentState, FetchedPhoto
from core.chat import Photo
from core.errors import NotFound
from stores.sql.attachment_store import SqlAttachmentStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.factories import feedback_in
from tests.images import jpeg, png

AT = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
PHOTOS = [
    Photo("AgACAgUAAxkBAAIB-1280", caption="Ổ gà rất to giữa đường Kha Vạn Cân"),
    Photo("msg-8413027765", url="https://photo-stal.zadn.vn/abc/ngap.jpg", caption="ngap sau"),
]


@pytest.fixture
def attachments(database: Database) -> SqlAttachmentStore:
    return SqlAttachmentStore(database)


def _feedback(database: Database, message_id: str = "m-1") -> int:
    text = "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay"
    return SqlFeedbackStore(database).add(feedback_in(message_id, text=text)).feedback.id


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_photos_are_recorded_pending_in_order(
    database: Database, attachments: SqlAttachmentStore
) -> None:
    fid = _feedback(database)
    attachments.record(fid, "telegram", PHOTOS)
    listed = attachments.list(fid)
    assert [(a.ordinal, a.state, a.photo()) for a in listed] == [
        (1, AttachmentState.PENDING, PHOTOS[0]),
        (2, AttachmentState.PENDING, PHOTOS[1]),
    ]
    assert all(a.channel == "telegram" and a.created_at.tzinfo is not None for a in listed)
    assert attachments.unfetched(fid) == listed


@pytest.mark.parametrize(("data", "content_type"), [(png(1), "image/png"), (jpeg(1), "image/jpeg")])
def test_an_image_round_trips_with_its_metadata(
    database: Database, attachments: SqlAttachmentStore, data: bytes, content_type: str
) -> None:
    fid = _feedback(database)
    attachments.record(fid, "zalo", PHOTOS[1:])
    [pending] = attachments.unfetched(fid)
    assert attachments.save_image(pending.id, FetchedPhoto(data, content_type), _sha(data), AT)
    stored, got = attachments.content(fid, 1)
    assert got == data
    assert (stored.state, stored.content_type, stored.size_bytes, stored.sha256) == (
        AttachmentState.STORED, content_type, len(data), _sha(data))  # fmt: skip
    assert stored.fetched_at == AT
    assert attachments.unfetched(fid) == []


def test_recording_again_adds_nothing_and_keeps_what_was_fetched(
    database: Database, attachments: SqlAttachmentStore
) -> None:
    """A redelivered submit records the same photos once more."""
    fid = _feedback(database)
    attachments.record(fid, "telegram", PHOTOS)
    first = attachments.list(fid)[0]
    attachments.save_image(first.id, FetchedPhoto(png(2), "image/png"), _sha(png(2)), AT)
    attachments.record(fid, "telegram", PHOTOS)
    listed = attachments.list(fid)
    assert [a.ordinal for a in listed] == [1, 2]
    assert listed[0].state is AttachmentState.STORED
    assert [a.ordinal for a in attachments.unfetched(fid)] == [2]


def test_the_same_image_is_kept_once_per_feedback(
    database: Database, attachments: SqlAttachmentStore
) -> None:
    fid, other = _feedback(database, "a"), _feedback(database, "b")
    attachments.record(fid, "zalo", PHOTOS)
    attachments.record(other, "zalo", PHOTOS[:1])
    one, two = attachments.list(fid)
    image = FetchedPhoto(png(3), "image/png")
    assert attachments.save_image(one.id, image, _sha(image.data), AT) is True
    assert attachments.save_image(two.id, image, _sha(image.data), AT) is False
    assert attachments.content(fid, 2)[1] is None
    [elsewhere] = attachments.list(other)  # another feedback may hold the same photo
    assert attachments.save_image(elsewhere.id, image, _sha(image.data), AT) is True


def test_a_failure_is_kept_with_its_reason_and_cleared_by_a_later_success(
    database: Database, attachments: SqlAttachmentStore
) -> None:
    fid = _feedback(database)
    attachments.record(fid, "zalo", PHOTOS[1:])
    [pending] = attachments.unfetched(fid)
    attachments.save_failure(pending.id, "zalo.photo_fetch_failed: HTTP 404", AT)
    [failed] = attachments.list(fid)
    assert (failed.state, failed.error, failed.fetched_at) == (
        AttachmentState.FAILED, "zalo.photo_fetch_failed: HTTP 404", AT)  # fmt: skip
    assert attachments.unfetched(fid) == [failed]  # retried by a redelivery
    attachments.save_image(failed.id, FetchedPhoto(jpeg(4), "image/jpeg"), _sha(jpeg(4)), AT)
    [stored] = attachments.list(fid)
    assert (stored.state, stored.error) == (AttachmentState.STORED, None)


def test_unknown_feedback_and_attachment_are_not_found(
    database: Database, attachments: SqlAttachmentStore
) -> None:
    with pytest.raises(NotFound) as err:
        attachments.record(987_654, "telegram", PHOTOS)
    assert err.value.code == "feedback.not_found"
    fid = _feedback(database)
    with pytest.raises(NotFound) as err:
        attachments.content(fid, 1)
    assert err.value.code == "attachment.not_found"
    assert attachments.list(fid) == []


def test_a_ten_megabyte_photo_fits(database: Database, attachments: SqlAttachmentStore) -> None:
    fid = _feedback(database)
    attachments.record(fid, "telegram", PHOTOS[:1])
    [pending] = attachments.unfetched(fid)
    data = jpeg() + bytes(range(256)) * (10 * 1024 * 1024 // 256 - 1)
    assert attachments.save_image(pending.id, FetchedPhoto(data, "image/jpeg"), _sha(data), AT)
    assert attachments.content(fid, 1)[1] == data
