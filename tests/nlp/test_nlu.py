"""The chatbot NLU: intents with the committed model, slot extractors, rules and load errors.

Quality numbers live in ``eval/nlu_eval.py``; these tests pin behaviour on clear messages, each
as written and without diacritics.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from core.errors import InvalidInput, ModelUnavailable
from core.reference import ReferenceData
from nlp.nlu import INTENTS, NluFeaturizer, NluParser, NluResult
from nlp.nlu_slots import (
    DOSSIER_TOKEN,
    PhraseMatcher,
    find_dossier_codes,
    find_feedback_ref,
    fold,
    load_lexicon,
    prepare,
)
from nlp.normalize import strip_diacritics

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.fixture(scope="module")
def parser(reference: ReferenceData) -> NluParser:
    return NluParser.load(MODELS / "nlu", reference)


@pytest.fixture(scope="module")
def featurizer(reference: ReferenceData) -> NluFeaturizer:
    return NluFeaturizer.from_reference(reference)


def both(text: str) -> list[str]:
    """The message as written and without diacritics."""
    return [text, strip_diacritics(text)]


INTENT_CASES = [
    ("chào bot", "citizen", "greeting_help", {}),
    ("/start", "citizen", "greeting_help", {}),
    ("giúp tôi với", "citizen", "greeting_help", {}),
    ("bạn làm được gì", "citizen", "greeting_help", {}),
    ("hồ sơ H29.202-250315-0012 của tôi tới đâu rồi?", "citizen", "dossier_status",
     {"dossier_code": "H29.202-250315-0012"}),
    ("cho hỏi hồ sơ số biên nhận 000.00.24.h29-240315-0012", "citizen", "dossier_status",
     {"dossier_code": "000.00.24.H29-240315-0012"}),
    ("hồ sơ của tôi nộp tuần trước sao chưa có kết quả", "citizen", "dossier_status", {}),
    ("làm giấy khai sinh cần gì?", "citizen", "procedure_question",
     {"procedure": "birth_registration"}),
    ("đăng ký kết hôn cần mang những giấy tờ gì", "citizen", "procedure_question",
     {"procedure": "marriage_registration"}),
    ("đường Võ Văn Ngân ngập sâu quá", "citizen", "submit_feedback", {"category": "thoat_nuoc"}),
    ("karaoke nhà bên hát tới 1 giờ sáng, ồn không ngủ được", "citizen", "submit_feedback",
     {"category": "tieng_on"}),
    ("phản ánh PA-2026-000123 xử lý chưa", "citizen", "feedback_status",
     {"feedback_ref": "PA-2026-000123"}),
    ("phản ánh của tôi sao rồi", "citizen", "feedback_status", {}),
    ("tuần này phường Hiệp Bình có bao nhiêu phản ánh ngập nước?", "official",
     "analytics_question",
     {"category": "thoat_nuoc", "metric": "count", "ward": "Hiệp Bình", "period": "this_week"}),
    ("thống kê số phản ánh về rác thải tháng này", "official", "analytics_question",
     {"category": "moi_truong", "metric": "count", "period": "this_month"}),
    ("cảm ơn bạn nhiều", "citizen", "other", {}),
    ("bot ngu quá", "citizen", "other", {}),
    ("vay tiền online lãi suất thấp, giải ngân trong ngày", "citizen", "other", {}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "role", "intent", "slots"), INTENT_CASES)
def test_intent_and_slots_with_and_without_diacritics(
    parser: NluParser, text: str, role: str, intent: str, slots: dict[str, str]
) -> None:
    for variant in both(text):
        result = parser.parse(variant, role=role)
        assert (result.intent, result.slots) == (intent, slots), variant
        assert 0.0 < result.confidence <= 1.0


def test_every_intent_is_exercised() -> None:
    assert {case[2] for case in INTENT_CASES} == set(INTENTS)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("H29.202-250315-0012", "H29.202-250315-0012"),
        ("000.00.24.H29-240315-0012", "000.00.24.H29-240315-0012"),
        ("G22.99-250101-0003", "G22.99-250101-0003"),
        ("h29.202-250315-0012", "H29.202-250315-0012"),
        ("g22.99 - 250917 - 0021", "G22.99-250917-0021"),
        ("000 . 00 . 24 . h29 - 250610 - 0345", "000.00.24.H29-250610-0345"),
        ("H29.202 250726 0451", "H29.202-250726-0451"),
        ("H29.202–260207–0190", "H29.202-260207-0190"),  # en dashes
        ("H29.202‐250901‐0777", "H29.202-250901-0777"),  # Unicode hyphens
        ("H29.210-250228-000156", "H29.210-250228-000156"),
    ],
)
def test_dossier_code_formats_are_canonicalised(
    parser: NluParser, raw: str, canonical: str
) -> None:
    assert find_dossier_codes(f"mã hồ sơ {raw} sao rồi") == [canonical]
    for text in both(f"Dạ cho em hỏi, biên nhận số {raw}, hồ sơ xong chưa ạ"):
        assert parser.parse(text).slots["dossier_code"] == canonical


@pytest.mark.parametrize(
    "text",
    [
        "hồ sơ số 0012 của tôi sao rồi",
        "ho so so 250315 0012 sao roi",  # no agency part: "so" is a word, not a code
        "gọi tôi số 0909 123 456 nhé",
        "nộp hôm 15/03/2025 lúc 9 giờ",
        "phường 12 250315 0012",
    ],
)
def test_no_dossier_code_where_there_is_none(text: str) -> None:
    assert find_dossier_codes(text) == []


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("phản ánh PA-2026-000123 xử lý chưa", "PA-2026-000123"),
        ("pa-2026-000056 tới đâu rồi", "PA-2026-000056"),
        ("pa 2026 123 đã có ai xuống chưa", "PA-2026-000123"),
        ("PA2026000789 xong chua", "PA-2026-000789"),
        ("pa.2026.000998 sao roi", "PA-2026-000998"),
        ("PA/2026/000940 có kết quả chưa", "PA-2026-000940"),
        ("mã PA-2026-1234567 của tôi", "PA-2026-1234567"),
        ("phản ánh số 2026-000123 sao rồi", None),  # without "PA": a year and a number
        ("năm 2026 có 123 phản ánh", None),
        ("mua pa 1999 123 cái", None),
    ],
)
def test_feedback_references(text: str, ref: str | None) -> None:
    assert find_feedback_ref(text) == ref


def test_codes_become_placeholders_for_the_model(featurizer: NluFeaturizer) -> None:
    prep = featurizer.prepare("hs h29.202-250315-0012 sao r")
    assert prep.folded == f"ho so {DOSSIER_TOKEN} sao roi"
    assert prep.dossier_codes == ("H29.202-250315-0012",)


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        ("làm căn cước cho con 10 tuổi được không", "citizen_id"),
        ("mất căn cước thì cấp lại ở đâu", "citizen_id"),  # the paper alone names it
        ("mang căn cước đi làm giấy khai sinh cho bé", "birth_registration"),
        ("khai sinh cho con khi chưa đăng ký kết hôn", "birth_registration"),
        ("sao y hộ khẩu và căn cước cần gì", "certified_copy"),
        ("xin lý lịch tư pháp số 1 ở đâu", "criminal_record"),
        ("sang tên sổ hồng mất mấy ngày", "land_transfer"),
        ("nhập hộ khẩu cho con về nhà ông bà", "permanent_residence"),
        ("xin giấy phép xây dựng nhà 3 tầng", "construction_permit"),
        ("mở hộ kinh doanh bán tạp hóa", "household_business"),
        ("lam cccd mat bao lau", "citizen_id"),
        ("báo tử có làm online được không", "death_registration"),
    ],
)
def test_procedure_slot(featurizer: NluFeaturizer, text: str, procedure: str) -> None:
    for variant in both(text):
        assert featurizer.procedure(featurizer.prepare(variant)) == procedure, variant


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("bao nhiêu phản ánh tiếng ồn tuần qua", "tieng_on"),
        ("thống kê phản ánh mất điện tháng này", "dien"),
        ("số phản ánh sóng điện thoại yếu", "vien_thong"),  # "điện thoại" is not "điện"
        ("phường Long Trường có bao nhiêu phản ánh", None),  # a ward, not a school
        ("số phản ánh tuần này", None),
    ],
)
def test_analytics_category_by_keywords(parser: NluParser, text: str, category: str | None) -> None:
    for variant in both(text):
        result = parser.parse(variant, role="official")
        assert result.intent == "analytics_question", variant
        assert result.slots.get("category") == category, variant


def test_dossier_statistics_have_no_feedback_category(parser: NluParser) -> None:
    result = parser.parse("thống kê hồ sơ thủ tục hành chính tháng này", role="official")
    assert result.intent == "analytics_question"
    assert "category" not in result.slots


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("/start@LangNgheBot", "greeting_help"),
        ("/hoso H29.202-250112-0033", "dossier_status"),
        ("chào bot ạ", "greeting_help"),
        ("ok cảm ơn nha", "other"),
        ("Phản ánh", "submit_feedback"),
        ("👍", "other"),
        ("H29.202-250801-0500", "dossier_status"),
        ("PA-2026-000777", "feedback_status"),
    ],
)
def test_rules_are_certain(parser: NluParser, text: str, intent: str) -> None:
    result = parser.parse(text)
    assert (result.intent, result.confidence) == (intent, 1.0)


@pytest.mark.parametrize(
    "text", ["tôi muốn gửi phản ánh", "cho mình báo một chuyện với", "toi can khieu nai gap"]
)
def test_a_complaint_that_names_no_problem_has_no_category(parser: NluParser, text: str) -> None:
    result = parser.parse(text)
    assert result.intent == "submit_feedback"
    assert "category" not in result.slots


def test_today_is_accepted_and_result_is_frozen(parser: NluParser) -> None:
    result = parser.parse("chào bot", today=date(2026, 3, 15))
    assert isinstance(result, NluResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "other"  # type: ignore[misc]


def test_unknown_role_is_refused(parser: NluParser) -> None:
    with pytest.raises(InvalidInput) as err:
        parser.parse("chào bot", role="admin")
    assert err.value.code == "nlu.unknown_role"


def test_missing_model_names_the_rebuild_command(tmp_path: Path, reference: ReferenceData) -> None:
    with pytest.raises(ModelUnavailable) as err:
        NluParser.load(tmp_path / "nlu", reference, router_dir=MODELS / "router")
    assert "langnghe train nlu" in str(err.value)
    assert err.value.code == "nlu.missing"


def test_corrupt_model_names_the_rebuild_command(tmp_path: Path, reference: ReferenceData) -> None:
    target = tmp_path / "nlu"
    shutil.copytree(MODELS / "nlu", target)
    meta = json.loads((target / "nlu.json").read_text(encoding="utf-8"))
    (target / "nlu.json").write_text(json.dumps(meta | {"sha256": "0" * 64}), encoding="utf-8")
    with pytest.raises(ModelUnavailable) as err:
        NluParser.load(target, reference, router_dir=MODELS / "router")
    assert "langnghe train nlu" in str(err.value)
    assert err.value.code == "nlu.corrupt"


def test_model_of_another_feature_set_is_refused(tmp_path: Path, reference: ReferenceData) -> None:
    target = tmp_path / "nlu"
    shutil.copytree(MODELS / "nlu", target)
    meta = json.loads((target / "nlu.json").read_text(encoding="utf-8"))
    (target / "nlu.json").write_text(json.dumps(meta | {"feature_set": "nlu-0"}), "utf-8")
    with pytest.raises(ModelUnavailable, match="langnghe train nlu"):
        NluParser.load(target, reference, router_dir=MODELS / "router")


def test_phrases_match_whole_syllables_longest_first() -> None:
    matcher = PhraseMatcher([("điện", "dien"), ("điện thoại", None), ("ngập", "thoat_nuoc")])
    assert matcher.find(fold("Cúp điện, điện thoại hết pin, đường ngập")) == [
        "dien",
        "thoat_nuoc",
    ]
    assert matcher.find(fold("ngapxe dienx")) == []


def test_lexicon_expands_chat_abbreviations() -> None:
    prep = prepare("hs cua e ko dc j", load_lexicon())
    assert prep.folded == "ho so cua e khong duoc gi"
