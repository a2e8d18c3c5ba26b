"""BM25 sparse vectors over real underthesea segments: terms, ids, matching, saturation."""

from __future__ import annotations

import pytest

from core.documents import SparseVector
from indexer.sparse import Bm25Encoder, has_diacritics, term_id


@pytest.fixture(scope="module")
def encoder() -> Bm25Encoder:
    return Bm25Encoder()


def dot(query: SparseVector, passage: SparseVector) -> float:
    """The BM25 score before IDF: what Qdrant multiplies by each term's IDF and sums."""
    weights = dict(zip(passage.indices, passage.values, strict=True))
    return sum(v * weights.get(i, 0.0) for i, v in zip(query.indices, query.values, strict=True))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ngập_nước", 1179853740),
        ("~ngap", 977461244),
        ("khai_sinh", 97755550),
        ("§khai", 1301165082),
        ("1234/qđ-ubnd", 830550227),
    ],
)
def test_term_ids_are_fixed_crc32_values(term: str, expected: int) -> None:
    # Stored vectors outlive the process: an id that changed would silently match nothing.
    assert term_id(term) == expected
    assert 0 <= term_id(term) < 2**31


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Đường Võ Văn Ngân ngập sâu",
            ["đường", "võ_văn_ngân", "§võ", "§văn", "§ngân", "ngập", "sâu"],
        ),
        (
            "Cúp điện khu phố 3 từ sáng",
            ["cúp", "điện", "khu_phố", "§khu", "§phố", "3", "từ", "sáng"],
        ),
        (
            "Lệ phí chứng thực bản sao: 2.000 đồng/trang",
            [
                "lệ_phí",
                "§lệ",
                "§phí",
                "chứng_thực",
                "§chứng",
                "§thực",
                "bản_sao",
                "§bản",
                "§sao",
                "2.000",
                "đồng",
                "trang",
            ],
        ),
    ],
)
def test_terms_are_lower_cased_words_then_their_syllables(
    encoder: Bm25Encoder, text: str, expected: list[str]
) -> None:
    assert encoder.terms(text) == expected


def test_passages_hold_folded_syllables_and_a_plain_query_only_those(
    encoder: Bm25Encoder,
) -> None:
    passage = set(encoder.passage("Đường Võ Văn Ngân ngập nước").indices)
    assert {term_id("ngập"), term_id("~ngap"), term_id("~ngan"), term_id("võ_văn_ngân")} <= passage
    query = set(encoder.query("ngập nước").indices)
    assert {term_id("ngập"), term_id("~ngap")} <= query
    plain = set(encoder.query("ngap nuoc").indices)
    assert plain == {term_id("~ngap"), term_id("~nuoc")}  # no word terms: segmentation is a guess


@pytest.mark.parametrize(
    ("query", "passage"),
    [
        ("lam giay khai sinh", "Thủ tục đăng ký khai sinh cho trẻ em dưới 6 tuổi"),
        ("le phi chung thuc ban sao", "Lệ phí chứng thực bản sao: 2.000 đồng/trang"),
        ("lệ phi chung thuc ban sao", "Lệ phí chứng thực bản sao: 2.000 đồng/trang"),
        ("karaoke on sau 22 gio", "Quán karaoke gây ồn sau 22 giờ đêm"),
        ("duong vo van ngan ngap sau", "Đường Võ Văn Ngân ngập sâu sau mưa"),
    ],
)
def test_a_query_typed_without_diacritics_matches_the_passage(
    encoder: Bm25Encoder, query: str, passage: str
) -> None:
    assert dot(encoder.query(query), encoder.passage(passage)) > 0
    assert dot(encoder.query(query), encoder.passage("Mất điện cả khu phố từ sáng")) == 0


def test_a_partly_accented_query_matches_its_plain_syllables(encoder: Bm25Encoder) -> None:
    query = set(encoder.query("lệ phi chung thuc ban sao").indices)
    assert {term_id("~chung"), term_id("~thuc"), term_id("~le"), term_id("lệ")} <= query


