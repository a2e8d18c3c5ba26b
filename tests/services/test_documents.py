"""DocumentIndexService on a real embedded Qdrant shard, real segmentation, fake dense vectors."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.documents import DocumentFilter, SearchMode, SourceDocument
from core.errors import ExternalServiceError, NotFound
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.embed_hashing import HashingEmbedder
from services.documents import DocumentIndexService, IndexReport
from stores.qdrant import EdgeChunkStore

QD_125 = """ỦY BAN NHÂN DÂN PHƯỜNG LINH XUÂN

Số: 125/QĐ-UBND

# QUYẾT ĐỊNH

Ban hành Quy chế tiếp nhận và xử lý phản ánh của người dân

**Điều 1.** Ban hành kèm theo Quyết định này Quy chế tiếp nhận và xử lý phản ánh, kiến nghị
của người dân qua tổng đài 1022 và Zalo của phường.

**Điều 2.** Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng và Trưởng các khu phố
chịu trách nhiệm thi hành Quyết định này.
"""
HD_03 = """ỦY BAN NHÂN DÂN PHƯỜNG HIỆP BÌNH
Số: 03/HD-UBND
HƯỚNG DẪN
Thủ tục đăng ký khai sinh
I. TRÌNH TỰ THỰC HIỆN
Người đi đăng ký khai sinh nộp hồ sơ tại Trung tâm Phục vụ hành chính công phường hoặc nộp
trực tuyến trên Cổng Dịch vụ công quốc gia.
II. THÀNH PHẦN HỒ SƠ
Thành phần hồ sơ gồm:
a) Tờ khai đăng ký khai sinh theo mẫu;
b) Giấy chứng sinh do cơ sở y tế cấp;
c) Thẻ căn cước của người đi đăng ký khai sinh.
III. LỆ PHÍ
Miễn lệ phí đăng ký khai sinh đúng hạn; đăng ký quá hạn nộp lệ phí theo nghị quyết của Hội
đồng nhân dân Thành phố về phí và lệ phí hộ tịch.
"""
# The same guidance without its fee section: one chunk fewer.
HD_03_SHORTER = HD_03[: HD_03.index("III. LỆ PHÍ")]
TB_97 = """<html><head><title>Thông báo tạm ngừng cấp điện</title></head><body>
<p>Số: 97/TB-UBND</p><h1>THÔNG BÁO</h1>
<p>Tạm ngừng cấp điện khu phố 5 và khu phố 6 ngày 29 tháng 3 năm 2026 từ 7 giờ 30 đến 15 giờ
để thay trụ điện trên đường Lê Văn Chí.</p></body></html>
"""
GOOD_IDS = ["vanban/hd-03.txt", "vanban/qd-125.md", "vanban/tb-97.html"]


class CountingEmbedder(HashingEmbedder):
    """The deterministic fake, remembering how many passages each call embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return super().passages(texts)

    @property
    def embedded(self) -> int:
        return sum(self.batches)


class FailingStore(EdgeChunkStore):
    """The real shard, except that writing ``fail_on`` fails as an unreachable Qdrant would."""

    def __init__(self, path: Path, fail_on: str) -> None:
        super().__init__(path, dense_dim=HashingEmbedder().dim)
        self.fail_on = fail_on

    def replace_document(self, document: SourceDocument, *args: Any, **options: Any) -> None:
        if document.doc_id == self.fail_on:
            raise ExternalServiceError("Qdrant failed to write", code="index.qdrant_failed")
        super().replace_document(document, *args, **options)


