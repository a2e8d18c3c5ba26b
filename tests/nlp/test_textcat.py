from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.settings import PROJECT_DIR
from core.errors import InvalidInput, ModelUnavailable
from nlp import features
from nlp.linear import LinearTextModel
from nlp.normalize import for_model, strip_diacritics
from nlp.textcat import (
    FEATURE_SET,
    TASKS,
    Label,
    TextCategorizer,
    surface_features,
    textcat_for,
)

MODELS = PROJECT_DIR / "models"


def _tiny_model(
    directory: Path, feature_set: str = FEATURE_SET, analyzer: str = features.ANALYZER
) -> TextCategorizer:
    """A hand-built two-class model: 'ngập' means relevant, 'bóng' irrelevant."""
    names = ("s:ngap", "s:bong", "x:len1")
    model = LinearTextModel(
        classes=("relevant", "irrelevant"),
        names=names,
        idf=np.ones(len(names)),
        coef=np.array([[2.0, -2.0, 0.0], [-2.0, 2.0, 0.0]]),
        intercept=np.zeros(2),
        temperature=1.0,
        version="tiny-1",
        meta={},
    )
    model.save(directory, "tiny", {"feature_set": feature_set, "analyzer": analyzer})
    return TextCategorizer(directory, "tiny", "langnghe train tiny")


def test_classify_returns_a_calibrated_label_over_all_classes(tmp_path: Path) -> None:
    cat = _tiny_model(tmp_path)
    cat.warm_up()
    r = cat.classify(for_model("Ngập"))
    assert isinstance(r, Label)
    assert r.label == "relevant"
    assert set(r.scores) == {"relevant", "irrelevant"}
    assert sum(r.scores.values()) == pytest.approx(1.0)
    assert r.score == r.scores[r.label] == max(r.scores.values())
    assert cat.classify(for_model("bóng")).label == "irrelevant"


def test_shared_features_give_the_same_answer(tmp_path: Path) -> None:
    cat = _tiny_model(tmp_path)
    text = for_model("Đường ngập quá")
    assert cat.classify(text, features.analyze(text)) == cat.classify(text)


def test_unknown_words_still_get_an_answer(tmp_path: Path) -> None:
    r = _tiny_model(tmp_path).classify("zzzz qqqq")
    assert r.label in ("relevant", "irrelevant")
    assert 0.0 < r.score <= 1.0


def test_missing_model_names_the_rebuild_command(tmp_path: Path) -> None:
    cat = textcat_for(tmp_path, "sentiment")
    with pytest.raises(ModelUnavailable, match="langnghe train sentiment"):
        cat.warm_up()


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_model_names_the_rebuild_command(tmp_path: Path, damage: str) -> None:
    cat = _tiny_model(tmp_path)
    npz = tmp_path / "tiny.npz"
    data = npz.read_bytes()
    middle = len(data) // 2
    flipped = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    npz.write_bytes(data[:middle] if damage == "truncate" else flipped)
    with pytest.raises(ModelUnavailable, match=r"corrupt.*langnghe train tiny"):
        cat.warm_up()


def test_model_of_another_feature_set_is_refused(tmp_path: Path) -> None:
    cat = _tiny_model(tmp_path, feature_set="analyze-only")
    with pytest.raises(ModelUnavailable, match=r"feature set.*langnghe train tiny"):
        cat.warm_up()


def test_model_trained_on_other_analyze_features_is_refused(tmp_path: Path) -> None:
    """A model from before ``features.ANALYZER`` (underthesea words) would read the wrong ids."""
    cat = _tiny_model(tmp_path, analyzer="underthesea-words")
    with pytest.raises(ModelUnavailable, match=r"underthesea-words.*langnghe train tiny"):
        cat.warm_up()


