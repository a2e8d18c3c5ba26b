from __future__ import annotations

import pytest

from nlp import features
from nlp.normalize import for_model, strip_diacritics


def test_families_of_a_short_text() -> None:
    feats = features.analyze(for_model("Đường ngập nước"))
    assert [f for f in feats if f[0] in "wb"] == [
        "w:đường",
        "w:ngập",
        "w:nước",
        "b:đường|ngập",
        "b:ngập|nước",
    ]
    assert [f for f in feats if f[0] in "st"] == [
        "s:duong",
        "s:ngap",
        "s:nuoc",
        "t:duong_ngap",
        "t:ngap_nuoc",
    ]
    assert {"c: nga", "c:ngap ", "c:nuo"} <= set(feats)


@pytest.mark.parametrize(
    "text",
    ["Cống nghẹt, nước tràn vô nhà 😭", "Hẻm 12/3 Võ Văn Ngân mất điện từ 5h sáng!!!"],
)
def test_text_without_diacritics_shares_every_diacritic_free_feature(text: str) -> None:
    plain = {f for f in features.analyze(for_model(strip_diacritics(text))) if f[0] in "stc"}
    written = {f for f in features.analyze(for_model(text)) if f[0] in "stc"}
    assert plain == written


def test_punctuation_and_emoji_make_no_feature() -> None:
    feats = features.analyze(for_model("!!! 😭😭 ..."))
    assert feats == []


def test_readable_shows_syllables_as_the_text_wrote_them() -> None:
    text = for_model("Đường ngập nước")
    as_written = features.syllables_as_written(text)
    assert features.readable("b:ngập|nước", as_written) == "ngập nước"
    assert features.readable("t:ngap_nuoc", as_written) == "ngập nước"
    assert features.readable("c:ngap", as_written) is None