@pytest.fixture
def chunk_store(tmp_path: Path) -> Iterator[EdgeChunkStore]:
    opened = EdgeChunkStore(tmp_path / "qdrant", dense_dim=HashingEmbedder().dim)
    yield opened
    opened.close()


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def service(chunk_store: EdgeChunkStore, embedder: CountingEmbedder) -> DocumentIndexService:
    return DocumentIndexService(chunk_store, embedder, Bm25Encoder(), StructuralChunker())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good documents, a "PDF" that is not one, an empty file and a spreadsheet."""
    root = tmp_path / "vanban"
    root.mkdir()
    (root / "qd-125.md").write_text(QD_125, encoding="utf-8")
    (root / "hd-03.txt").write_text(HD_03, encoding="utf-8")
    (root / "tb-97.html").write_text(TB_97, encoding="utf-8")
    (root / "scan.pdf").write_text("Đây không phải là tệp PDF", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    (root / "bang-ke.xlsx").write_bytes(b"PK\x03\x04 not a source type")
    return root


def failures(report: IndexReport) -> dict[str, str]:
    return {Path(f.source).name: f.code for f in report.failed}


def test_index_a_folder_reports_every_file(
    service: DocumentIndexService, chunk_store: EdgeChunkStore, folder: Path
) -> None:
    seen: list[tuple[str, str]] = []
    report = service.index_paths(
        [folder], progress=lambda name, outcome: seen.append((name, outcome))
    )
    assert (report.indexed, report.unchanged, report.documents) == (3, 0, 5)
    assert failures(report) == {"scan.pdf": "index.wrong_type", "empty.txt": "index.empty"}
    assert all(f.reason for f in report.failed)
    documents = service.documents()
    assert [d.doc_id for d in documents] == GOOD_IDS
    assert report.chunks == chunk_store.count() == sum(d.chunks for d in documents)
    assert report.chunks > 3  # hd-03 and qd-125 have sections and articles
    assert sorted(seen) == sorted(
        [(str(folder / "empty.txt"), "failed"), (str(folder / "scan.pdf"), "failed")]
        + [(doc_id, "indexed") for doc_id in GOOD_IDS]
    )
    assert set(report.seconds) == {"read", "chunk", "dense", "sparse", "store"}


def test_reindexing_an_unchanged_folder_embeds_nothing(
    service: DocumentIndexService, embedder: CountingEmbedder, folder: Path
) -> None:
    first = service.index_paths([folder])
    embedder.batches.clear()
    again = service.index_paths([folder])
    assert embedder.embedded == 0
    assert (again.indexed, again.unchanged, again.chunks) == (0, 3, 0)
    assert failures(again) == failures(first)


def test_a_changed_file_alone_is_reembedded_and_loses_its_extra_chunks(
    service: DocumentIndexService,
    chunk_store: EdgeChunkStore,
    embedder: CountingEmbedder,
    folder: Path,
) -> None:
    service.index_paths([folder])
    before = chunk_store.indexed("vanban/hd-03.txt")
    assert before is not None
    (folder / "hd-03.txt").write_text(HD_03_SHORTER, encoding="utf-8")
    embedder.batches.clear()
    report = service.index_paths([folder])
    after = chunk_store.indexed("vanban/hd-03.txt")
    assert after is not None and after.chunks < before.chunks
    assert after.content_hash != before.content_hash
    assert (report.indexed, report.unchanged) == (1, 2)
    assert embedder.embedded == report.chunks == after.chunks
    assert chunk_store.count() == sum(d.chunks for d in service.documents())
    hits = chunk_store.search(
        dense=None,
        sparse=Bm25Encoder().query("lệ phí đăng ký quá hạn"),
        mode=SearchMode.SPARSE,
        where=DocumentFilter(doc_ids=("vanban/hd-03.txt",)),
        limit=10,
    )
    assert all("LỆ PHÍ" not in hit.text for hit in hits)


def test_force_reembeds_unchanged_documents(
    service: DocumentIndexService, embedder: CountingEmbedder, folder: Path
) -> None:
    first = service.index_paths([folder])
    embedder.batches.clear()
    forced = service.index_paths([folder], force=True)
    assert (forced.indexed, forced.unchanged) == (3, 0)
    assert embedder.embedded == forced.chunks == first.chunks


def test_delete_removes_a_document_and_refuses_an_unknown_id(
    service: DocumentIndexService, chunk_store: EdgeChunkStore, folder: Path
) -> None:
    service.index_paths([folder])
    held = chunk_store.indexed("vanban/tb-97.html")
    assert held is not None
    assert service.delete("vanban/tb-97.html") == held.chunks
    assert [d.doc_id for d in service.documents()] == GOOD_IDS[:2]
    for unknown in ("vanban/tb-97.html", "vanban/khong-co.pdf"):
        with pytest.raises(NotFound) as caught:
            service.delete(unknown)
        assert caught.value.code == "index.document_not_found"


def test_jsonl_keeps_ids_and_metadata_and_reports_bad_lines_by_number(
    service: DocumentIndexService, chunk_store: EdgeChunkStore, tmp_path: Path
) -> None:
    good = {
        "id": "qd-48",
        "title": "Quyết định thành lập Tổ công tác trật tự đô thị",
        "text": "Điều 1. Thành lập Tổ công tác trật tự đô thị phường Linh Xuân gồm 12 thành viên.",
        "metadata": {"number": "48/QĐ-UBND", "doc_type": "Quyết định",
                     "issuer": "UBND phường Linh Xuân", "issued_on": "2026-01-15"},
    }  # fmt: skip
    lines = [
        json.dumps(good, ensure_ascii=False),
        "{không phải json",
        json.dumps({"id": "tb-12", "title": "Lịch tiếp công dân"}, ensure_ascii=False),
        "",
        json.dumps({"id": "x", "text": "Thông báo", "metadata": {"issued_on": "15/01/2026"}}),
        json.dumps({"id": "tb-12", "text": "Chủ tịch UBND phường tiếp công dân sáng thứ Năm."},
                   ensure_ascii=False),
    ]  # fmt: skip
    path = tmp_path / "vanban.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = service.index_jsonl(path)
    assert (report.indexed, report.unchanged) == (2, 0)
    assert [f.code for f in report.failed] == ["index.bad_record"] * 3
    assert [f.reason.split(": ")[0] for f in report.failed] == [f"{path}:{n}" for n in (2, 3, 5)]
    assert [d.doc_id for d in service.documents()] == ["qd-48", "tb-12"]
    hit = chunk_store.search(
        dense=HashingEmbedder().queries(["tổ công tác"])[0],
        sparse=None,
        mode=SearchMode.DENSE,
        where=DocumentFilter(doc_ids=("qd-48",)),
        limit=1,
    )[0]
    assert (hit.number, hit.doc_type, hit.issuer) == (
        "48/QĐ-UBND",
        "Quyết định",
        "UBND phường Linh Xuân",
    )
    assert hit.issued_on is not None and hit.issued_on.isoformat() == "2026-01-15"
    assert hit.title == good["title"]


@pytest.mark.parametrize(("batch_chunks", "batches"), [(64, [5]), (2, [2, 2, 1])])
def test_small_documents_share_embedding_batches(
    chunk_store: EdgeChunkStore,
    embedder: CountingEmbedder,
    tmp_path: Path,
    batch_chunks: int,
    batches: list[int],
) -> None:
    wards = ["Hiệp Bình", "Linh Xuân", "Tam Bình", "Thủ Đức", "Linh Trung"]
    path = tmp_path / "lich.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"tb-{i}", "text": f"Lịch tiếp công dân của UBND phường {ward}."},
                       ensure_ascii=False) + "\n"
            for i, ward in enumerate(wards)
        ),
        encoding="utf-8",
    )  # fmt: skip
    service = DocumentIndexService(
        chunk_store, embedder, Bm25Encoder(), StructuralChunker(), batch_chunks=batch_chunks
    )
    report = service.index_jsonl(path)
    assert (report.indexed, report.chunks) == (5, 5)
    assert embedder.batches == batches


def test_a_store_failure_ends_the_run_and_the_next_run_resumes(
    embedder: CountingEmbedder, folder: Path, tmp_path: Path
) -> None:
    """A store that fails is an outage, not a bad document: the error surfaces, nothing is lost."""
    flaky = FailingStore(tmp_path / "qdrant", fail_on="vanban/qd-125.md")
    failing = DocumentIndexService(flaky, embedder, Bm25Encoder(), StructuralChunker())
    with pytest.raises(ExternalServiceError) as caught:
        failing.index_paths([folder])
    assert caught.value.code == "index.qdrant_failed"
    assert [d.doc_id for d in flaky.documents()] == ["vanban/hd-03.txt"]  # written before it
    flaky.close()
    healthy = EdgeChunkStore(tmp_path / "qdrant", dense_dim=HashingEmbedder().dim)
    try:
        service = DocumentIndexService(healthy, embedder, Bm25Encoder(), StructuralChunker())
        report = service.index_paths([folder])
        assert (report.indexed, report.unchanged) == (2, 1)
        assert [d.doc_id for d in healthy.documents()] == GOOD_IDS
    finally:
        healthy.close()
