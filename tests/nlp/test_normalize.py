import unicodedata

import pytest

from nlp.normalize import (
    expand_teencode,
    for_model,
    normalize,
    strip_diacritics,
    without_tones,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hoà bình", "hòa bình"),
        ("Thuỷ lợi", "Thủy lợi"),
        ("khoẻ không", "khỏe không"),
        ("hoàng hôn", "hoàng hôn"),  # closed syllable: the mark stays on the last vowel
        ("quý khách", "quý khách"),  # qu + y: not an old-style pair
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("  nhiều   khoảng  trắng \t ", "nhiều khoảng trắng"),
        ("ngập quá !!!", "ngập quá!!!"),
        ("dòng 1\r\n\r\n  dòng 2", "dòng 1\ndòng 2"),
        ("zero\u200bwidth", "zerowidth"),
        ("hoằ oặ", "hòă ọă"),  # breve vowels keep their breve (a fuzzing find)
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_composes_unicode() -> None:
    decomposed = unicodedata.normalize("NFD", "Đường ngập")
    assert decomposed != "Đường ngập"
    assert normalize(decomposed) == "Đường ngập"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ko co dc j", "không co được gì"),
        ("sdt 0909.123.456", "số điện thoại 0909.123.456"),
        ("p.linh trung tp.hcm", "phường linh trung thành phố hồ chí minh"),
        ("p. linh trung, q. 9", "phường linh trung, quận 9"),
        ("q9 p12", "quận 9 phường 12"),
        ("k3 và k", "k3 và không"),  # a glued code is not teencode
        ("mn ơi ngập wa r", "mọi người ơi ngập quá rồi"),
        ("e bj thg kia chích dao, máu ra nhju lắm", "e bị thằng kia chích dao, máu ra nhiều lắm"),
        ("vk e đag sốt, thk nhỏ dag ngủ", "vợ e đang sốt, thằng nhỏ đang ngủ"),
        ("bị nhốt trog xe", "bị nhốt trong xe"),
    ],
)
def test_expand_teencode(raw: str, expected: str) -> None:
    assert expand_teencode(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("e đg ở hầm gửi xe", "e đang ở hầm gửi xe"),
        ("nó đg ngồi trước cửa", "nó đang ngồi trước cửa"),
        ("cháy đg lan qua nhà bên", "cháy đang lan qua nhà bên"),
        ("dg o nha", "đang o nha"),
        # the street: before a name, after a word of place, or before anything else
        ("ngập trên đg Võ Văn Ngân", "ngập trên đường võ văn ngân"),
        ("giữa đg ở hẻm 5 có ổ gà", "giữa đường ở hẻm 5 có ổ gà"),
        ("đèn đg ở hẻm 12 tắt", "đèn đường ở hẻm 12 tắt"),
        ("đg vô khu dân cư lầy lội", "đường vô khu dân cư lầy lội"),
    ],
)
def test_dg_is_dang_before_a_doing_word_and_duong_otherwise(text: str, expected: str) -> None:
    assert for_model(text) == expected


def test_for_model_lowercases_and_expands_but_normalize_keeps_case() -> None:
    text = "Đường Võ Văn Ngân ngập, KO đi dc 😡"
    assert normalize(text) == text
    assert for_model(text) == "đường võ văn ngân ngập, không đi được 😡"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Đường Võ Văn Ngân", "Duong Vo Van Ngan"), ("phường Hiệp Bình", "phuong Hiep Binh")],
)
def test_strip_diacritics(raw: str, expected: str) -> None:
    assert strip_diacritics(raw) == expected


def test_normalize_never_crashes_and_is_idempotent_on_random_vietnamese() -> None:
    import random

    rng = random.Random(7)
    alphabet = (
        "aăâeêioôơuưyđAĂÂĐ \u0300\u0301\u0303\u0309\u0323"
        "àằầèềìòồờùừỳáắấéếíóốớúứý.,!?\n\t😡0123456789"
    )
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        once = normalize(text)
        assert normalize(once) == once
        for_model(text)


def test_the_teencode_table_is_loaded_once() -> None:
    from nlp import normalize

    assert normalize._teencode() is normalize._teencode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("phước", "phươc"), ("Đá", "Đa"), ("Trường Thạnh", "Trương Thanh"), ("abc", "abc")],
)
def test_without_tones_keeps_the_vowel_marks(text: str, expected: str) -> None:
    assert without_tones(text) == expected
