"""Ports: the Protocols that services depend on and adapters implement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import numpy as np

from core.documents import (
    Chunk,
    DocumentFilter,
    IndexedDocument,
    SearchHit,
    SearchMode,
    SourceDocument,
    SparseVector,
)
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
        limit: int = 1000,
        model: str | None = None,
        without_ward: bool = False,
    ) -> list[StoredVector]:
        """Stored vectors of feedback received since ``since``, newest first, at most ``limit``;
        with ``model``, only the vectors that model made (others are not comparable); with
        ``without_ward``, only feedback whose ward is unknown."""
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


class ChunkStore(Protocol):
    """A vector store of document chunks (dense + sparse vectors, metadata payload).

    Implementations: ``stores.qdrant.EdgeChunkStore`` (the embedded engine) and
    ``stores.qdrant.ClientChunkStore`` (a Qdrant server, or qdrant-client's local mode).
    Writing a document replaces its chunks as one step seen from readers: new chunks are
    written first, then the ones it no longer has are deleted.
    """

    def ensure_collection(self) -> None:
        """Create the collection and payload indexes, or check an existing one matches."""
        ...

    def indexed(self, doc_id: str) -> IndexedDocument | None: ...

    def documents(self) -> list[IndexedDocument]: ...

    def replace_document(
        self,
        document: SourceDocument,
        chunks: Sequence[Chunk],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
        *,
        content_hash: str | None = None,
        flush: bool = True,
    ) -> None: ...

    def flush(self) -> None:
        """Make every write so far durable (after ``replace_document(..., flush=False)``)."""
        ...

    def delete_document(self, doc_id: str) -> int:
        """Remove a document's chunks; returns how many were removed."""
        ...

    def search(
        self,
        *,
        dense: np.ndarray | None,
        sparse: SparseVector | None,
        mode: SearchMode,
        where: DocumentFilter,
        limit: int,
    ) -> list[SearchHit]: ...

    def count(self) -> int: ...

    def close(self) -> None: ...
