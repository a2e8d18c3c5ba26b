"""Index e-documents (văn bản): files or JSON-lines records → chunks → vectors → store.

A document is indexed whole or not at all: it is read, chunked and embedded first, then handed
to the store, which writes the new chunks before removing stale ones. A document whose content
hash matches what the store holds is skipped (re-indexing an unchanged folder writes nothing);
a file that cannot be read is reported with its reason and skipped.

A failure of the store itself (``ExternalServiceError``, or a write it refuses) is not a bad
document: it ends the run with that error. Documents written before it stay written, so the next
run skips them as unchanged and carries on; recording it as one failed document instead would hide
an outage behind a summary line and embed every remaining document for nothing.

Chunks are embedded in batches across documents (many short records make one batch), and the
time spent in each step is kept so the benchmark can show where indexing time goes.

    >>> service = DocumentIndexService(store, embedder, Bm25Encoder(), StructuralChunker())
    >>> report = service.index_paths([Path("app/demo/documents")])
    >>> report.indexed, report.chunks
    (12, 131)
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from core.documents import Chunk, IndexedDocument, SourceDocument, SparseVector
from core.errors import NotFound
from core.ports import ChunkStore
from indexer.chunking import StructuralChunker
from indexer.readers import DocumentUnreadable, iter_sources, read_file, read_jsonl
from indexer.sparse import Bm25Encoder
from nlp.embed import Embedder

log = logging.getLogger(__name__)

Outcome = Literal["indexed", "unchanged", "failed"]
#: Called once per document or unreadable source: failures as they are read, indexed documents
#: when their batch is stored (so not in input order), unchanged ones as they are checked.
ProgressCallback = Callable[[str, Outcome], None]


@dataclass(slots=True)
class Failure:
    source: str
    code: str
    reason: str


@dataclass(slots=True)
class IndexReport:
    """What one indexing run did; ``seconds`` splits the time by step."""

    indexed: int = 0
    unchanged: int = 0
    chunks: int = 0
    failed: list[Failure] = field(default_factory=list)
    seconds: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("read", "chunk", "dense", "sparse", "store"), 0.0)
    )

    @property
    def documents(self) -> int:
        return self.indexed + self.unchanged + len(self.failed)


@dataclass(slots=True)
class _Pending:
    document: SourceDocument
    chunks: list[Chunk]


#: Bump when ``passage_text`` changes what is embedded, so re-indexing picks it up.
PASSAGE_FORMAT = "passage-v1"


def passage_text(document: SourceDocument, chunk: Chunk) -> str:
    """What is embedded for a chunk: where it sits (title, path, heading), then its text."""
    head = ", ".join(part for part in (document.title, chunk.path) if part)
    if chunk.heading and chunk.heading not in chunk.text[: len(chunk.heading) + 40]:
        head = f"{head}. {chunk.heading}" if head else chunk.heading
    return f"{head}\n{chunk.text}" if head else chunk.text


class DocumentIndexService:
    """Reads, chunks, embeds and stores documents; see the module docstring."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        sparse: Bm25Encoder,
        chunker: StructuralChunker,
        *,
        batch_chunks: int = 64,
        max_file_bytes: int = 20_000_000,
    ) -> None:
        self._store, self._embedder, self._sparse, self._chunker = store, embedder, sparse, chunker
        self._batch_chunks, self._max_file_bytes = batch_chunks, max_file_bytes

    def fingerprint(self, document: SourceDocument) -> str:
        """The document's content hash combined with how it is indexed: a new embedding model,
        BM25 encoder or chunk size makes every document count as changed."""
        c = self._chunker
        recipe = (
            f"{PASSAGE_FORMAT}|{self._embedder.name}|{self._sparse.name}"
            f"|{c.max_chars}/{c.overlap_chars}/{c.min_chars}"
        )
        return hashlib.sha256(f"{document.content_hash}|{recipe}".encode()).hexdigest()

    def index_paths(
        self,
        paths: Sequence[Path],
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Index files and folders (PDF, DOCX, HTML, TXT, Markdown); raises for a missing path."""
        sources = list(iter_sources(paths))
        report = IndexReport()
        return self._run(self._read_files(sources, report), report, force, progress)

    def index_jsonl(
        self, path: Path, *, force: bool = False, progress: ProgressCallback | None = None
    ) -> IndexReport:
        """Index ``{"id", "title", "text", "metadata"}`` records; bad lines are reported."""
        report = IndexReport()
        return self._run(self._read_records(path, report), report, force, progress)

    def delete(self, doc_id: str) -> int:
        removed = self._store.delete_document(doc_id)
        if removed == 0:
            raise NotFound(f"no indexed document {doc_id!r}", code="index.document_not_found")
        log.info("index.document_deleted", extra={"doc_id": doc_id, "chunks": removed})
        return removed

    def documents(self) -> list[IndexedDocument]:
        return self._store.documents()

    def _read_files(
        self, sources: list[tuple[Path, str]], report: IndexReport
    ) -> Iterator[tuple[str, SourceDocument | DocumentUnreadable]]:
        for path, doc_id in sources:
            started = time.perf_counter()
            item: SourceDocument | DocumentUnreadable
            try:
                item = read_file(path, doc_id, max_bytes=self._max_file_bytes)
            except DocumentUnreadable as exc:
                item = exc
            report.seconds["read"] += time.perf_counter() - started
            yield str(path), item

    def _read_records(
        self, path: Path, report: IndexReport
    ) -> Iterator[tuple[str, SourceDocument | DocumentUnreadable]]:
        records = read_jsonl(path)
        while True:
            started = time.perf_counter()
            item = next(records, None)
            report.seconds["read"] += time.perf_counter() - started
            if item is None:
                return
            yield str(path), item

    def _run(
        self,
        items: Iterable[tuple[str, SourceDocument | DocumentUnreadable]],
        report: IndexReport,
        force: bool,
        progress: ProgressCallback | None,
    ) -> IndexReport:
        self._store.ensure_collection()
        pending: list[_Pending] = []
        for source, item in items:
            if isinstance(item, DocumentUnreadable):
                self._fail(report, source, item, progress)
                continue
            held = self._store.indexed(item.doc_id)
            if not force and held is not None and held.content_hash == self.fingerprint(item):
                report.unchanged += 1
                _notify(progress, item.doc_id, "unchanged")
                continue
            started = time.perf_counter()
            chunks = self._chunker.split(item)
            report.seconds["chunk"] += time.perf_counter() - started
            pending.append(_Pending(item, chunks))
            if sum(len(p.chunks) for p in pending) >= self._batch_chunks:
                self._flush(pending, report, progress)
                pending = []
        self._flush(pending, report, progress)
        log.info(
            "index.run_finished",
            extra={"indexed": report.indexed, "unchanged": report.unchanged,
                   "failed": len(report.failed), "chunks": report.chunks},
        )  # fmt: skip
        return report

    def _flush(
        self, pending: list[_Pending], report: IndexReport, progress: ProgressCallback | None
    ) -> None:
        texts = [passage_text(p.document, c) for p in pending for c in p.chunks]
        dense, sparse = self._vectors(texts, report)
        offset = 0
        for item in pending:
            n = len(item.chunks)
            started = time.perf_counter()
            self._store.replace_document(
                item.document,
                item.chunks,
                dense[offset : offset + n],
                sparse[offset : offset + n],
                content_hash=self.fingerprint(item.document),
                flush=False,
            )
            report.seconds["store"] += time.perf_counter() - started
            offset += n
            report.indexed += 1
            report.chunks += n
            _notify(progress, item.document.doc_id, "indexed")
        if pending:
            started = time.perf_counter()
            self._store.flush()
            report.seconds["store"] += time.perf_counter() - started

    def _vectors(
        self, texts: list[str], report: IndexReport
    ) -> tuple[np.ndarray, list[SparseVector]]:
        if not texts:
            return np.zeros((0, self._embedder.dim), dtype=np.float32), []
        started = time.perf_counter()
        dense = self._embedder.passages(texts)
        report.seconds["dense"] += time.perf_counter() - started
        started = time.perf_counter()
        sparse = self._sparse.passages(texts)
        report.seconds["sparse"] += time.perf_counter() - started
        return dense, sparse

    @staticmethod
    def _fail(
        report: IndexReport,
        source: str,
        error: DocumentUnreadable,
        progress: ProgressCallback | None,
    ) -> None:
        report.failed.append(Failure(source=source, code=error.code, reason=error.message))
        log.warning("index.document_failed", extra={"code": error.code, "reason": error.message})
        _notify(progress, source, "failed")


def _notify(progress: ProgressCallback | None, name: str, outcome: Outcome) -> None:
    if progress is not None:
        progress(name, outcome)
