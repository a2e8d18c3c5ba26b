"""Ports: the Protocols that services depend on and adapters implement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.types import (
    Annotation,
    DuplicateCandidate,
    Feedback,
    FeedbackIn,
    FeedbackQuery,
    FeedbackStatus,
    Page,
    StoredVector,
    StoreResult,
    TextInput,
)


class FeedbackStore(Protocol):
    """Durable storage of feedback, its contacts and its event history."""

    def add(self, item: FeedbackIn) -> StoreResult:
        """Store a feedback; a repeated (channel, channel_message_id) returns the existing one."""
        ...

    def get(self, feedback_id: int) -> Feedback: ...

    def get_by_reference(self, reference: str) -> Feedback: ...

    def find(self, query: FeedbackQuery) -> Page[Feedback]: ...

    def pending_annotation(self, limit: int) -> Sequence[int]:
        """Ids of feedback whose annotation has not run yet, oldest first."""
        ...

    def annotation_input(self, feedback_id: int) -> TextInput:
        """What the annotation pipeline reads of a stored feedback."""
        ...

    def save_annotation(
        self, feedback_id: int, annotation: Annotation, status: FeedbackStatus, actor: str
    ) -> None:
        """Store annotations and move a ``received`` feedback to ``status``."""
        ...

    def save_annotation_failure(self, feedback_id: int, error: str) -> None: ...

    def vectors_since(
        self,
        since: datetime,
        *,
        open_only: bool,
        ward: str | None = None,
        category: str | None = None,
        with_street: bool = False,
        limit: int = 1000,
    ) -> list[StoredVector]:
        """Stored vectors of feedback received since ``since``, newest first, at most ``limit``."""
        ...

    def save_duplicate_candidates(
        self, feedback_id: int, candidates: Sequence[tuple[int, float]]
    ) -> None:
        """Replace the proposed duplicate candidates of a feedback (confirmed ones stay)."""
        ...

    def duplicate_candidates(self, feedback_id: int) -> list[DuplicateCandidate]: ...

    def mark_duplicate(
        self, feedback_id: int, original_id: int, actor: str, reason: str | None
    ) -> Feedback:
        """Link a feedback to the first report of the same incident; status is unchanged."""
        ...

    def change_status(
        self, feedback_id: int, to: FeedbackStatus, actor: str, reason: str | None
    ) -> Feedback: ...


class Annotator(Protocol):
    """Turns texts into annotations (the NLP pipeline)."""

    def warm_up(self) -> None: ...

    def annotate(self, item: TextInput) -> Annotation: ...

    def annotate_batch(self, items: Sequence[TextInput]) -> list[Annotation]: ...


class AnnotationQueue(Protocol):
    """Hands stored feedback ids to annotation workers."""

    def submit(self, feedback_id: int) -> None: ...

    def wait(self, feedback_id: int, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for the feedback to be annotated; True if it was."""
        ...

    def backlog(self) -> int:
        """How many submitted feedback are waiting for annotation."""
        ...
