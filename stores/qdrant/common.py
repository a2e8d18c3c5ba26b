"""What both Qdrant backends share: names, payloads, query plans, filters, hits, errors.

The two backends (qdrant-edge in-process, qdrant-client for a server or its local mode) speak
different Python types, so this module describes collections, filters and queries in plain
types and each backend translates them in a few lines. Validation lives here, so a bad call
is refused the same way by both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
from core.errors import Conflict, ExternalServiceError, InvalidInput, LangngheError

log = logging.getLogger(__name__)

DENSE = "dense"
SPARSE = "bm25"
#: The RRF constant of both backends: score = sum over stages of 1 / (RRF_K + rank), rank from 1.
RRF_K = 60
#: Weights of the dense and the sparse stage in the fusion. Equal RRF scores are common (rank r in
#: one list only, in either list) and Qdrant then orders them arbitrarily, so results changed from
#: run to run (ALQAC MRR@10 0.850–0.865); a 0.1 % lean breaks those ties and only those
#: (neighbouring ranks differ by ~1.6 %). Ties go to the exact-term (BM25) side: document
#: numbers and legal terms are what citizens and officials type (ALQAC: 0.860; dense side 0.855).
RRF_WEIGHTS = (0.999, 1.0)
UPSERT_BATCH = 256
SCROLL_PAGE = 1024
#: Payload fields with an index: keyword ones, then the datetime one.
KEYWORD_FIELDS = ("doc_id", "doc_type", "issuer")
DATETIME_FIELD = "issued_on"
#: What ``indexed``/``documents`` read of each point.
SUMMARY_FIELDS = ["doc_id", "content_hash", "chunk_count"]
QDRANT_FAILED = "index.qdrant_failed"


@dataclass(frozen=True, slots=True)
class CollectionShape:
    """The vector configuration found in an existing collection (None: that vector is absent)."""

    dense_size: int | None
    dense_distance: str | None
    has_sparse: bool
    sparse_idf: bool


def check_shape(shape: CollectionShape, *, collection: str, dense_dim: int) -> None:
    """Raise ``Conflict`` when an existing collection cannot hold our vectors."""
    problems = []
    if shape.dense_size is None:
        problems.append(f'it has no dense vector "{DENSE}"')
    elif shape.dense_size != dense_dim:
        problems.append(f'dense vector "{DENSE}" has size {shape.dense_size}, expected {dense_dim}')
    if shape.dense_distance is not None and shape.dense_distance.lower() != "cosine":
        problems.append(f'dense vector "{DENSE}" uses {shape.dense_distance} distance, not Cosine')
    if not shape.has_sparse:
        problems.append(f'it has no sparse vector "{SPARSE}"')
    elif not shape.sparse_idf:
        problems.append(f'sparse vector "{SPARSE}" lacks the IDF modifier')
    if problems:
        raise Conflict(
            f"Qdrant collection {collection!r} does not match this index: {'; '.join(problems)}. "
            "It was left untouched: use another --collection, or delete it to rebuild the index.",
            code="index.collection_mismatch",
        )


@contextmanager
def vendor_errors(
    operation: str, collection: str, kinds: tuple[type[BaseException], ...]
) -> Iterator[None]:
    """Turn the backend's exceptions ``kinds`` into ``ExternalServiceError``; ours pass through."""
    try:
        yield
    except LangngheError:
        raise
    except kinds as exc:
        log.warning("index.qdrant_failed op=%s collection=%s error=%s", operation, collection, exc)
        raise ExternalServiceError(
            f"Qdrant failed to {operation} (collection {collection!r}): {exc}", code=QDRANT_FAILED
        ) from exc


def validate_write(
    document: SourceDocument,
    chunks: Sequence[Chunk],
    dense: np.ndarray,
    sparse: Sequence[SparseVector],
    dense_dim: int,
) -> np.ndarray:
    """Refuse vectors that do not line up with the chunks; returns ``dense`` as float32."""
    matrix = np.asarray(dense, dtype=np.float32)
    if matrix.shape != (len(chunks), dense_dim):
        raise InvalidInput(
            f"dense vectors have shape {matrix.shape}, expected ({len(chunks)}, {dense_dim})",
            code="index.dense_shape",
        )
    if not np.isfinite(matrix).all():
        raise InvalidInput("dense vectors contain NaN or infinity", code="index.dense_not_finite")
    if len(sparse) != len(chunks):
        raise InvalidInput(
            f"{len(sparse)} sparse vectors for {len(chunks)} chunks", code="index.sparse_count"
        )
    if any(chunk.doc_id != document.doc_id for chunk in chunks):
        raise InvalidInput(
            f"a chunk does not belong to document {document.doc_id!r}", code="index.chunk_document"
        )
    if len({chunk.ordinal for chunk in chunks}) != len(chunks):
        raise InvalidInput(
            f"document {document.doc_id!r} has two chunks with the same ordinal",
            code="index.duplicate_chunk",
        )
    return matrix


