from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ModelUnavailable
from core.types import Label
from nlp.normalize import strip_diacritics
from nlp.profanity import DATA_FILE, ProfanityLexicon, at_least_offensive


@pytest.fixture(scope="module")
def lexicon() -> ProfanityLexicon:
    return ProfanityLexicon.load()


def clean(p: float = 0.8) -> Label:
    return Label("clean", p, {"clean": p, "offensive": (1 - p) / 2, "hate": (1 - p) / 2})


@pytest.mark.parametrize(
    "text",
    [
        "Đm, đường Kha Vạn Cân ngập nữa rồi",  # abbreviations, masked or not
        "đ.m cái hố ga này ai chịu trách nhiệm",
        "vcl đèn đường tắt cả tháng",
        "V.C.L rác ngập hẻm",
        "dkm xe rác không tới",
        "cán bộ gì mà khốn nạn vậy",  # words with their marks
        "bọn súc vật xả rác xuống kênh",
        "làm ăn như c*t",  # masked
    ],
)
def test_profanity_is_found_with_and_without_diacritics(
    lexicon: ProfanityLexicon, text: str
) -> None:
    assert lexicon.find(text) is not None
    assert lexicon.find(strip_diacritics(text)) is not None


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Đường gì mà như cứt, ổ gà nối ổ voi", "cứt"),  # "cut": "cụt" (hẻm cụt)
        ("Đề nghị không cho bọn hạ đẳng đó thuê trọ", "hạ đẳng"),  # "ha dang": "Hà Đăng"
        ("dân ở đó mọi rợ lắm", "mọi rợ"),
        ("lũ cặn bã đổ trộm xà bần", "cặn bã"),
        ("thằng điên nào chạy xe kiểu đó", "thằng điên"),
        ("đéo ai quan tâm hết", "đéo"),  # "deo": "đeo" (to wear)
        ("thằng chó nào đổ xà bần trước nhà tôi", "thằng chó"),  # "thang cho": "tháng cho"
        ("đồ ngu, làm cái cống cũng không xong", "đồ ngu"),  # "do ngu": "đồ ngủ"
    ],
)
def test_words_whose_marks_carry_the_meaning_need_them(
    lexicon: ProfanityLexicon, text: str, word: str
) -> None:
    assert lexicon.find(text) == word
    assert lexicon.find(strip_diacritics(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "deo biet phuong lam gi ma de rac nhu vay",  # only typed without marks
        "bon suc vat nao do rac truoc cua",
        "khon nan that su, ngap ca tuan",
    ],
)
def test_ascii_forms_count_only_in_text_typed_without_marks(
    lexicon: ProfanityLexicon, text: str
) -> None:
    assert lexicon.find(text) is not None
    assert lexicon.find(text + " 😡") is not None  # an emoji is no diacritic


@pytest.mark.parametrize(
    "text",
    [
        "Con chó nhà hàng xóm sủa cả đêm",  # look-alikes
        "Hẻm cụt cuối đường số 11 ngập tới gối",
        "Anh Hà Đăng ở hẻm 5 báo mất điện",
        "Vụ án man rợ ở Long Phước đã có người bị bắt",  # 'man rợ' tells of a crime too
        "Điện lực cắt điện cả ngày",
        "Mua hạt óc chó ở chợ Thủ Đức",
        "mua hat oc cho o cho Thu Duc",
        "Nhớ đeo khẩu trang khi đi đổ rác",
        "deo khau trang khi di do rac nhe",
        "Đừng đổ cho người khác, do cho ai cũng vậy",
        "Chung cư cc Sky9 mất nước, cửa hàng DMX gần đó cũng vậy",  # "cc": chung cư
        "Phim hay vl, mọi người đi xem đi",  # "vl" is left out (praise in ViHSD)
        "Nồi lẩu đụng đáy rồi",
        "co ong cu lang thang ngu ngoai tram xe buyt",
        "be 8 thang ngu day thi khoc, mua do ngu cho be",
        "Liên hệ khoa.dm@thuduc.gov.vn hoặc dm.lan@gmail.com",
        "",
    ],
)
def test_look_alikes_are_no_profanity(lexicon: ProfanityLexicon, text: str) -> None:
    assert lexicon.find(text) is None, text


def test_clean_becomes_offensive_with_the_lexicons_confidence(lexicon: ProfanityLexicon) -> None:
    label = at_least_offensive(clean(0.8), "vcl ngập hoài", lexicon)
    assert label is not None
    assert (label.label, label.score) == ("offensive", lexicon.confidence)
    assert sum(label.scores.values()) == pytest.approx(1.0)
    assert label.scores["clean"] > label.scores["hate"]  # the rest keeps its proportions


def test_other_answers_are_left_as_they_are(lexicon: ProfanityLexicon) -> None:
    hate = Label("hate", 0.7, {"clean": 0.1, "offensive": 0.2, "hate": 0.7})
    assert at_least_offensive(hate, "đm bọn nó", lexicon) is hate
    sure = clean()
    assert at_least_offensive(sure, "Đường ngập quá trời", lexicon) is sure
    assert at_least_offensive(None, "đm", lexicon) is None


def test_a_broken_lexicon_fails_at_start_and_says_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / "profanity.json"
    broken.write_text(DATA_FILE.read_text(encoding="utf-8")[:50], encoding="utf-8")
    with pytest.raises(ModelUnavailable, match="restore it from git"):
        ProfanityLexicon.load(broken)
    with pytest.raises(ModelUnavailable, match="missing"):
        ProfanityLexicon.load(tmp_path / "absent.json")
