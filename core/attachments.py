"""Photos sent with a feedback: their types, and the ports that fetch and keep them.

A chat platform hands the bot a *reference* to a photo (a Telegram ``file_id``, a Zalo CDN
URL), not its bytes. When the feedback is filed, each photo is recorded at once as a pending
attachment, then fetched with the channel's ``PhotoFetcher`` and stored. A photo that cannot
be fetched keeps its row with an error note and no bytes, so staff see that the citizen sent
one; it never blocks or fails the feedback.

    >>> fetched = fetcher.fetch(Photo("AgACAgUAAxkBAAIB"), MAX_PHOTO_BYTES)
    >>> fetched.content_type, len(fetched.data)
    ('image/jpeg', 98112)
    >>> image_type(b"\\x89PNG\\r\\n\\x1a\\n...")
    'image/png'
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.chat import Photo
from core.errors import InvalidInput

#: The most one photo may weigh, and how many photos one feedback keeps.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_FEEDBACK = 5

#: The image types accepted, with the bytes a file of that type starts with.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
IMAGE_TYPES = frozenset({*_MAGIC, "image/webp"})


def image_type(data: bytes) -> str | None:
    """The image type the bytes really are (by magic number), None if not an accepted one."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((t for t, heads in _MAGIC.items() if data.startswith(heads)), None)


def accept_image(data: bytes, max_bytes: int, declared: str | None = None) -> FetchedPhoto:
    """The bytes as a photo to keep, or ``InvalidInput`` when they are too many or are not an
    accepted image (or not the type the server ``declared``: a page saying "image/png")."""
    if len(data) > max_bytes:
        raise InvalidInput(f"the photo is over {max_bytes} bytes", code="attachment.too_large")
    actual = image_type(data)
    if actual is None or (declared is not None and declared != actual):
        raise InvalidInput(f"not an accepted image (declared {declared}, found {actual})",
                           code="attachment.not_an_image")  # fmt: skip
    return FetchedPhoto(bytes(data), actual)


class AttachmentState(enum.StrEnum):
    PENDING = "pending"  # recorded, not fetched yet
    STORED = "stored"  # the bytes are kept
    FAILED = "failed"  # could not be fetched; ``error`` says why


@dataclass(frozen=True, slots=True)
class FetchedPhoto:
    """A photo's bytes as a fetcher returns them; ``content_type`` matches the magic number."""

    data: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """One photo of a feedback, without its bytes. ``ordinal`` counts from 1 per feedback."""

    id: int
    feedback_id: int
    ordinal: int
    channel: str
    platform_file_id: str
    url: str
    caption: str
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    error: str | None
    created_at: datetime
    fetched_at: datetime | None

    @property
    def state(self) -> AttachmentState:
        if self.sha256 is not None:
            return AttachmentState.STORED
        return AttachmentState.FAILED if self.error else AttachmentState.PENDING

    def photo(self) -> Photo:
        """The platform reference again, to fetch it (once more)."""
        return Photo(platform_file_id=self.platform_file_id, url=self.url, caption=self.caption)


class PhotoFetcher(Protocol):
    """Downloads one photo from a chat platform.

    Raises ``InvalidInput`` when the photo is refused (over ``max_bytes``, not an accepted
    image) and ``ExternalServiceError`` when the platform or the network fails.
    """

    def fetch(self, photo: Photo, max_bytes: int) -> FetchedPhoto: ...


class AttachmentStore(Protocol):
    """Where attachments are kept (``stores.sql.attachment_store.SqlAttachmentStore``)."""

    def record(self, feedback_id: int, channel: str, photos: Sequence[Photo]) -> None:
        """Pending rows numbered 1..n; ordinals already recorded are left as they are."""
        ...

    def unfetched(self, feedback_id: int) -> list[Attachment]:
        """Pending and failed attachments (no bytes), by ordinal."""
        ...

    def save_image(
        self, attachment_id: int, photo: FetchedPhoto, sha256: str, at: datetime
    ) -> bool:
        """Keep the bytes; False (nothing kept) when the feedback already has that image."""
        ...

    def save_failure(self, attachment_id: int, error: str, at: datetime) -> None: ...

    def list(self, feedback_id: int) -> list[Attachment]: ...

    def content(self, feedback_id: int, ordinal: int) -> tuple[Attachment, bytes | None]:
        """An attachment and its bytes (None unless stored); ``NotFound`` if there is none."""
        ...
