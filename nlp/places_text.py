"""Folded text and phrase matching, the ground ``nlp.places`` works on.

Every pattern runs over the ``normalize``d text folded to lowercase without diacritics,
*position for position*, so a match is cut from the text as the citizen wrote it:
"duong vo van ngan" gives the street "vo van ngan", "Đường Võ Văn Ngân" gives "Võ Văn Ngân".
``for_model`` is not used, because its teencode turns "hem 12" into "không 12". ``_Lexicon``
checks the spelling where diacritics were typed ("cầu", not "câu").

    >>> fold("Đường Số 8")
    'duong so 8'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from nlp.normalize import TONE_MARKS, normalize, without_tones

__all__ = ["fold"]

_LETTERS = re.compile(r"[^\W\d_]+(?!\w)")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x41, 0x1F00):
        low = chr(code).lower()
        if len(low) != 1:
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFD", low) if unicodedata.category(c) != "Mn"
        )
        base = base.replace("đ", "d")
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lowercase without diacritics, one character for one: 'Đường Số 8' -> 'duong so 8'."""
    return text.translate(_FOLD)


def _squash(text: str) -> str:
    return re.sub(r"[\s.]+", "", text)


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# a syllable's last letter typed three times or more for emphasis ("TAM BÌNHHH ƠIII", "an
# khanhhh"); not inside a word ("CCCD") nor in one without a vowel before it ("PCCC", "III")
_VOWELS = "aeiouyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_STRETCHED = re.compile(
    rf"(?<![^\W\d_])([^\W\d_]*?[{_VOWELS}][^\W\d_]*?)(([^\W\d_])\3{{2,}})(?![^\W\d_])",
    re.IGNORECASE,
)


def _unstretch(m: re.Match[str]) -> str:
    """The letter once, the rest blanked (the text keeps its length for the offsets)."""
    run = m.group(2)
    return m.group(1) + run[0] + " " * (len(run) - 1)


@dataclass(frozen=True, slots=True)
class _Text:
    """One text as written (``orig``) and folded (``folded``, same length)."""

    orig: str
    folded: str
    plain: bool  # < 30 % of the words carry diacritics: "duong" may stand for "đường"
    cased: bool  # has upper- and lowercase letters: a capital then marks a name

    @classmethod
    def of(cls, text: str) -> _Text:
        orig = _STRETCHED.sub(_unstretch, normalize(text))
        folded = fold(orig)
        cased = any(c.islower() for c in orig) and any(c.isupper() for c in orig)
        words = [m.span() for m in _LETTERS.finditer(folded)]
        marked = sum(orig[s:e].lower() != folded[s:e] for s, e in words)
        return cls(orig, folded, marked < 0.3 * len(words) or not words, cased)

    def typed_plain(self, start: int, end: int) -> bool:
        return self.orig[start:end].lower() == self.folded[start:end]

    def capital(self, pos: int) -> bool:
        return self.cased and self.orig[pos : pos + 1].isupper()


class _Lexicon:
    """Phrases matched on folded text. Where the citizen typed diacritics the phrase must be
    spelled as listed: per phrase for names (``words=False``: "Tam Đa" but not "tâm Đà"), per
    text for common words (``words=True``: "duong" is "đường" only in a text typed mostly
    without diacritics, since "dương" is another word)."""

    def __init__(
        self,
        phrases: Iterable[str],
        *,
        words: bool,
        exact: bool = False,
        open_end: bool = False,
        digit_end: bool = False,
    ) -> None:
        self.words = words
        self.spellings: dict[str, set[str]] = {}
        self.spelled_words: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            key = _squash(fold(phrase))
            self.spellings.setdefault(key, set()).add(_squash(normalize(phrase).lower()))
            self.spelled_words.setdefault(key, set()).add(tuple(normalize(phrase).lower().split()))
        escaped = {re.escape(fold(p)) for p in phrases}
        if not exact:
            escaped = {re.sub(r"(?:\\ |\\\.)+", r"[\\s.]*", p) for p in escaped}
        alternation = "|".join(sorted(escaped, key=len, reverse=True))
        # ``digit_end``: a digit may be typed onto the end ("P.Linh Trung2", "P.Binh Chieu3")
        end = "" if open_end else r"(?![^\W\d_])" if digit_end else r"(?!\w)"
        self.pattern = re.compile(rf"(?:{alternation}){end}")
        self.anywhere = re.compile(rf"(?<!\w)(?:{alternation}){end}")

    def spelled(self, t: _Text, start: int, end: int) -> bool:
        written = t.orig[start:end].lower()
        if t.plain or (not self.words and written == t.folded[start:end]):
            return True
        listed = self.spellings.get(_squash(t.folded[start:end]), ())
        if _squash(written) in listed:
            return True
        # a name typed with some of its marks left out, none wrong ("Thao Đien", "Linh Xuan"),
        # or with a tone mark on the syllable's other vowel ("Phứơc" for Phước; "normalize"
        # already moves old-style marks: "Hoà" → "Hòa")
        return not self.words and any(
            _marks_left_out(_squash(written), s) or _tone_moved(_squash(written), s) for s in listed
        )

    def nearly_spelled(self, t: _Text, start: int, end: int) -> bool:
        """Spelled as listed but for the marks of one word ("Thạnh Mỹ Lơi" for Thạnh Mỹ Lợi)."""
        written = tuple(t.orig[start:end].lower().split())
        return any(
            len(words) == len(written)
            and sum(a != b for a, b in zip(words, written, strict=True)) == 1
            for words in self.spelled_words.get(_squash(t.folded[start:end]), ())
        )

    def match(self, t: _Text, pos: int) -> int | None:
        """The end of a listed phrase starting at ``pos``, or None."""
        m = self.pattern.match(t.folded, pos)
        return m.end() if m and self.spelled(t, pos, m.end()) else None

    def find(self, t: _Text) -> list[tuple[int, int]]:
        return [m.span() for m in self.anywhere.finditer(t.folded) if self.spelled(t, *m.span())]


def _tone_moved(written: str, listed: str) -> bool:
    """The same letters and the same tones, a tone on another vowel: "phứơc" for "phước"."""
    if written == listed or len(written) != len(listed):
        return False

    def tones(text: str) -> list[str]:
        return [c for c in unicodedata.normalize("NFD", text) if c in TONE_MARKS]

    return without_tones(written) == without_tones(listed) and tones(written) == tones(listed)


def _marks_left_out(written: str, listed: str) -> bool:
    """``written`` is ``listed`` with some letters typed bare and none with other marks: not
    "Trương Thanh" (a person) for Trường Thạnh, where "ơ" keeps its horn without the tone."""
    return len(written) == len(listed) and all(
        w in (c, fold(c)) for w, c in zip(written, listed, strict=True)
    )
