"""The ``ChunkStore`` behaviour written once; each backend supplies a few primitive calls.

Keeping the use of the primitives here (write order, validation, lazy opening, error
translation) is what makes the embedded and the server store behave the same.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

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
from stores.qdrant.common import (
    RRF_K,
    RRF_WEIGHTS,
    UPSERT_BATCH,
    Condition,
    QueryPlan,
    chunk_payloads,
    filter_conditions,
    hit_from_point,
    plan_query,
    summarize,
    validate_write,
    vendor_errors,
)

log = logging.getLogger(__name__)

#: A point as the primitives return it: (id, score, payload).
ScoredRow = tuple[object, float, Mapping[str, Any]]


class QdrantStoreBase(ABC):
    """A Qdrant collection of document chunks; subclasses bind it to one backend."""

    #: Exceptions of the backend that mean "Qdrant failed" (translated to ExternalServiceError).
    vendor_exceptions: tuple[type[BaseException], ...] = ()

    def __init__(self, collection: str, dense_dim: int, rrf_k: int = RRF_K) -> None:
        if rrf_k < 1:
            raise ValueError("rrf_k must be at least 1")
        self.collection = collection
        self.dense_dim = dense_dim
        self.rrf_k = rrf_k
        self.rrf_weights = RRF_WEIGHTS
        self._lock = threading.Lock()
        self._ready = False

    # -- primitives of a backend ---------------------------------------------------------------

    @abstractmethod
    def _open(self) -> None:
        """Connect, then create the collection or check that the existing one matches."""

    @abstractmethod
    def _release(self) -> None:
        """Close the connection or the shard."""

    @abstractmethod
    def _upsert(
        self,
        ids: Sequence[str],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
        payloads: Sequence[Mapping[str, Any]],
    ) -> None: ...

    @abstractmethod
    def _delete(self, doc_id: str, keep: Sequence[str]) -> None:
        """Delete the points of ``doc_id`` whose ids are not in ``keep``."""

    @abstractmethod
    def _count(self, doc_id: str | None) -> int: ...

    @abstractmethod
    def _scroll(self, doc_id: str | None) -> Iterator[Mapping[str, Any]]:
        """Payloads (``SUMMARY_FIELDS``) of every point, or of one document's points."""

    @abstractmethod
    def _query(self, plan: QueryPlan, conditions: Sequence[Condition]) -> list[ScoredRow]: ...

    @abstractmethod
    def _flush(self) -> None:
        """Make written points durable."""

    @abstractmethod
    def optimize(self) -> None:
        """Merge and index segments after a large batch of writes."""

    # -- ChunkStore ----------------------------------------------------------------------------

    def ensure_collection(self) -> None:
        """Open the collection, creating it and its payload indexes if it does not exist."""
        with self._lock:
            if self._ready:
                return
            with self._vendor_errors("open the collection"):
                self._open()
            self._ready = True

    def replace_document(
        self,
        document: SourceDocument,
        chunks: Sequence[Chunk],
        dense: np.ndarray,
        sparse: Sequence[SparseVector],
        *,
        content_hash: str | None = None,
        flush: bool = True,
    ) -> None:
        """Write the new chunks, then delete the ones the document no longer has.

        Readers never see the document missing; with no chunks, the document is removed.
        ``flush=False`` leaves making it durable to a later ``flush()`` (bulk indexing: a flush
        per document costs ~50 ms on the embedded engine). ``content_hash`` replaces the
        document's own hash in what ``indexed()`` reports (the indexer adds its model versions).
        """
        matrix = validate_write(document, chunks, dense, sparse, self.dense_dim)
        self.ensure_collection()
        ids = [chunk.chunk_id for chunk in chunks]
        payloads = chunk_payloads(document, chunks, content_hash)
        with self._vendor_errors(f"write document {document.doc_id!r}"):
            for start in range(0, len(ids), UPSERT_BATCH):
                end = start + UPSERT_BATCH
                self._upsert(
                    ids[start:end], matrix[start:end], sparse[start:end], payloads[start:end]
                )
            self._delete(document.doc_id, ids)
            if flush:
                self._flush()
        log.debug("index.document_replaced doc_id=%s chunks=%d", document.doc_id, len(ids))

    def indexed(self, doc_id: str) -> IndexedDocument | None:
        self.ensure_collection()
        with self._vendor_errors(f"read document {doc_id!r}"):
            found = summarize(self._scroll(doc_id))
        return found[0] if found else None

    def documents(self) -> list[IndexedDocument]:
        self.ensure_collection()
        with self._vendor_errors("list documents"):
            return summarize(self._scroll(None))

    def delete_document(self, doc_id: str) -> int:
        self.ensure_collection()
        with self._vendor_errors(f"delete document {doc_id!r}"):
            removed = self._count(doc_id)
            if removed:
                self._delete(doc_id, ())
                self._flush()
        log.info("index.document_deleted doc_id=%s chunks=%d", doc_id, removed)
        return removed

    def search(
        self,
        *,
        dense: np.ndarray | None,
        sparse: SparseVector | None,
        mode: SearchMode,
        where: DocumentFilter,
        limit: int,
    ) -> list[SearchHit]:
        """Best chunks first; hybrid search fuses a dense and a sparse ranking by RRF."""
        plan = plan_query(
            dense=dense, sparse=sparse, mode=mode, limit=limit, dense_dim=self.dense_dim
        )
        if plan is None:
            return []
        self.ensure_collection()
        with self._vendor_errors("search"):
            rows = self._query(plan, filter_conditions(where))
        return [hit_from_point(point_id, score, payload) for point_id, score, payload in rows]

    def flush(self) -> None:
        """Make every write so far durable."""
        self.ensure_collection()
        with self._vendor_errors("flush"):
            self._flush()

    def count(self) -> int:
        self.ensure_collection()
        with self._vendor_errors("count points"):
            return self._count(None)

    def close(self) -> None:
        """Release the backend; a later call opens it again."""
        with self._lock:
            if not self._ready:
                return
            self._ready = False
            with self._vendor_errors("close"):
                self._release()

    def _vendor_errors(self, operation: str) -> AbstractContextManager[None]:
        return vendor_errors(operation, self.collection, self.vendor_exceptions)
