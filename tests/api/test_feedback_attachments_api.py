"""GET /api/v1/feedback/{key}/attachments[/{n}]: photo metadata, then the image itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.attachments import FetchedPhoto
from core.chat import ChatChannel, Photo
from core.errors import ExternalServiceError
from core.reference import ReferenceData
from core.types import Feedback
from services.attachments import AttachmentService
from services.intake import FeedbackService
from stores.sql.attachment_store import SqlAttachmentStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.api.auth_support import accounts_on, api_key
from tests.factories import feedback_in
from tests.images import jpeg, png

CAPTION = "Ổ gà trước nhà bà Nguyễn Thị Lan, số 45 Lê Văn Việt, SĐT 0909123456"


class NoAnnotation:
    """The queue is never used: these tests only read feedback."""

    def submit(self, feedback_id: int) -> None: ...

    def wait(self, feedback_id: int, timeout: float) -> bool:
        return False

    def backlog(self) -> int:
        return 0


PHOTOS = {
    "f-png": FetchedPhoto(png(1), "image/png"),
    "f-jpg": FetchedPhoto(jpeg(1), "image/jpeg"),
}


class CdnFetcher:
    """Photos by file id; an unknown id fails like a platform outage."""

    def fetch(self, photo: Photo, max_bytes: int) -> FetchedPhoto:
        if photo.platform_file_id not in PHOTOS:
            raise ExternalServiceError("HTTP 404", code="zalo.photo_fetch_failed")
        return PHOTOS[photo.platform_file_id]


@pytest.fixture
def feedback(sqlite_db: Database) -> FeedbackService:
    return FeedbackService(SqlFeedbackStore(sqlite_db), NoAnnotation(), sender_secret="test-secret")


@pytest.fixture
def attachments(sqlite_db: Database) -> AttachmentService:
    return AttachmentService(SqlAttachmentStore(sqlite_db), {ChatChannel.ZALO: CdnFetcher()})


@pytest.fixture
def client(
    feedback: FeedbackService, attachments: AttachmentService, reference: ReferenceData,
    sqlite_db: Database,
) -> Iterator[TestClient]:  # fmt: skip
    app = create_app(feedback, reference)
    app.state.attachments = attachments
    app.state.accounts = accounts_on(sqlite_db, reference)
    with TestClient(app) as c:
        c.headers.update(api_key(app.state.accounts))
        yield c


@pytest.fixture
def report(sqlite_db: Database, attachments: AttachmentService) -> Feedback:
    """A Zalo report with a PNG, a photo the CDN lost, and a JPEG."""
    item = feedback_in("zalo-msg-1", text="Ổ gà rất to giữa đường Lê Văn Việt")
    fb = SqlFeedbackStore(sqlite_db).add(item).feedback
    photos = [Photo(f, url=f"https://photo-stal.zadn.vn/{f}", caption=CAPTION)
              for f in ("f-png", "f-lost", "f-jpg")]  # fmt: skip
    attachments.attach(fb.id, "zalo", photos)
    return fb


@pytest.mark.parametrize("key", ["id", "reference"])
def test_the_listing_shows_metadata_only(client: TestClient, report: Feedback, key: str) -> None:
    ref = str(report.id) if key == "id" else report.reference.lower()
    response = client.get(f"/api/v1/feedback/{ref}/attachments")
    assert response.status_code == 200, response.text
    first, lost, third = response.json()
    assert (first["ordinal"], first["state"], first["content_type"]) == (1, "stored", "image/png")
    assert first["size_bytes"] == len(png(1)) and len(first["sha256"]) == 64
    assert first["href"] == f"/api/v1/feedback/{report.id}/attachments/1"
    assert first["created_at"].endswith("+07:00") and first["fetched_at"].endswith("+07:00")
    assert (lost["state"], lost["error_code"], lost["href"]) == (
        "failed", "zalo.photo_fetch_failed", None)  # fmt: skip
    assert third["content_type"] == "image/jpeg"
    body = response.text
    assert "Nguyễn Thị Lan" not in body and "0909123456" not in body  # no caption
    assert "zadn.vn" not in body and "f-png" not in body  # no platform reference


@pytest.mark.parametrize(
    ("ordinal", "content_type", "data", "extension"),
    [(1, "image/png", png(1), "png"), (3, "image/jpeg", jpeg(1), "jpg")],
)
def test_the_image_is_served_with_its_type(
    client: TestClient, report: Feedback, ordinal: int, content_type: str, data: bytes,
    extension: str,
) -> None:  # fmt: skip
    response = client.get(f"/api/v1/feedback/{report.reference}/attachments/{ordinal}")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition == f'inline; filename="{report.reference}-{ordinal}.{extension}"'


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("{id}/attachments/2", 404, "attachment.not_fetched"),
     ("{id}/attachments/4", 404, "attachment.not_found"),
     ("{id}/attachments/0", 422, "request.invalid"),
     ("{id}/attachments/6", 422, "request.invalid"),
     ("{id}/attachments/mot", 422, "request.invalid"),
     ("PA-2026-999999/attachments", 404, "feedback.not_found"),
     ("khong-co/attachments/1", 404, "feedback.bad_key")],
)  # fmt: skip
def test_what_cannot_be_served_is_a_clear_error(
    client: TestClient, report: Feedback, path: str, status: int, code: str
) -> None:
    response = client.get("/api/v1/feedback/" + path.format(id=report.id))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_feedback_without_photos_lists_none(client: TestClient, sqlite_db: Database) -> None:
    fb = SqlFeedbackStore(sqlite_db).add(feedback_in("api-2")).feedback
    response = client.get(f"/api/v1/feedback/{fb.id}/attachments")
    assert response.status_code == 200 and response.json() == []


def test_without_an_attachment_service_the_endpoints_say_so(
    feedback: FeedbackService, reference: ReferenceData, report: Feedback, sqlite_db: Database
) -> None:
    app = create_app(feedback, reference)
    app.state.accounts = accounts_on(sqlite_db, reference)
    with TestClient(app) as client:
        url = f"/api/v1/feedback/{report.id}/attachments"
        response = client.get(url, headers=api_key(app.state.accounts))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "attachment.unavailable"
