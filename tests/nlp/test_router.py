from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.settings import PROJECT_DIR
from core.errors import ModelUnavailable
from core.reference import ReferenceData
from nlp.normalize import for_model, strip_diacritics
from nlp.router import UNCLEAR, CategoryRouter, load_router

MODEL = PROJECT_DIR / "models" / "router"


@pytest.fixture(scope="module")
def router(reference: ReferenceData) -> CategoryRouter:
    r = CategoryRouter(MODEL, reference.routing)
    r.warm_up()
    return r


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay", "thoat_nuoc"),
        ("Karaoke hát tới 2 giờ sáng, cả xóm không ngủ được", "tieng_on"),
        ("Mất điện từ sáng tới giờ chưa có lại", "dien"),
        ("Rác chất đống mấy ngày không ai thu gom, bốc mùi hôi thối", "moi_truong"),
    ],
)
def test_clear_cases_route_with_and_without_diacritics(
    router: CategoryRouter, text: str, category: str
) -> None:
    for variant in (text, strip_diacritics(text)):
        r = router.route(for_model(variant), ward=None)
        assert r.category == category
        assert len(r.alternatives) == 3
        assert r.category not in {a.label for a in r.alternatives}
        assert 0.0 < r.confidence <= 1.0
        assert r.confidence >= max(a.score for a in r.alternatives)
        assert r.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Như đã báo tuần trước, tới giờ vẫn chưa thấy ai xuống",
        "Lại nữa rồi đó mọi người ơi",
        "Nhờ phường xuống xem giúp số 27 đường Lê Văn Việt",
        "Ngay cổng trường tiểu học luôn á, phường xem lại đi",
        "Chào anh chị, em có việc cần phường hỗ trợ ạ",
    ],
)
def test_a_report_that_names_no_problem_waits_for_triage(router: CategoryRouter, text: str) -> None:
    assert UNCLEAR in router.model.classes
    for variant in (text, strip_diacritics(text)):
        r = router.route(for_model(variant), ward=None)
        assert r.confidence < 0.45  # the default routing threshold
        assert r.category != UNCLEAR and UNCLEAR not in {a.label for a in r.alternatives}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Lại ngập nữa rồi mọi người ơi", "thoat_nuoc"),
        ("Cúp điện nữa rồi", "dien"),
        ("Karaoke lại hát nữa rồi", "tieng_on"),
        ("Như hình, ổ gà to đùng giữa đường Kha Vạn Cân", "ha_tang_duong"),
    ],
)
def test_a_short_report_that_names_its_problem_is_still_routed(
    router: CategoryRouter, text: str, category: str
) -> None:
    for variant in (text, strip_diacritics(text)):
        r = router.route(for_model(variant), ward=None)
        assert r.category == category and r.confidence >= 0.45


def test_explanation_shows_words_as_the_citizen_wrote_them(router: CategoryRouter) -> None:
    r = router.route(for_model("Đường Võ Văn Ngân ngập sâu sau cơn mưa"), ward=None)
    assert "ngập" in r.explanation
    assert "ngap" not in r.explanation


def test_department_follows_the_ward(router: CategoryRouter) -> None:
    text = for_model("Trộm xe máy ngay trước nhà, đề nghị công an vào cuộc")
    assert router.route(text, ward="Hiệp Bình").department == "ca_hiep_binh"
    assert router.route(text, ward="An Khánh").department == "ca_an_khanh"


def test_text_with_no_known_feature_still_gets_an_answer(router: CategoryRouter) -> None:
    r = router.route("zzzz qqqq", ward=None)
    assert r.category in router.model.classes
    assert r.explanation == ()


def test_missing_model_names_the_rebuild_command(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="langnghe train router"):
        load_router(tmp_path)


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_model_names_the_rebuild_command(tmp_path: Path, damage: str) -> None:
    target = tmp_path / "router"
    shutil.copytree(MODEL, target)
    npz = target / "router.npz"
    data = npz.read_bytes()
    middle = len(data) // 2
    flipped = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
    npz.write_bytes(data[:middle] if damage == "truncate" else flipped)
    with pytest.raises(ModelUnavailable, match=r"corrupt.*langnghe train router"):
        load_router(target)


def test_model_without_the_current_analyzer_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "router"
    shutil.copytree(MODEL, target)
    meta_path = target / "router.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["analyzer"]  # as written before the features were versioned
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    with pytest.raises(ModelUnavailable, match=r"before versioning.*langnghe train router"):
        load_router(target)


def test_explanation_leaves_out_the_address(router: CategoryRouter) -> None:
    text = for_model("Rác chất đống trên đường Võ Văn Ngân")
    r = router.route(text, ward=None, places=["Võ Văn Ngân"])
    assert "rác" in r.explanation
    assert not any("võ" in w or "ngân" in w for w in r.explanation)
