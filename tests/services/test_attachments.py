"""AttachmentService on SQLite with in-process fetchers: store, refuse, record failures, retry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from core.attachments import AttachmentState, FetchedPhoto
from core.chat import ChatChannel, Photo
from core.errors import ExternalServiceError, InvalidInput, NotFound
from services.attachments import AttachmentService
from stores.sql.attachment_store import SqlAttachmentStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.factories import feedback_in
from tests.images import jpeg, png

Outcome = FetchedPhoto | Exception


@dataclass
class ScriptedFetcher:
    """Answers each file id with a photo or an error; counts the calls per file id."""

    outcomes: dict[str, Outcome]
    calls: list[str] = field(default_factory=list)
    gate: threading.Event | None = None

    def fetch(self, photo: Photo, max_bytes: int) -> FetchedPhoto:
        self.calls.append(photo.platform_file_id)
        if self.gate is not None:
            assert self.gate.wait(5)
        outcome = self.outcomes[photo.platform_file_id]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def feedback_id(sqlite_db: Database) -> int:
    item = feedback_in("tg-1", text="Cây xanh ngã đè lên dây điện đường Lê Văn Việt")
    return SqlFeedbackStore(sqlite_db).add(item).feedback.id


def _service(db: Database, fetcher: ScriptedFetcher, **options: object) -> AttachmentService:
    fetchers = {ChatChannel.TELEGRAM: fetcher, ChatChannel.ZALO: fetcher}
    return AttachmentService(SqlAttachmentStore(db), fetchers, **options)  # type: ignore[arg-type]


def _photos(*file_ids: str) -> list[Photo]:
    return [Photo(f, caption="Cây ngã") for f in file_ids]


def _states(service: AttachmentService, feedback_id: int) -> list[tuple[str, str | None]]:
    return [(a.state.value, a.error and a.error.split(":")[0]) for a in service.list(feedback_id)]


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
def test_photos_are_fetched_and_stored_in_order(
    sqlite_db: Database, feedback_id: int, channel: str
) -> None:
    fetcher = ScriptedFetcher({"f1": FetchedPhoto(jpeg(1), "image/jpeg"),
                               "f2": FetchedPhoto(png(2), "image/png")})  # fmt: skip
    service = _service(sqlite_db, fetcher)
    service.attach(feedback_id, channel, _photos("f1", "f2"))
    assert _states(service, feedback_id) == [("stored", None), ("stored", None)]
    second = service.content(feedback_id, 2)
    assert (second.data, second.content_type) == (png(2), "image/png")
    assert service.content(feedback_id, 1).data == jpeg(1)


@pytest.mark.parametrize(
    ("outcome", "code"),
    [(ExternalServiceError("HTTP 502", code="zalo.photo_fetch_failed"), "zalo.photo_fetch_failed"),
     (InvalidInput("over", code="attachment.too_large"), "attachment.too_large"),
     (RuntimeError("bug in a fetcher"), "attachment.fetch_crashed"),
     # what a fetcher returns is checked again before it is kept
     (FetchedPhoto(png(3), "image/jpeg"), "attachment.not_an_image"),
     (FetchedPhoto("Ảnh ổ gà".encode(), "image/png"), "attachment.not_an_image"),
     (FetchedPhoto(jpeg() + bytes(2000), "image/jpeg"), "attachment.too_large")],
)  # fmt: skip
def test_a_photo_that_cannot_be_had_is_recorded_and_the_others_kept(
    sqlite_db: Database, feedback_id: int, outcome: Outcome, code: str
) -> None:
    fetcher = ScriptedFetcher({"bad": outcome, "ok": FetchedPhoto(png(4), "image/png")})
    service = _service(sqlite_db, fetcher, max_bytes=1_000)
    service.attach(feedback_id, "telegram", _photos("bad", "ok"))  # raises nothing
    assert _states(service, feedback_id) == [("failed", code), ("stored", None)]
    with pytest.raises(NotFound) as err:
        service.content(feedback_id, 1)
    assert err.value.code == "attachment.not_fetched"


def test_a_channel_without_a_fetcher_records_its_photos_as_failed(
    sqlite_db: Database, feedback_id: int
) -> None:
    service = _service(sqlite_db, ScriptedFetcher({}))
    service.attach(feedback_id, ChatChannel.WEB, _photos("web-1"))
    assert _states(service, feedback_id) == [("failed", "attachment.no_fetcher")]


def test_only_the_first_five_photos_are_kept(sqlite_db: Database, feedback_id: int) -> None:
    ids = [f"f{n}" for n in range(1, 8)]
    fetcher = ScriptedFetcher({f: FetchedPhoto(png(n), "image/png") for n, f in enumerate(ids)})
    service = _service(sqlite_db, fetcher)
    service.attach(feedback_id, "zalo", _photos(*ids))
    assert [a.platform_file_id for a in service.list(feedback_id)] == ids[:5]
    assert fetcher.calls == ids[:5]


def test_a_redelivered_submit_duplicates_nothing_and_retries_what_failed(
    sqlite_db: Database, feedback_id: int
) -> None:
    outage = ExternalServiceError("timed out", code="telegram.photo_fetch_failed")
    fetcher = ScriptedFetcher({"f1": FetchedPhoto(jpeg(1), "image/jpeg"), "f2": outage})
    service = _service(sqlite_db, fetcher)
    service.attach(feedback_id, "telegram", _photos("f1", "f2"))
    fetcher.outcomes["f2"] = FetchedPhoto(jpeg(2), "image/jpeg")  # Telegram is back
    service.attach(feedback_id, "telegram", _photos("f1", "f2"))
    assert _states(service, feedback_id) == [("stored", None), ("stored", None)]
    assert fetcher.calls == ["f1", "f2", "f2"]  # the stored photo is not fetched again


def test_the_same_image_sent_twice_is_kept_once(sqlite_db: Database, feedback_id: int) -> None:
    same = FetchedPhoto(png(5), "image/png")
    service = _service(sqlite_db, ScriptedFetcher({"a": same, "b": same}))
    service.attach(feedback_id, "zalo", _photos("a", "b"))
    assert _states(service, feedback_id) == [("stored", None), ("failed", "attachment.same_image")]


def test_recording_for_an_unknown_feedback_raises(sqlite_db: Database) -> None:
    service = _service(sqlite_db, ScriptedFetcher({}))
    with pytest.raises(NotFound):
        service.attach(424_242, "telegram", _photos("f1"))


def test_with_an_executor_attach_returns_before_the_download(
    sqlite_db: Database, feedback_id: int
) -> None:
    """The citizen's "sent" reply does not wait for the platform."""
    gate = threading.Event()
    fetcher = ScriptedFetcher({"slow": FetchedPhoto(jpeg(6), "image/jpeg")}, gate=gate)
    with ThreadPoolExecutor(max_workers=1) as executor:
        service = _service(sqlite_db, fetcher, executor=executor)
        service.attach(feedback_id, "telegram", _photos("slow"))
        assert [a.state for a in service.list(feedback_id)] == [AttachmentState.PENDING]
        gate.set()
    assert _states(service, feedback_id) == [("stored", None)]
