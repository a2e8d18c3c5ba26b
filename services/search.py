"""Search the indexed e-documents, and answer a question from them with citations.

A query is embedded (e5 ``query: ``) and encoded as BM25 terms; the store fuses both rankings
(RRF). At most ``per_document`` chunks of one document are kept so a long law does not crowd out
everything else. ``answer`` keeps passages only when they are about the question (dense
similarity and the share of the question's words they contain) and builds a short extractive
answer from the best one; when nothing qualifies it says so instead of guessing.

    >>> service = SearchService(store, embedder, Bm25Encoder())
    >>> [hit.citation for hit in service.search("lệ phí chứng thực bản sao").hits][:1]
    ['Hướng dẫn 05/HD-UBND, Mục IV']
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

import numpy as np

from core.documents import DocumentFilter, SearchHit, SearchMode
from core.errors import InvalidInput
from core.ports import ChunkStore
from indexer.snippets import Snippet, coverage, extract, snippet
from indexer.sparse import Bm25Encoder
from nlp.embed import Embedder

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 1000
MAX_LIMIT = 100
#: The most chunks one search reads from the store while filling ``per_document`` caps.
MAX_FETCH = 2000
_WORD = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class FoundPassage:
    """A hit with its snippet and a citation a reader can check."""

    hit: SearchHit
    snippet: Snippet
    rank: int

    @property
    def citation(self) -> str:
        """ "Quyết định 125/QĐ-UBND, Chương II, Điều 5" (the title when there is no number)."""
        hit = self.hit
        name = f"{hit.doc_type} {hit.number}" if hit.doc_type and hit.number else hit.title
        return f"{name}, {hit.path}" if hit.path else name


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    mode: SearchMode
    hits: list[FoundPassage]
    took_ms: float
    dense: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """An extractive answer: ``found`` is False when no passage is about the question."""

    question: str
    found: bool
    text: str
    passages: list[FoundPassage]

    @property
    def citations(self) -> list[str]:
        return [p.citation for p in self.passages]


def check_query(query: str) -> str:
    """The query stripped, or ``InvalidInput`` saying what is wrong with it."""
    text = query.strip() if isinstance(query, str) else ""
    if not text:
        raise InvalidInput("the search query is empty", code="search.query_empty")
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"the search query has {len(text)} characters; at most {MAX_QUERY_CHARS} are allowed",
            code="search.query_too_long",
        )
    if not _WORD.search(text):
        raise InvalidInput(
            "the search query has no letters or digits", code="search.query_no_words"
        )
    return text


class SearchService:
    """Hybrid search and extractive answers over a ``ChunkStore``; see the module docstring.

    ``min_similarity`` (cosine of e5 query and passage vectors) and ``min_coverage`` (share of
    the question's content words in the passage) decide whether a passage answers at all.
    """

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        sparse: Bm25Encoder,
        *,
        per_document: int = 3,
        min_similarity: float = 0.82,
        min_coverage: float = 0.7,
    ) -> None:
        self._store, self._embedder, self._sparse = store, embedder, sparse
        self.per_document = per_document
        self.min_similarity, self.min_coverage = min_similarity, min_coverage

    def search(
        self,
        query: str,
        *,
        where: DocumentFilter | None = None,
        limit: int = 10,
        mode: SearchMode = SearchMode.HYBRID,
    ) -> SearchResults:
        text = check_query(query)
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be 1 to {MAX_LIMIT}", code="search.limit_invalid")
        started = time.perf_counter()
        dense = None if mode is SearchMode.SPARSE else self._embedder.queries([text])[0]
        hits = self._hits(text, dense, where or DocumentFilter(), limit, mode)
        found = [FoundPassage(hit, snippet(hit.text, text), rank) for rank, hit in enumerate(hits)]
        took = (time.perf_counter() - started) * 1000
        log.info("search.done", extra={"mode": mode.value, "hits": len(found), "ms": round(took)})
        return SearchResults(query=text, mode=mode, hits=found, took_ms=took, dense=dense)

    def answer(
        self, question: str, *, where: DocumentFilter | None = None, passages: int = 3
    ) -> Answer:
        """The best passages about ``question`` with citations and a short extract of the first."""
        results = self.search(question, where=where, limit=max(passages * 2, 6))
        relevant = self._relevant(results, where)[:passages]
        if not relevant:
            return Answer(question=results.query, found=False, text="", passages=[])
        text = extract(relevant[0].hit.text, results.query)
        return Answer(question=results.query, found=True, text=text, passages=relevant)

    def _hits(
        self,
        text: str,
        dense: np.ndarray | None,
        where: DocumentFilter,
        limit: int,
        mode: SearchMode,
    ) -> list[SearchHit]:
        """The best chunks, at most ``per_document`` of each document.

        A long document can fill the first ``limit × per_document`` chunks on its own, so the
        store is asked again for four times as many while the cap leaves fewer than ``limit``.
        """
        sparse = None if mode is SearchMode.DENSE else self._sparse.query(text)
        fetch = limit * self.per_document
        while True:
            raw = self._store.search(
                dense=dense, sparse=sparse, mode=mode, where=where, limit=fetch
            )
            kept = _capped(raw, self.per_document)
            if len(kept) >= limit or len(raw) < fetch or fetch >= MAX_FETCH:
                return kept[:limit]
            fetch = min(fetch * 4, MAX_FETCH)

    def _relevant(self, results: SearchResults, where: DocumentFilter | None) -> list[FoundPassage]:
        if not results.hits or results.dense is None:
            return []
        question = results.query
        similarity = self._similarities(results.dense, results.hits, where)
        return [
            p
            for p in results.hits
            if similarity.get(p.hit.chunk_id, 0.0) >= self.min_similarity
            and coverage(question, f"{p.hit.title} {p.hit.heading} {p.hit.text}")
            >= self.min_coverage
        ]

    def _similarities(
        self, dense: np.ndarray, hits: list[FoundPassage], where: DocumentFilter | None
    ) -> dict[str, float]:
        """Cosine of the question to each hit (a dense query limited to the hits' documents)."""
        base = where or DocumentFilter()
        scope = DocumentFilter(
            doc_types=base.doc_types,
            issuer=base.issuer,
            issued_from=base.issued_from,
            issued_to=base.issued_to,
            doc_ids=tuple(dict.fromkeys(p.hit.doc_id for p in hits)),
        )
        scored = self._store.search(
            dense=dense, sparse=None, mode=SearchMode.DENSE, where=scope, limit=50
        )
        return {hit.chunk_id: hit.score for hit in scored}


def _capped(hits: list[SearchHit], per_document: int) -> list[SearchHit]:
    """``hits`` in order, keeping the first ``per_document`` of each document."""
    kept: list[SearchHit] = []
    seen: dict[str, int] = {}
    for hit in hits:
        if seen.get(hit.doc_id, 0) < per_document:
            seen[hit.doc_id] = seen.get(hit.doc_id, 0) + 1
            kept.append(hit)
    return kept