def test_exact_spelling_outscores_a_folded_match(encoder: Bm25Encoder) -> None:
    query = encoder.query("phở bò")
    exact = dot(query, encoder.passage("Quán phở bò đầu hẻm"))
    folded = dot(query, encoder.passage("Quán phố bộ đầu hẻm"))
    assert exact > folded


@pytest.mark.parametrize("text", ["", "   \n", "?!...", "— … ;", "(*) / - ''"])
def test_punctuation_only_text_gives_an_empty_vector(encoder: Bm25Encoder, text: str) -> None:
    assert encoder.passage(text) == SparseVector(indices=(), values=())
    assert encoder.query(text) == SparseVector(indices=(), values=())


def test_vectors_are_sorted_unique_and_aligned(encoder: Bm25Encoder) -> None:
    vector = encoder.passage("Khu phố 3 ngập, khu phố 4 ngập, khu phố 5 cũng ngập nước")
    assert list(vector.indices) == sorted(set(vector.indices))
    assert all(v > 0 for v in vector.values)


def test_bm25_weight_grows_with_repeats_but_saturates() -> None:
    # str.split keeps every passage exactly 40 terms long, so only the term frequency moves.
    encoder = Bm25Encoder(words=str.split)
    target = term_id("ngập")

    def weight(repeats: int) -> float:
        vector = encoder.passage(" ".join(["ngập"] * repeats + ["sâu"] * (40 - repeats)))
        return dict(zip(vector.indices, vector.values, strict=True))[target]

    weights = [weight(n) for n in (1, 2, 5, 20, 39)]
    assert weights == sorted(weights) and len(set(weights)) == len(weights)
    assert weights[-1] < encoder.k1 + 1  # the ceiling of tf·(k1+1)/(tf+norm)
    assert weights[-1] - weights[-2] < weights[1] - weights[0]  # diminishing returns
    norm = 1.2 * (1 - 0.75 + 0.75 * 40 / 200)
    assert weights[0] == pytest.approx(2.2 / (1 + norm))


def test_a_longer_passage_weighs_each_occurrence_less() -> None:
    encoder = Bm25Encoder(words=str.split)
    short = encoder.passage("ngập sâu")
    long = encoder.passage("ngập " + "sâu " * 300)

    def weight(vector: SparseVector) -> float:
        return dict(zip(vector.indices, vector.values, strict=True))[term_id("ngập")]

    assert weight(short) > weight(long)


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("Căn cứ Quyết định 1234/QĐ-UBND về ngập nước", "1234/qđ-ubnd"),
        ("Số: 03/HD-UBND ngày 24 tháng 02 năm 2026", "03/hd-ubnd"),
        ("theo Nghị định số 63/2024/NĐ-CP của Chính phủ", "63/2024/nđ-cp"),
        ("Thông tư 12/2025/TT-BTC.", "12/2025/tt-btc"),
    ],
)
def test_document_symbols_stay_whole(encoder: Bm25Encoder, text: str, symbol: str) -> None:
    assert symbol in encoder.terms(text)
    passage = encoder.passage(text)
    assert dot(encoder.query(symbol.upper()), passage) > 0


def test_only_the_exact_reference_matches(encoder: Bm25Encoder) -> None:
    passage = encoder.passage("Quyết định 1234/QĐ-UBND về ngập nước")
    assert dot(encoder.query("1234/QĐ-UBND"), passage) > 0
    assert dot(encoder.query("1234/qd-ubnd"), passage) > 0  # typed without diacritics
    assert dot(encoder.query("1235/QĐ-UBND"), passage) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Điều 5/ Khoản 2", ["điều", "5", "khoản", "2"]),  # a space after "/": no symbol
        ("cha và/hoặc mẹ", ["cha", "và", "hoặc", "mẹ"]),  # no digit: words, not a symbol
    ],
)
def test_slashes_between_words_are_not_symbols(
    encoder: Bm25Encoder, text: str, expected: list[str]
) -> None:
    assert encoder.terms(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ngập nước", True), ("ngap nuoc", False), ("Đà Lạt", True), ("khai sinh", False)],
)
def test_has_diacritics(text: str, expected: bool) -> None:
    assert has_diacritics(text) is expected
