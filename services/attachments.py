"""Photos sent with a feedback: record them, fetch them from the platform, keep them.

Decisions (issue 5, "photos stored with the feedback"):

- The feedback comes first. ``attach`` is called after the feedback is stored; nothing here
  raises into the caller for a photo that cannot be had.
- Each photo is recorded as a pending row before any download, so a crash, a platform
  outage or a refused file still leaves a trace: staff see "photo 2 was sent, could not be
  fetched: <why>" (``Attachment.error``) instead of nothing.
- Only the first ``MAX_PHOTOS_PER_FEEDBACK`` photos are kept, each ≤ ``MAX_PHOTO_BYTES``,
  and only real images (JPEG, PNG, WebP, GIF by magic number): the fetchers refuse the rest.
- Idempotent: photos are numbered per feedback, so a redelivered submit adds no row and
  only retries the photos that are not stored yet; the same image twice in one feedback is
  kept once (the second row says so).
- With an ``executor`` the downloads run there and ``attach`` returns after recording, so
  the citizen's "sent" reply does not wait for the platform; without one they run inline.

>>> service = AttachmentService(SqlAttachmentStore(db), {ChatChannel.ZALO: ZaloPhotoFetcher()})
>>> service.attach(42, "zalo", [Photo("msg-9", url="https://photo-stal.zadn.vn/a.jpg")])
>>> [(a.ordinal, a.state) for a in service.list(42)]
[(1, <AttachmentState.STORED: 'stored'>)]
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime

from core.attachments import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS_PER_FEEDBACK,
    Attachment,
    AttachmentStore,
    FetchedPhoto,
    PhotoFetcher,
    accept_image,
)
from core.chat import Photo
from core.errors import LangngheError, NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    """A stored photo's bytes and what they are, ready to serve."""

    attachment: Attachment
    data: bytes
    content_type: str


class AttachmentService:
    """Photos of feedback: ``attach`` at submit, ``list`` and ``content`` for staff.

    ``fetchers`` maps a channel ("telegram", "zalo") to the ``PhotoFetcher`` that downloads
    its photos; a channel without one gets its photos recorded as failed.
    """

    def __init__(
        self,
        store: AttachmentStore,
        fetchers: Mapping[str, PhotoFetcher],
        *,
        max_bytes: int = MAX_PHOTO_BYTES,
        max_photos: int = MAX_PHOTOS_PER_FEEDBACK,
        executor: Executor | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._fetchers = {str(channel): f for channel, f in fetchers.items()}
        self._max_bytes = max_bytes
        self._max_photos = max_photos
        self._executor = executor
        self._clock = clock

    def attach(self, feedback_id: int, channel: str, photos: Sequence[Photo]) -> None:
        """Record the photos of a filed feedback, then fetch them (inline or on the executor).

        Raises only when the recording itself fails (``NotFound``: no such feedback,
        ``ExternalServiceError``: the database); a fetch failure is recorded, never raised.
        """
        if not photos:
            return
        if len(photos) > self._max_photos:
            log.warning("attachment.too_many feedback=%s sent=%d kept=%d", feedback_id,
                        len(photos), self._max_photos)  # fmt: skip
        self._store.record(feedback_id, str(channel), photos[: self._max_photos])
        if self._executor is None:
            self.fetch_unfetched(feedback_id)
        else:
            self._executor.submit(self._fetch_logged, feedback_id)

    def fetch_unfetched(self, feedback_id: int) -> list[Attachment]:
        """Fetch every photo of the feedback not stored yet; returns them as they end up."""
        for attachment in self._store.unfetched(feedback_id):
            self._fetch_one(attachment)
        return self._store.list(feedback_id)

    def list(self, feedback_id: int) -> list[Attachment]:
        return self._store.list(feedback_id)

    def content(self, feedback_id: int, ordinal: int) -> AttachmentContent:
        """A stored photo's bytes; ``NotFound`` when there is none or it was not fetched."""
        attachment, data = self._store.content(feedback_id, ordinal)
        if data is None or attachment.content_type is None:
            raise NotFound(f"attachment {ordinal} of feedback {feedback_id} has no image "
                           f"({attachment.state})", code="attachment.not_fetched")  # fmt: skip
        return AttachmentContent(attachment, data, attachment.content_type)

    def _fetch_logged(self, feedback_id: int) -> None:
        """The executor's task: a failure here must reach the log, not a forgotten future."""
        try:
            self.fetch_unfetched(feedback_id)
        except Exception:
            log.exception("attachment.fetch_task_failed feedback=%s", feedback_id)

    def _fetch_one(self, attachment: Attachment) -> None:
        try:
            fetched = self._download(attachment)
        except LangngheError as exc:
            self._fail(attachment, f"{exc.code}: {exc.message}")
            return
        except Exception as exc:  # a fetcher's bug must not lose the other photos
            log.exception("attachment.fetcher_crashed channel=%s", attachment.channel)
            self._fail(attachment, f"attachment.fetch_crashed: {type(exc).__name__}")
            return
        sha256 = hashlib.sha256(fetched.data).hexdigest()
        if not self._store.save_image(attachment.id, fetched, sha256, self._clock()):
            self._fail(attachment, "attachment.same_image: this feedback already has this image")
            return
        log.info("attachment.stored feedback=%s ordinal=%d type=%s bytes=%d",
                 attachment.feedback_id, attachment.ordinal, fetched.content_type,
                 len(fetched.data))  # fmt: skip

    def _download(self, attachment: Attachment) -> FetchedPhoto:
        fetcher = self._fetchers.get(attachment.channel)
        if fetcher is None:
            raise NotFound(f"no photo fetcher for channel {attachment.channel!r}",
                           code="attachment.no_fetcher")  # fmt: skip
        fetched = fetcher.fetch(attachment.photo(), self._max_bytes)
        # The fetchers' promise, checked once more: the store keeps only real, bounded images.
        return accept_image(fetched.data, self._max_bytes, fetched.content_type)

    def _fail(self, attachment: Attachment, error: str) -> None:
        log.warning("attachment.fetch_failed feedback=%s ordinal=%d error=%s",
                    attachment.feedback_id, attachment.ordinal, error)  # fmt: skip
        self._store.save_failure(attachment.id, error, self._clock())
