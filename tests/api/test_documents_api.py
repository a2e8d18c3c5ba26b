"""GET /api/v1/documents/search over HTTP: a real shard filled by the indexer, fake vectors."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from app.container import Container
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.embed_hashing import HashingEmbedder
from services.documents import DocumentIndexService
from services.search import MAX_QUERY_CHARS, SearchService
from stores.qdrant import EdgeChunkStore

URL = "/api/v1/documents/search"
MARKUP = "Thẻ căn cước <b>bản gốc</b> & giấy tờ <script>alert(1)</script> kèm theo"
RECORDS = [
    {
        "id": "hd-03",
        "title": "Hướng dẫn thủ tục đăng ký khai sinh",
        "metadata": {"number": "03/HD-UBND", "doc_type": "Hướng dẫn",
                     "issuer": "UBND phường Hiệp Bình", "issued_on": "2026-02-24"},
        "text": (
            "I. TRÌNH TỰ THỰC HIỆN\n"
            "Người đi đăng ký khai sinh nộp hồ sơ tại Trung tâm Phục vụ hành chính công phường "
            "hoặc nộp trực tuyến trên Cổng Dịch vụ công quốc gia.\n"
            "II. THÀNH PHẦN HỒ SƠ\n"
            "Thành phần hồ sơ gồm: tờ khai đăng ký khai sinh theo mẫu; giấy chứng sinh do cơ sở "
            "y tế cấp; thẻ căn cước của người đi đăng ký khai sinh."
        ),
    },
    {
        "id": "ct-02",
        "title": "Chỉ thị chấn chỉnh tiếng ồn karaoke",
        "metadata": {"number": "02/CT-UBND", "doc_type": "Chỉ thị",
                     "issuer": "UBND phường Hiệp Bình", "issued_on": "2026-01-10"},
        "text": "Các cơ sở karaoke không được gây ồn sau 22 giờ; tổ tuần tra có mặt trong 30 phút.",
    },
    {
        "id": "qd-125",
        "title": "Quyết định ban hành Quy chế tiếp nhận phản ánh",
        "metadata": {"number": "125/QĐ-UBND", "doc_type": "Quyết định",
                     "issuer": "UBND phường Linh Xuân", "issued_on": "2026-03-16"},
        "text": "Điều 1. Phạm vi\nQuy chế tiếp nhận phản ánh qua tổng đài 1022 và Zalo của phường.",
    },
    {
        "id": "tb-markup",
        "title": "Thông báo giấy tờ cần mang theo",
        "metadata": {"doc_type": "Thông báo", "issuer": "UBND phường Linh Xuân",
                     "issued_on": "2026-03-20"},
        "text": MARKUP,
    },
]  # fmt: skip
HIT_FIELDS = {
    "doc_id", "title", "number", "type", "issuer", "issued_on", "path", "heading", "citation",
    "snippet", "snippet_html", "highlights", "score",
}  # fmt: skip


@pytest.fixture(scope="module")
def search_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    root = tmp_path_factory.mktemp("documents-api")
    store = EdgeChunkStore(root / "qdrant", dense_dim=HashingEmbedder().dim)
    source = root / "vanban.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8"
    )
    report = DocumentIndexService(
        store, HashingEmbedder(), Bm25Encoder(), StructuralChunker()
    ).index_jsonl(source)
    assert (report.indexed, report.failed) == (len(RECORDS), [])
    yield SearchService(store, HashingEmbedder(), Bm25Encoder())
    store.close()


@pytest.fixture
def client(container: Container, search_service: SearchService) -> Iterator[TestClient]:
    app = create_app(container.feedback, container.reference, search_service)
    with TestClient(app) as c:
        yield c


def test_search_returns_hits_with_citation_and_marked_snippet(client: TestClient) -> None:
    response = client.get(URL, params={"q": "thành phần hồ sơ đăng ký khai sinh"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["query"] == "thành phần hồ sơ đăng ký khai sinh" and body["mode"] == "hybrid"
    assert body["took_ms"] >= 0
    first = body["hits"][0]
    assert set(first) == HIT_FIELDS
    assert first["doc_id"] == "hd-03" and first["path"] == "Mục II"
    assert (first["number"], first["type"], first["issued_on"]) == (
        "03/HD-UBND", "Hướng dẫn", "2026-02-24",
    )  # fmt: skip
    assert first["citation"] == "Hướng dẫn 03/HD-UBND, Mục II"
    assert "<mark>khai</mark> <mark>sinh</mark>" in first["snippet_html"]
    assert all(
        html.unescape(first["snippet"][a:b]).lower() in {"thành", "phần", "hồ", "sơ", "đăng",
                                                          "ký", "khai", "sinh"}
        for a, b in first["highlights"]
    )  # fmt: skip
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_snippet_html_escapes_the_document_text(client: TestClient) -> None:
    hits = client.get(URL, params={"q": "thẻ căn cước bản gốc", "type": "Thông báo"}).json()["hits"]
    assert [h["doc_id"] for h in hits] == ["tb-markup"]
    found = hits[0]
    assert "<b>bản gốc</b>" in found["snippet"]  # the plain snippet is the text as written
    marked = found["snippet_html"]
    assert "<b>" not in marked and "<script>" not in marked
    assert "&lt;b&gt;<mark>bản</mark> <mark>gốc</mark>&lt;/b&gt;" in marked
    assert "&amp; giấy tờ &lt;script&gt;alert(1)&lt;/script&gt;" in marked
    assert "<mark>căn</mark> <mark>cước</mark>" in marked
    assert found["citation"] == "Thông báo giấy tờ cần mang theo"  # no number: the title


@pytest.mark.parametrize(
    ("params", "doc_ids"),
    [
        ({"type": "Chỉ thị"}, {"ct-02"}),
        ({"type": ["Chỉ thị", "Quyết định"]}, {"ct-02", "qd-125"}),
        ({"issuer": "UBND phường Linh Xuân"}, {"qd-125", "tb-markup"}),
        ({"issued_from": "2026-02-01", "issued_to": "2026-03-16"}, {"hd-03", "qd-125"}),
        ({"issued_to": "2026-01-10"}, {"ct-02"}),
        ({"type": "Nghị quyết"}, set()),
    ],
)
def test_filters(client: TestClient, params: dict[str, object], doc_ids: set[str]) -> None:
    response = client.get(URL, params={"q": "đăng ký khai sinh", "limit": 50, **params})
    assert response.status_code == 200, response.text
    assert {h["doc_id"] for h in response.json()["hits"]} == doc_ids


@pytest.mark.parametrize("mode", ["hybrid", "dense", "sparse"])
def test_modes_and_limit(client: TestClient, mode: str) -> None:
    body = client.get(URL, params={"q": "karaoke ồn sau 22 giờ", "mode": mode, "limit": 1}).json()
    assert body["mode"] == mode
    assert [h["doc_id"] for h in body["hits"]] == ["ct-02"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": ""}, "search.query_empty"),
        ({"q": "   "}, "search.query_empty"),
        ({"q": "ngập nước " * 200}, "search.query_too_long"),
        ({"q": "?!..."}, "search.query_no_words"),
        ({"q": "khai sinh", "issued_from": "2026-03-01", "issued_to": "2026-02-01"},
         "search.dates_reversed"),
        ({}, "request.invalid"),
        ({"q": "x" * (2 * MAX_QUERY_CHARS + 1)}, "request.invalid"),
        ({"q": "khai sinh", "limit": 0}, "request.invalid"),
        ({"q": "khai sinh", "limit": 101}, "request.invalid"),
        ({"q": "khai sinh", "mode": "fuzzy"}, "request.invalid"),
        ({"q": "khai sinh", "issued_from": "15/01/2026"}, "request.invalid"),
    ],
)  # fmt: skip
def test_bad_requests_are_422_with_a_code(
    client: TestClient, params: dict[str, object], code: str
) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


def test_without_a_search_service_the_route_is_absent(container: Container) -> None:
    with TestClient(create_app(container.feedback, container.reference)) as client:
        response = client.get(URL, params={"q": "khai sinh"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "request.not_found"
