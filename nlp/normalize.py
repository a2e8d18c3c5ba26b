"""Text normalisation: one Unicode form, one tone-mark convention, clean spacing, teencode expanded.

Two outputs matter: ``normalize`` keeps what the citizen wrote (only cleaned) and is what staff
read; ``for_model`` also lowercases and expands teencode and abbreviations, and is what models see.

    >>> normalize("Đường  ngập   quá!!!  hoà   ")
    'Đường ngập quá!!! hòa'
    >>> for_model("ko co dc j het, sdt 0909")
    'không có được gì hết, số điện thoại 0909'
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"

# Old-style tone placement ("hoà", "thuỷ") rewritten to the traditional one ("hòa", "thủy") that
# underthesea and most Vietnamese text use. Only open syllables change: "hoàng" keeps its mark.
_TONES = {
    "o": ("òóỏõọ", "aăe"),
    "O": ("ÒÓỎÕỌ", "aăeAĂE"),
    "u": ("ùúủũụ", "y"),
    "U": ("ÙÚỦŨỤ", "yY"),
}
_TONED_TAIL = {
    "a": "àáảãạ", "ă": "ằắẳẵặ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ",
    "A": "ÀÁẢÃẠ", "Ă": "ẰẮẲẴẶ", "E": "ÈÉẺẼẸ", "Y": "ỲÝỶỸỴ",
}  # fmt: skip
_OLD_STYLE = re.compile(
    r"(?<![qQ])([oOuU])([àáảãạằắẳẵặèéẻẽẹỳýỷỹỵÀÁẢÃẠẰẮẲẴẶÈÉẺẼẸỲÝỶỸỴ])(?![^\W\d_])"
)

#: The five tone marks (grave, acute, tilde, hook above, dot below) as combining characters.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")


_TONE_OF = {toned: (base, i) for base, row in _TONED_TAIL.items() for i, toned in enumerate(row)}


def _fix_tone(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    base, tone_index = _TONE_OF[second]
    marks, allowed_tails = _TONES[first]
    if base not in allowed_tails:
        return match.group(0)
    return marks[tone_index] + base


def normalize(text: str) -> str:
    """NFC, traditional tone marks, no control characters, single spaces; case and words kept."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", _OLD_STYLE.sub(_fix_tone, text))
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return text.strip()


def without_tones(text: str) -> str:
    """``text`` without its tone marks, its vowel marks kept: "phước" → "phươc", "đá" → "đa"."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))


def _strip_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x1EFA):
        base = "".join(
            c for c in unicodedata.normalize("NFD", chr(code)) if unicodedata.category(c) != "Mn"
        )
        if base != chr(code) and len(base) == 1:
            table[code] = base
    for code in range(0x300, 0x370):  # stray combining marks
        table[code] = None
    return table


_STRIP = _strip_table()


def strip_diacritics(text: str) -> str:
    """'Đường ngập' -> 'Duong ngap' (for matching text typed without diacritics)."""
    return text.translate(_STRIP)


@dataclass(frozen=True, slots=True)
class _Teencode:
    words: dict[str, str]
    word: re.Pattern[str]
    dotted: re.Pattern[str]
    dotted_map: dict[str, str]
    numbered: re.Pattern[str]
    numbered_map: dict[str, str]


def has_diacritics(text: str) -> bool:
    """Whether any letter of ``text`` carries a Vietnamese diacritic (or is đ)."""
    return strip_diacritics(text) != text


@lru_cache(maxsize=1)
def _teencode() -> _Teencode:
    with (_DATA / "teencode.json").open(encoding="utf-8") as f:
        doc = json.load(f)
    dotted = "|".join(sorted(map(re.escape, doc["dotted"]), key=len, reverse=True))
    numbered = "|".join(sorted(map(re.escape, doc["numbered"]), key=len, reverse=True))
    words = sorted((w for w in doc["words"] if _WORD.fullmatch(w)), key=len, reverse=True)
    return _Teencode(
        words=dict(doc["words"]),
        # the listed words as whole words (``_WORD``): only a listed word calls back into Python
        word=re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)"),
        dotted=re.compile(rf"(?<![^\W_])({dotted})\.\s*(?=[^\W_])"),
        dotted_map=dict(doc["dotted"]),
        numbered=re.compile(rf"(?<![^\W_])({numbered})(\d+)(?![^\W_])"),
        numbered_map=dict(doc["numbered"]),
    )


def expand_teencode(text: str) -> str:
    """Replace common teencode and abbreviations, token by token, in lowercased text."""
    tc = _teencode()
    text = tc.dotted.sub(lambda m: tc.dotted_map[m.group(1)] + " ", text)
    text = tc.numbered.sub(lambda m: f"{tc.numbered_map[m.group(1)]} {m.group(2)}", text)
    return tc.word.sub(lambda m: tc.words[m.group(0)], text)


# "đg" is mostly "đường" in what citizens write ("đg vô khu dân cư", teencode.json), but "đang"
# before a word of doing or being ("e đg ở hầm", "nó đg ngồi trước cửa"), unless a word of place
# comes before it ("giữa đg ngập").
_DG_ONGOING = re.compile(
    r"(?=[đd]g(?!\w))"  # first, so that the lookbehinds run only where "đg" stands
    r"(?<!\w)(?<!giữa )(?<!giua )(?<!trên )(?<!tren )(?<!lề )(?<!mặt )(?<!lòng )(?<!bên )"
    r"(?<!ben )(?<!qua )(?<!ra )(?<!đầy )(?<!chặn )(?<!đèn )(?<!den )"
    r"[đd]g(?=\s+(?:ở|o|làm|lam|ngồi|ngoi|đứng|nằm|ăn|đánh|danh|chơi|choi|cầm|cháy|lan|dâng|chờ|"
    r"đợi|học|hoc|ngủ|hóng|hong|thiếu|thieu|sửa|tìm|kẹt|mắc|bốc|chảy|rò|xả|nói|noi|xem|coi|"
    r"cần|sấy|say|giận|buồn|buon|vui|mệt|met|đau|dau|sốt|sot|khóc|khoc|kêu|keu|la|hát|hat|"
    r"nhậu|nhau|chạy|bơi|trốn|kiếm|đọc|viết|nghe|chụp|quay|livestream|dùng|xài|thi|bận|ban)"
    r"(?!\w))"
)


def for_model(text: str) -> str:
    """The text models see: normalised, lowercased, teencode expanded, newlines as spaces."""
    lowered = normalize(text).lower().replace("\n", " ")
    return expand_teencode(_DG_ONGOING.sub("đang", lowered))