def chunk_payloads(
    document: SourceDocument, chunks: Sequence[Chunk], content_hash: str | None = None
) -> list[dict[str, Any]]:
    """The payload of each chunk: its citation, the document's metadata and its content hash
    (``content_hash`` when the caller fingerprints more than the content, else the document's)."""
    meta = document.metadata
    shared = {
        "doc_id": document.doc_id,
        "title": document.title,
        "number": meta.number,
        "doc_type": meta.doc_type,
        "issuer": meta.issuer,
        "issued_on": meta.issued_on.isoformat() if meta.issued_on else None,
        "subject": meta.subject,
        "signer": meta.signer,
        "source": document.source,
        "content_hash": content_hash or document.content_hash,
        "chunk_count": len(chunks),
        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return [
        {**shared, "ordinal": c.ordinal, "path": c.path, "heading": c.heading, "text": c.text}
        for c in chunks
    ]


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A validated search: the mode actually run and its vectors.

    ``prefetch`` is how many candidates each stage of a hybrid query hands to the fusion.
    """

    mode: SearchMode
    dense: list[float] | None
    sparse: SparseVector | None
    limit: int

    @property
    def prefetch(self) -> int:
        return max(self.limit * 5, 50)


def plan_query(
    *,
    dense: np.ndarray | None,
    sparse: SparseVector | None,
    mode: SearchMode,
    limit: int,
    dense_dim: int,
) -> QueryPlan | None:
    """Check the query vectors against ``mode``; None means the answer is empty.

    A sparse vector without terms (a query of stopwords) cannot rank anything: hybrid search
    then runs on the dense vector alone and sparse search finds nothing.
    """
    if limit < 1:
        raise InvalidInput(f"limit must be at least 1, not {limit}", code="index.query_limit")
    needs_dense = mode in (SearchMode.HYBRID, SearchMode.DENSE)
    needs_sparse = mode in (SearchMode.HYBRID, SearchMode.SPARSE)
    if (needs_dense and dense is None) or (needs_sparse and sparse is None):
        raise InvalidInput(
            f"{mode.value} search needs a {'dense' if needs_dense and dense is None else 'sparse'}"
            " query vector",
            code="index.query_vector_missing",
        )
    query_dense = _query_dense(dense, dense_dim) if needs_dense else None
    if needs_sparse and sparse is not None and not sparse.indices:
        if mode is SearchMode.SPARSE:
            return None
        return QueryPlan(SearchMode.DENSE, query_dense, None, limit)
    return QueryPlan(mode, query_dense, sparse if needs_sparse else None, limit)


def _query_dense(dense: np.ndarray | None, dense_dim: int) -> list[float]:
    vector = np.asarray(dense, dtype=np.float32)
    if vector.shape not in ((dense_dim,), (1, dense_dim)):
        raise InvalidInput(
            f"dense query vector has shape {vector.shape}, expected ({dense_dim},)",
            code="index.dense_shape",
        )
    if not np.isfinite(vector).all():
        raise InvalidInput("dense query vector has NaN or infinity", code="index.dense_not_finite")
    return [float(x) for x in vector.reshape(-1)]


@dataclass(frozen=True, slots=True)
class MatchAny:
    """The payload field ``key`` equals one of ``values``."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DateRange:
    """The datetime payload field ``key`` lies within [gte, lte] (ISO strings, None: open)."""

    key: str
    gte: str | None
    lte: str | None


Condition = MatchAny | DateRange


def filter_conditions(where: DocumentFilter) -> list[Condition]:
    """The conditions (all must hold) that ``where`` asks for; empty when it filters nothing."""
    conditions: list[Condition] = []
    if where.doc_types:
        conditions.append(MatchAny("doc_type", tuple(where.doc_types)))
    if where.issuer is not None:
        conditions.append(MatchAny("issuer", (where.issuer,)))
    if where.doc_ids:
        conditions.append(MatchAny("doc_id", tuple(where.doc_ids)))
    if where.issued_from is not None or where.issued_to is not None:
        conditions.append(
            DateRange(DATETIME_FIELD, _midnight(where.issued_from), _midnight(where.issued_to))
        )
    return conditions


def _midnight(day: date | None) -> str | None:
    """A stored date reads as its midnight UTC, so ``lte`` midnight keeps the last day."""
    return f"{day.isoformat()}T00:00:00Z" if day else None


def hit_from_point(point_id: object, score: float, payload: Mapping[str, Any]) -> SearchHit:
    """A search hit from a point as either backend returns it."""
    issued_on = payload.get("issued_on")
    return SearchHit(
        chunk_id=str(point_id),
        doc_id=str(payload["doc_id"]),
        title=payload.get("title") or "",
        number=payload.get("number"),
        doc_type=payload.get("doc_type"),
        issuer=payload.get("issuer"),
        issued_on=date.fromisoformat(issued_on) if issued_on else None,
        path=payload.get("path") or "",
        heading=payload.get("heading") or "",
        text=payload.get("text") or "",
        score=float(score),
    )


def summarize(payloads: Iterable[Mapping[str, Any]]) -> list[IndexedDocument]:
    """Documents as their points describe them, sorted by id.

    A document whose points disagree (a write interrupted between the upsert and the delete
    of stale chunks) reports an empty ``content_hash``, so the indexer writes it again.
    """
    hashes: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    expected: dict[str, set[int]] = {}
    for payload in payloads:
        doc_id = str(payload["doc_id"])
        hashes.setdefault(doc_id, set()).add(str(payload.get("content_hash") or ""))
        expected.setdefault(doc_id, set()).add(int(payload.get("chunk_count") or 0))
        counts[doc_id] = counts.get(doc_id, 0) + 1
    documents = []
    for doc_id in sorted(counts):
        consistent = len(hashes[doc_id]) == 1 and expected[doc_id] == {counts[doc_id]}
        content_hash = next(iter(hashes[doc_id])) if consistent else ""
        documents.append(IndexedDocument(doc_id, content_hash, counts[doc_id]))
    return documents
