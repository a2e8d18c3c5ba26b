"""Plain types of the e-document index: documents (văn bản), their chunks, search hits.

A ``SourceDocument`` is what a parser read from a file or a JSON-lines record; the chunker cuts
it into ``Chunk``s along its structure (Phần / Chương / Mục / Điều / Khoản / Điểm); a store keeps
each chunk with a dense and a sparse vector and returns ``SearchHit``s.
"""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Namespace of chunk ids: uuid5(namespace, f"{doc_id}#{ordinal}") is stable across runs.
CHUNK_NAMESPACE = uuid.UUID("8f1b7a52-2d36-4d0e-9b8e-6f5f0c3a1e44")


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """What a Vietnamese administrative document says about itself.

    ``number`` is the number and symbol as printed ("1234/QĐ-UBND"); ``doc_type`` the type in
    Vietnamese ("Quyết định"); ``extra`` keeps any other string fields a JSON record carried.
    """

    number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    subject: str | None = None
    signer: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "doc_type": self.doc_type,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "subject": self.subject,
            "signer": self.signer,
            "extra": dict(sorted(self.extra.items())),
        }


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One document as read: a stable id, a title, its plain text and metadata.

    ``source`` says where it came from (a file path, or ``FILE:LINE`` for a JSON-lines record).
    """

    doc_id: str
    title: str
    text: str
    metadata: DocumentMetadata
    source: str

    @property
    def content_hash(self) -> str:
        """Changes exactly when what would be indexed changes (not when the file moves)."""
        payload = json.dumps(
            [self.doc_id, self.title, self.text, self.metadata.as_dict()], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chunk_id(doc_id: str, ordinal: int) -> str:
    """The stable id of a document's ``ordinal``-th chunk (a UUID string, as Qdrant wants)."""
    return str(uuid.uuid5(CHUNK_NAMESPACE, f"{doc_id}#{ordinal}"))


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of a document with its place in the structure.

    ``path`` reads like a citation: "Chương II, Điều 12, Khoản 2, Điểm a" (empty for a document
    without structure); ``heading`` is the title of the article or section it belongs to.
    ``text`` is what is embedded and shown; ``start``/``end`` are offsets in the document text.
    """

    doc_id: str
    ordinal: int
    path: str
    heading: str
    text: str
    start: int
    end: int

    @property
    def chunk_id(self) -> str:
        return chunk_id(self.doc_id, self.ordinal)


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Term ids and weights (BM25 term frequencies; Qdrant applies the IDF)."""

    indices: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.indices) != len(self.values):
            raise ValueError("indices and values differ in length")


class SearchMode(enum.StrEnum):
    """Which vectors a query uses."""

    HYBRID = "hybrid"
    DENSE = "dense"
    SPARSE = "sparse"


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Restricts a search; ``None`` fields do not filter. Dates are inclusive."""

    doc_types: tuple[str, ...] = ()
    issuer: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    doc_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A chunk found by a search, with what a citation needs."""

    chunk_id: str
    doc_id: str
    title: str
    number: str | None
    doc_type: str | None
    issuer: str | None
    issued_on: date | None
    path: str
    heading: str
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """What a store knows of a document it holds."""

    doc_id: str
    content_hash: str
    chunks: int
