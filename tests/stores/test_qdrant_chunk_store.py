"""One conformance suite for every ``ChunkStore`` on Qdrant: embedded edge, client path, memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import qdrant_edge as qe

from core.documents import DocumentFilter, IndexedDocument, SearchHit, SearchMode, SparseVector
from core.errors import Conflict, ExternalServiceError, InvalidInput
from stores.qdrant import ClientChunkStore, EdgeChunkStore
from stores.qdrant.base import QdrantStoreBase
from stores.qdrant.common import summarize
from tests.stores.qdrant_conformance import (
    ALL_CHUNKS,
    BACKENDS,
    CAT_DIEN,
    CHIEU_SANG,
    COMMON_TERM,
    DIM,
    HO_KINH_DOANH,
    LINH_TRUNG,
    PERSISTENT,
    THU_DUC,
    VIA_HE,
    Backend,
    terms,
    unit,
    vectors_of,
    write,
    write_corpus,
)

ALL = DocumentFilter()
A, B, C, D = (doc.doc_id for doc, _ in (VIA_HE, CHIEU_SANG, CAT_DIEN, HO_KINH_DOANH))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    opened = Backend(request.param, tmp_path / "qdrant")
    yield opened
    opened.close_all()


@pytest.fixture(params=PERSISTENT)
def persistent(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    opened = Backend(request.param, tmp_path / "qdrant")
    yield opened
    opened.close_all()


@pytest.fixture
def loaded(backend: Backend) -> QdrantStoreBase:
    """The corpus in a store of its own, for tests that change it."""
    store = backend.open()
    write_corpus(store)
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QdrantStoreBase]:
    """The corpus written once per backend, for tests that only search (writes cost a flush)."""
    opened = Backend(request.param, tmp_path_factory.mktemp("qdrant"))
    store = opened.open()
    write_corpus(store)
    yield store
    opened.close_all()


def ids_of(hits: list[SearchHit]) -> list[str]:
    return [hit.chunk_id for hit in hits]


def dense_search(
    store: QdrantStoreBase, vector: np.ndarray, where: DocumentFilter = ALL, limit: int = 20
) -> list[SearchHit]:
    return store.search(dense=vector, sparse=None, mode=SearchMode.DENSE, where=where, limit=limit)


# -- opening -------------------------------------------------------------------------------------


def test_a_fresh_store_opens_lazily_and_twice_harmlessly(backend: Backend) -> None:
    store = backend.open()
    assert store.count() == 0
    store.ensure_collection()
    store.ensure_collection()
    assert store.documents() == []
    assert store.indexed(A) is None


def test_concurrent_first_calls_open_the_collection_once(persistent: Backend) -> None:
    store = persistent.open()
    results: list[object] = []

    def first_call() -> None:
        try:
            results.append(store.count())
        except Exception as exc:  # noqa: BLE001 (collected: a thread cannot raise into the test)
            results.append(exc)

    threads = [threading.Thread(target=first_call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [0] * 8


def test_writes_survive_reopening(persistent: Backend) -> None:
    first = persistent.open()
    write_corpus(first)
    before = first.documents()
    first.close()
    again = persistent.open()
    assert again.count() == len(ALL_CHUNKS)
    assert again.documents() == before
    assert ids_of(dense_search(again, unit(4), limit=1)) == [ALL_CHUNKS[4].chunk_id]


def test_reopening_with_another_dimension_is_refused_and_leaves_the_collection(
    persistent: Backend,
) -> None:
    first = persistent.open()
    write_corpus(first)
    first.close()
    with pytest.raises(Conflict) as caught:
        persistent.open(dense_dim=128).ensure_collection()
    assert caught.value.code == "index.collection_mismatch"
    assert "size 8, expected 128" in caught.value.message
    assert "another --collection" in caught.value.message
    assert persistent.open().count() == len(ALL_CHUNKS)


@pytest.mark.parametrize(
    ("size", "distance", "sparse", "complaint"),
    [
        (DIM, "Cosine", None, 'no sparse vector "bm25"'),
        (DIM, "Cosine", "plain", "lacks the IDF modifier"),
        (DIM, "Dot", "idf", "Dot distance"),
        (128, "Cosine", "idf", "size 128, expected 8"),
    ],
)
def test_a_collection_made_otherwise_is_refused(
    backend: Backend, size: int, distance: str, sparse: str | None, complaint: str
) -> None:
    store = backend.open_foreign("van_ban_cu", size, distance, sparse)
    with pytest.raises(Conflict) as caught:
        store.count()
    assert caught.value.code == "index.collection_mismatch"
    assert complaint in caught.value.message
    assert "'van_ban_cu'" in caught.value.message


def test_an_unreachable_server_is_an_external_service_error() -> None:
    store = ClientChunkStore(url="http://127.0.0.1:1", timeout=1)
    with pytest.raises(ExternalServiceError) as caught:
        store.ensure_collection()
    assert caught.value.code == "index.qdrant_failed"


@pytest.mark.parametrize("kind", PERSISTENT)
def test_a_folder_that_is_a_file_is_an_external_service_error(tmp_path: Path, kind: str) -> None:
    blocked = tmp_path / "qdrant"
    blocked.write_text("not a folder", encoding="utf-8")
    backend = Backend(kind, blocked)
    with pytest.raises(ExternalServiceError) as caught:
        backend.open().count()
    assert caught.value.code == "index.qdrant_failed"


@pytest.mark.parametrize(("url", "path"), [(None, None), ("http://qdrant:6333", "var/qdrant")])
def test_the_client_store_needs_exactly_one_location(url: str | None, path: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        ClientChunkStore(url=url, path=path)
    assert caught.value.code == "index.qdrant_location"


# -- writing ---------------------------------------------------------------------------------


def test_documents_report_their_hash_and_chunks(corpus: QdrantStoreBase) -> None:
    expected = sorted(
        (
            IndexedDocument(doc.doc_id, doc.content_hash, len(chunks))
            for doc, chunks in (VIA_HE, CHIEU_SANG, CAT_DIEN, HO_KINH_DOANH)
        ),
        key=lambda indexed: indexed.doc_id,
    )
    assert corpus.documents() == expected
    assert corpus.indexed(A) == IndexedDocument(A, VIA_HE[0].content_hash, 3)
    assert corpus.indexed("qd-9999-khong-co") is None


def test_rewriting_a_document_keeps_its_points(loaded: QdrantStoreBase) -> None:
    write(loaded, *VIA_HE)
    assert loaded.count() == len(ALL_CHUNKS)
    hits = dense_search(loaded, unit(1), DocumentFilter(doc_ids=(A,)))
    assert sorted(ids_of(hits)) == sorted(chunk.chunk_id for chunk in VIA_HE[1])


def test_a_shrunk_document_loses_its_extra_chunks(loaded: QdrantStoreBase) -> None:
    document, chunks = VIA_HE
    amended = replace(document, text=document.text.replace("50.000", "40.000"))
    kept = [chunks[0], replace(chunks[1], text=chunks[1].text.replace("50.000", "40.000"))]
    write(loaded, amended, kept)
    assert loaded.indexed(A) == IndexedDocument(A, amended.content_hash, 2)
    assert loaded.count() == len(ALL_CHUNKS) - 1
    hits = dense_search(loaded, unit(1), DocumentFilter(doc_ids=(A,)))
    assert ids_of(hits)[0] == chunks[1].chunk_id
    assert "40.000 đồng" in hits[0].text
    assert chunks[2].chunk_id not in ids_of(hits)


def test_deleting_a_document_removes_its_chunks(loaded: QdrantStoreBase) -> None:
    assert loaded.delete_document(A) == 3
    assert loaded.delete_document(A) == 0
    assert loaded.delete_document("khong-ton-tai") == 0
    assert loaded.indexed(A) is None
    assert [doc.doc_id for doc in loaded.documents()] == sorted([B, C, D])
    assert loaded.count() == len(ALL_CHUNKS) - 3


def _bad_write(kind: str) -> tuple[object, ...]:
    document, chunks = VIA_HE
    dense, sparse = vectors_of(chunks)
    if kind == "dense width":
        return document, chunks, dense[:, :5], sparse
    if kind == "dense rows":
        return document, chunks, dense[:2], sparse
    if kind == "nan":
        return document, chunks, np.where(dense == 1.0, np.nan, dense), sparse
    if kind == "sparse count":
        return document, chunks, dense, sparse[:2]
    if kind == "foreign chunk":
        return document, [*chunks[:2], CHIEU_SANG[1][0]], dense, sparse
    return document, [chunks[0], chunks[1], replace(chunks[2], ordinal=1)], dense, sparse


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("dense width", "index.dense_shape"),
        ("dense rows", "index.dense_shape"),
        ("nan", "index.dense_not_finite"),
        ("sparse count", "index.sparse_count"),
        ("foreign chunk", "index.chunk_document"),
        ("duplicate ordinal", "index.duplicate_chunk"),
    ],
)
def test_misshapen_writes_are_refused_and_store_nothing(
    backend: Backend, kind: str, code: str
) -> None:
    store = backend.open()
    with pytest.raises(InvalidInput) as caught:
        store.replace_document(*_bad_write(kind))  # type: ignore[arg-type]
    assert caught.value.code == code
    assert store.count() == 0


# -- searching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "dense", "sparse", "first"),
    [
        (SearchMode.DENSE, unit(5), None, 5),
        (SearchMode.SPARSE, None, terms(103), 3),
        (SearchMode.HYBRID, unit(6), terms(106), 6),
        # Dense alone prefers chunk 1, sparse alone names chunk 2: fused, chunk 2 is in both.
        (SearchMode.DENSE, unit(1) + 0.9 * unit(2), terms(102), 1),
        (SearchMode.SPARSE, unit(1) + 0.9 * unit(2), terms(102), 2),
        (SearchMode.HYBRID, unit(1) + 0.9 * unit(2), terms(102), 2),
    ],
)
def test_each_mode_ranks_the_matching_chunk_first(
    corpus: QdrantStoreBase,
    mode: SearchMode,
    dense: np.ndarray | None,
    sparse: SparseVector | None,
    first: int,
) -> None:
    hits = corpus.search(dense=dense, sparse=sparse, mode=mode, where=ALL, limit=3)
    assert hits[0].chunk_id == ALL_CHUNKS[first].chunk_id
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len(hits) <= 3


def test_a_hit_carries_the_citation(corpus: QdrantStoreBase) -> None:
    document, chunks = VIA_HE
    hit = dense_search(corpus, unit(1), limit=1)[0]
    assert hit == SearchHit(
        chunk_id=chunks[1].chunk_id,
        doc_id=A,
        title=document.title,
        number="1234/QĐ-UBND",
        doc_type="Quyết định",
        issuer=THU_DUC,
        issued_on=date(2024, 3, 15),
        path="Chương II, Điều 5, Khoản 2",
        heading="Mức thu phí",
        text="Mức thu phí sử dụng tạm thời vỉa hè để kinh doanh là 50.000 đồng/m²/tháng.",
        score=hit.score,
    )
    undated = dense_search(corpus, unit(6), limit=1)[0]
    assert (undated.doc_id, undated.issued_on, undated.number, undated.path) == (D, None, None, "")


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (ALL, {A, B, C, D}),
        (DocumentFilter(doc_types=("Quyết định",)), {A}),
        (DocumentFilter(doc_types=("Quyết định", "Công văn")), {A, B}),
        (DocumentFilter(doc_types=("Quyet dinh",)), set()),
        (DocumentFilter(issuer=LINH_TRUNG), {C}),
        (DocumentFilter(issuer="Uy ban nhan dan phuong Linh Trung"), set()),
        (DocumentFilter(issued_from=date(2024, 1, 1)), {A, C}),
        (DocumentFilter(issued_to=date(2023, 12, 31)), {B}),
        (DocumentFilter(issued_from=date(2024, 1, 1), issued_to=date(2024, 1, 1)), {C}),
        (DocumentFilter(issued_from=date(2023, 12, 31), issued_to=date(2024, 3, 14)), {B, C}),
        (DocumentFilter(issued_from=date(2024, 3, 16)), set()),
        (DocumentFilter(doc_ids=(A, D)), {A, D}),
        (DocumentFilter(doc_types=("Quyết định",), issued_to=date(2023, 12, 31)), set()),
    ],
)
def test_filters_restrict_every_mode(
    corpus: QdrantStoreBase, where: DocumentFilter, expected: set[str]
) -> None:
    everything = np.ones(DIM, dtype=np.float32)
    for mode in SearchMode:
        hits = corpus.search(
            dense=everything, sparse=terms(COMMON_TERM), mode=mode, where=where, limit=20
        )
        assert {hit.doc_id for hit in hits} == expected, mode


def test_a_stopword_query_falls_back_to_dense_or_finds_nothing(corpus: QdrantStoreBase) -> None:
    empty = SparseVector((), ())
    hybrid = corpus.search(dense=unit(4), sparse=empty, mode=SearchMode.HYBRID, where=ALL, limit=3)
    assert hybrid[0].chunk_id == ALL_CHUNKS[4].chunk_id
    assert (
        corpus.search(dense=unit(4), sparse=empty, mode=SearchMode.SPARSE, where=ALL, limit=3) == []
    )


def test_searching_after_optimize_gives_the_same_answer(loaded: QdrantStoreBase) -> None:
    before = loaded.search(
        dense=unit(2), sparse=terms(102), mode=SearchMode.HYBRID, where=ALL, limit=5
    )
    loaded.optimize()
    after = loaded.search(
        dense=unit(2), sparse=terms(102), mode=SearchMode.HYBRID, where=ALL, limit=5
    )
    assert ids_of(after) == ids_of(before)


@pytest.mark.parametrize(
    ("mode", "dense", "sparse", "limit", "code"),
    [
        (SearchMode.HYBRID, None, terms(101), 5, "index.query_vector_missing"),
        (SearchMode.HYBRID, unit(1), None, 5, "index.query_vector_missing"),
        (SearchMode.DENSE, None, terms(101), 5, "index.query_vector_missing"),
        (SearchMode.SPARSE, unit(1), None, 5, "index.query_vector_missing"),
        (SearchMode.DENSE, np.ones(DIM + 1, dtype=np.float32), None, 5, "index.dense_shape"),
        (SearchMode.DENSE, unit(1), None, 0, "index.query_limit"),
    ],
)
def test_malformed_queries_are_refused(
    backend: Backend,
    mode: SearchMode,
    dense: np.ndarray | None,
    sparse: SparseVector | None,
    limit: int,
    code: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        backend.open().search(dense=dense, sparse=sparse, mode=mode, where=ALL, limit=limit)
    assert caught.value.code == code


# -- shared helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payloads", "expected"),
    [
        (
            [("a", "h1", 2), ("a", "h1", 2), ("b", "h2", 1)],
            [IndexedDocument("a", "h1", 2), IndexedDocument("b", "h2", 1)],
        ),
        # Interrupted rewrites: new chunks written, stale ones not yet deleted.
        ([("a", "h1", 2), ("a", "h2", 2), ("a", "h2", 2)], [IndexedDocument("a", "", 3)]),
        ([("a", "h2", 1), ("a", "h2", 1)], [IndexedDocument("a", "", 2)]),
    ],
)
def test_inconsistent_documents_report_no_hash(
    payloads: list[tuple[str, str, int]], expected: list[IndexedDocument]
) -> None:
    rows = [{"doc_id": d, "content_hash": h, "chunk_count": n} for d, h, n in payloads]
    assert summarize(rows) == expected


def test_edge_store_keeps_an_indexed_shard_under_the_collection_name(tmp_path: Path) -> None:
    store = EdgeChunkStore(tmp_path, "van_ban_2024", dense_dim=DIM)
    store.ensure_collection()
    store.close()
    shard = qe.EdgeShard.load(str(tmp_path / "van_ban_2024"))
    schema = {name: info.data_type for name, info in shard.info().payload_schema.items()}
    shard.close()
    assert schema == {
        "doc_id": qe.PayloadSchemaType.Keyword,
        "doc_type": qe.PayloadSchemaType.Keyword,
        "issuer": qe.PayloadSchemaType.Keyword,
        "issued_on": qe.PayloadSchemaType.Datetime,
    }