def test_unknown_task_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown"):
        textcat_for(tmp_path, "sarcasm")


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Vay nhanh, gọi 0909 123 456 hoặc vào https://vay.vn", {"x:phone", "x:url"}, set()),
        ("gọi +84 909.123.456 nha", {"x:phone"}, {"x:url"}),
        ("Đường ngập quá 😭😭 :((", {"x:emoji=😭", "x:emoticon=:(("}, {"x:phone"}),
        ("Mất nước từ sáng?", {"x:punct?", "x:len2"}, {"x:punct!"}),
        ("Số nhà 12, hẻm 45", {"x:len2"}, {"x:phone", "x:long_number"}),
    ],
)
def test_surface_features(text: str, expected: set[str], absent: set[str]) -> None:
    feats = set(surface_features(for_model(text)))
    assert expected <= feats
    assert not absent & feats


# --- the committed models: a handful of obvious cases, with and without diacritics ----------

OBVIOUS = {
    "sentiment": [
        ("Cảm ơn phường đã xử lý rất nhanh, gia đình tôi rất hài lòng", "positive"),
        ("Rác bốc mùi hôi thối cả tuần không ai dọn, quá bức xúc", "negative"),
        ("Cán bộ thái độ quá tệ, chờ cả buổi không giải quyết", "negative"),
        ("Xin hỏi bộ phận một cửa làm việc sáng thứ Bảy không ạ", "neutral"),
    ],
    "toxicity": [
        ("Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay", "clean"),
        ("Xin hỏi thủ tục đăng ký khai sinh cho con", "clean"),
        ("Đồ ngu như chó, câm mồm đi thằng óc lợn", "offensive|hate"),
    ],
    "spam": [
        ("Vay tiền nhanh không thế chấp, giải ngân trong ngày, liên hệ 0909 123 456", "spam"),
        ("Nhà cái uy tín tặng 100k cho thành viên mới, nạp rút siêu tốc", "spam"),
        ("Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay", "not_spam"),
        ("Xin hỏi thủ tục sang tên sổ hồng khi mua bán nhà đất", "not_spam"),
    ],
    "relevance": [
        ("Rác chất đống ở đầu hẻm cả tuần không ai thu gom", "relevant"),
        ("Đèn giao thông ở ngã tư bị hư, kẹt xe kinh khủng", "relevant"),
        ("Cách làm thịt kho trứng ngon đúng vị miền Nam", "irrelevant"),
        ("Tối qua đội nhà thắng 2-1 ở phút bù giờ, quá đã", "irrelevant"),
    ],
}


@pytest.fixture(scope="module")
def committed() -> dict[str, TextCategorizer]:
    out = {}
    for task in TASKS:
        cat = textcat_for(MODELS, task)
        cat.warm_up()
        out[task] = cat
    return out


@pytest.mark.parametrize(
    ("task", "text", "expected"),
    [(task, text, expected) for task, cases in OBVIOUS.items() for text, expected in cases],
)
def test_obvious_cases_with_and_without_diacritics(
    committed: dict[str, TextCategorizer], task: str, text: str, expected: str
) -> None:
    cat = committed[task]
    assert cat.classes == TASKS[task]
    for variant in (text, strip_diacritics(text)):
        r = cat.classify(for_model(variant))
        assert r.label in expected.split("|"), (variant, r)


def test_committed_models_record_their_feature_set_and_classes() -> None:
    for task, classes in TASKS.items():
        meta = json.loads((MODELS / task / f"{task}.json").read_text(encoding="utf-8"))
        assert meta["feature_set"] == FEATURE_SET
        assert meta["analyzer"] == features.ANALYZER
        assert tuple(meta["classes"]) == classes
        assert (MODELS / task / "CARD.md").is_file()


def test_committed_model_files_stay_small() -> None:
    for task in TASKS:
        size = sum(p.stat().st_size for p in (MODELS / task).iterdir())
        assert size <= 25 * 1024 * 1024, (task, size)


def test_a_copied_model_folder_loads_anywhere(tmp_path: Path) -> None:
    shutil.copytree(MODELS / "spam", tmp_path / "spam")
    cat = textcat_for(tmp_path, "spam")
    cat.warm_up()
    assert cat.classes == TASKS["spam"]
