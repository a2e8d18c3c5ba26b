"""What the Qdrant chunk store conformance suite runs on: backends and a hand-made corpus.

Vectors are tiny and chosen by hand (dimension 8): chunk number ``i`` of the corpus has the
dense vector e_i and the sparse terms {100 + i, COMMON_TERM}, so a query names its answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import qdrant_edge as qe
from qdrant_client import QdrantClient, models

from core.documents import Chunk, DocumentMetadata, SourceDocument, SparseVector
from stores.qdrant import ClientChunkStore, EdgeChunkStore
from stores.qdrant.base import QdrantStoreBase

DIM = 8
COMMON_TERM = 1
BACKENDS = ["edge", "client-path", "client-memory"]
PERSISTENT = ["edge", "client-path"]

THU_DUC = "Ủy ban nhân dân thành phố Thủ Đức"
LINH_TRUNG = "Ủy ban nhân dân phường Linh Trung"


def _document(
    doc_id: str, title: str, meta: DocumentMetadata, parts: list[tuple[str, str, str]]
) -> tuple[SourceDocument, list[Chunk]]:
    text = "\n".join(body for _, _, body in parts)
    document = SourceDocument(doc_id, title, text, meta, source=f"van-ban/{doc_id}.pdf")
    chunks, start = [], 0
    for ordinal, (path, heading, body) in enumerate(parts):
        chunks.append(Chunk(doc_id, ordinal, path, heading, body, start, start + len(body)))
        start += len(body) + 1
    return document, chunks


VIA_HE = _document(
    "qd-1234-ubnd-2024",
    "Quyết định ban hành Quy chế quản lý, sử dụng tạm thời vỉa hè trên địa bàn thành phố Thủ Đức",
    DocumentMetadata(
        "1234/QĐ-UBND",
        "Quyết định",
        THU_DUC,
        date(2024, 3, 15),
        "Quy chế quản lý vỉa hè",
        "Chủ tịch",
    ),
    [
        (
            "Chương I, Điều 1",
            "Phạm vi điều chỉnh",
            "Quy chế này quy định việc sử dụng tạm thời một phần vỉa hè ngoài mục đích giao thông.",
        ),
        (
            "Chương II, Điều 5, Khoản 2",
            "Mức thu phí",
            "Mức thu phí sử dụng tạm thời vỉa hè để kinh doanh là 50.000 đồng/m²/tháng.",
        ),
        (
            "Chương III, Điều 9",
            "Tổ chức thực hiện",
            "Ủy ban nhân dân các phường kiểm tra, xử lý vi phạm trật tự lòng đường, vỉa hè.",
        ),
    ],
)
CHIEU_SANG = _document(
    "cv-567-qldt-2023",
    "Công văn về việc khắc phục chiếu sáng công cộng và ngập nước",
    DocumentMetadata("567/QLĐT", "Công văn", "Phòng Quản lý đô thị", date(2023, 12, 31)),
    [
        (
            "",
            "",
            "Đề nghị sửa chữa 12 trụ đèn chiếu sáng công cộng hư hỏng trên đường Võ Văn Ngân.",
        ),
        ("", "", "Khảo sát điểm ngập nước trên đường Kha Vạn Cân sau các cơn mưa lớn."),
    ],
)
CAT_DIEN = _document(
    "tb-89-linhtrung-2024",
    "Thông báo lịch tạm ngừng cung cấp điện",
    DocumentMetadata("89/TB-UBND", "Thông báo", LINH_TRUNG, date(2024, 1, 1)),
    [("Mục I", "Lịch cắt điện", "Khu phố 3 phường Linh Trung ngừng cấp điện từ 7 giờ đến 15 giờ.")],
)
HO_KINH_DOANH = _document(
    "hd-hokinhdoanh",
    "Hướng dẫn đăng ký hộ kinh doanh",
    DocumentMetadata(doc_type="Hướng dẫn", issuer="Phòng Kinh tế"),
    [("", "", "Hồ sơ đăng ký hộ kinh doanh nộp tại bộ phận một cửa của Ủy ban nhân dân phường.")],
)
CORPUS = [VIA_HE, CHIEU_SANG, CAT_DIEN, HO_KINH_DOANH]
#: Chunk number i of the corpus (the index of its vectors).
ALL_CHUNKS = [chunk for _, chunks in CORPUS for chunk in chunks]


def unit(i: int) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[i] = 1.0
    return vector


def terms(*ids: int) -> SparseVector:
    return SparseVector(tuple(ids), tuple(1.0 for _ in ids))


def vectors_of(chunks: list[Chunk]) -> tuple[np.ndarray, list[SparseVector]]:
    """The corpus vectors of ``chunks`` (by their place in ``ALL_CHUNKS``, by ordinal if new)."""
    numbers = [_number(chunk) for chunk in chunks]
    dense = np.stack([unit(i) for i in numbers]) if numbers else np.zeros((0, DIM), np.float32)
    return dense, [terms(100 + i, COMMON_TERM) for i in numbers]


def _number(chunk: Chunk) -> int:
    for i, known in enumerate(ALL_CHUNKS):
        if (known.doc_id, known.ordinal) == (chunk.doc_id, chunk.ordinal):
            return i
    raise KeyError(chunk)


def write(store: QdrantStoreBase, document: SourceDocument, chunks: list[Chunk]) -> None:
    dense, sparse = vectors_of(chunks)
    store.replace_document(document, chunks, dense, sparse)


def write_corpus(store: QdrantStoreBase) -> None:
    for document, chunks in CORPUS:
        write(store, document, chunks)


@dataclass
class Backend:
    """Opens stores of one kind on one location and closes them all at the end of a test."""

    kind: str
    root: Path
    opened: list[QdrantStoreBase] = field(default_factory=list)

    def open(self, dense_dim: int = DIM, collection: str = "documents") -> QdrantStoreBase:
        store: QdrantStoreBase
        if self.kind == "edge":
            store = EdgeChunkStore(self.root, collection, dense_dim=dense_dim)
        else:
            path = ":memory:" if self.kind == "client-memory" else str(self.root)
            store = ClientChunkStore(path=path, collection=collection, dense_dim=dense_dim)
        self.opened.append(store)
        return store

    def open_foreign(
        self, collection: str, size: int, distance: str, sparse: str | None
    ) -> QdrantStoreBase:
        """A store (dimension DIM) on a collection made with the vendor API.

        ``distance`` is "Cosine" or "Dot"; ``sparse`` is None (no sparse vector), "plain" or "idf".
        """
        if self.kind == "edge":
            qe.EdgeShard.create(
                str(self.root / collection), _edge_config(size, distance, sparse)
            ).close()
            return self.open(collection=collection)
        client = (
            QdrantClient(location=":memory:")
            if self.kind == "client-memory"
            else (QdrantClient(path=str(self.root)))
        )
        client.create_collection(collection, **_client_config(size, distance, sparse))
        store = self.open(collection=collection)
        if self.kind == "client-memory":
            store._connect = lambda: client  # type: ignore[attr-defined]  # one in-memory engine
        else:
            client.close()
        return store

    def close_all(self) -> None:
        for store in self.opened:
            store.close()


def _edge_config(size: int, distance: str, sparse: str | None) -> qe.EdgeConfig:
    modifier = {"idf": qe.Modifier.Idf, "plain": None}
    return qe.EdgeConfig(
        vectors={"dense": qe.EdgeVectorParams(size=size, distance=getattr(qe.Distance, distance))},
        sparse_vectors={}
        if sparse is None
        else {"bm25": qe.EdgeSparseVectorParams(modifier=modifier[sparse])},
    )


def _client_config(size: int, distance: str, sparse: str | None) -> dict[str, object]:
    modifier = {"idf": models.Modifier.IDF, "plain": None}
    return {
        "vectors_config": {
            "dense": models.VectorParams(size=size, distance=models.Distance(distance))
        },
        "sparse_vectors_config": None
        if sparse is None
        else {"bm25": models.SparseVectorParams(modifier=modifier[sparse])},
    }
