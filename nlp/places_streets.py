"""Streets and alleys in a text: "đường X", "QL13", a known street, "hẻm 5", "12/3 Lê Văn Cao".

A street name is a known street, two or more capitalised words, or lowercase words that start
with a family name ("duong nguyen van ba"): most streets are named after people. The finders
live on ``_StreetRules``, the base of ``nlp.places_rules._TextRules``, which compiles the
lexicons they read.
"""

from __future__ import annotations

import re

from nlp.places_lexicon import _STOPWORDS
from nlp.places_patterns import (
    _ALLEY_NUMBER,
    _NUMBER,
    _NUMBERED_NAME,
    _ROAD_NUMBER,
    _WORD,
    _compound,
    _looks_like_name,
    _not_house,
)
from nlp.places_text import _LETTERS, _inside, _Lexicon, _Text

# "số" right before a number: a house only when a family name's street follows ("Số 5 Thân Văn
# Nhiếp"), since "số 141" is as often a bus route and "số 5" a count
_SO_BEFORE = re.compile(r"(?<!\w)so\s*[.:]?\s*$")
# a street's own number before the ward: "Tân Lập 2 Hiệp Phú", "Tân Lập 2, P. Hiệp Phú"
_NAME_NUMBER = re.compile(r" (\d{1,2})(?!\w)\s*,?\s*")
_Street = tuple[int, int, int, int]  # span start, span end, name start, name end
_Span = tuple[int, int]


class _StreetRules:
    """The street and alley finders of ``_TextRules``; the lexicons are compiled there."""

    streets: _Lexicon
    headed_names: _Lexicon
    family: _Lexicon
    street_heads: _Lexicon
    road_heads: _Lexicon
    alley_heads: _Lexicon
    markers: _Lexicon
    wards: _Lexicon

    def _headed_streets(self, t: _Text) -> list[_Street]:
        """ "đường X", "đường số 8", "QL13", "Quốc lộ 13" (a numbered road keeps its head)."""
        found: list[_Street] = []
        for start, end in self.road_heads.find(t):
            number = _ROAD_NUMBER.match(t.folded, end)
            if number:
                found.append((start, number.end(), start, number.end()))
        for start, end in self.street_heads.find(t):
            if t.folded[end : end + 1] != " ":
                continue
            if _compound(t, start) and not self._street_start(t, start, end + 1):
                continue
            numbered = _NUMBERED_NAME.match(t.folded, end + 1)
            if numbered:
                found.append((start, numbered.end(), start, numbered.end()))
            elif name := self._street_name(t, end + 1):
                found.append((start, name[1], *name))
        return [f for f in found if not any(f[0] > g[0] and f[1] <= g[1] for g in found)]

    def _street_start(self, t: _Text, start: int, pos: int) -> bool:
        """ "đầu đường Tam Bình": the start of a known street, not "ra đầu đường mua đồ"."""
        if t.folded[max(0, start - 4) : start] != "dau ":
            return False
        return self.headed_names.match(t, pos) is not None and (t.capital(pos) or not t.cased)

    def _street_name(self, t: _Text, pos: int) -> _Span | None:
        """A known street; ≥ 2 capitalised words; or lowercase words that start with a family
        name ("duong nguyen van ba"): most streets are named after people."""
        known = self.headed_names.match(t, pos)
        if known:
            return pos, self._numbered_end(t, known)
        if t.capital(pos):
            run = self._capitalised(t, pos, stop=True)
            acronym = t.orig[pos : pos + 2].isupper()
            return (
                (run[0], self._numbered_end(t, run[1]))
                if run and run[2] >= 2 and not acronym
                else None
            )
        if self.family.match(t, pos) is None:
            return None
        return self._lowercase(t, pos, min_words=3 if t.plain else 2)

    def _numbered_end(self, t: _Text, end: int) -> int:
        """The end of a street name with its number ("Tân Lập 2") where a ward follows the
        number: a house number comes before its street, so the number is the name's, and the
        ward after it is the ward ("Đường Tân Lập 2 Hiệp Phú Q9"), not a street named like it."""
        m = _NAME_NUMBER.match(t.folded, end)
        if m and (self.wards.match(t, m.end()) or self.markers.match(t, m.end())):
            return m.start(1) + len(m.group(1))
        return end

    def _bare_streets(self, t: _Text, blocked: list[_Span]) -> list[_Street]:
        """Known streets without "đường": capitalised, or ≥ 3 words in a text without capitals
        ("Kha Vạn Cân kẹt xe", "ket xe vo van ngan"; not "dân chủ")."""
        found: list[_Street] = []
        for s, e in self.streets.find(t):
            named = t.capital(s) or (not t.cased and len(t.folded[s:e].split()) >= 3)
            if named and not _inside(s, e, blocked):
                found.append((s, e, s, e))
        return found

    def _alleys(self, t: _Text, blocked: list[_Span]) -> list[_Span]:
        found = []
        for start, end in self.alley_heads.find(t):
            m = _ALLEY_NUMBER.match(t.folded, end)
            if m and not _inside(start, m.end(), blocked):
                found.append((start, m.end()))
        return found

    def _streets_after_numbers(
        self, t: _Text, alleys: list[_Span], taken: list[_Span]
    ) -> list[_Street]:
        """The street after an alley ("hẻm 5 Hiệp Bình") or a house number, where an unknown
        name must start with a family name ("12/3 Lê Văn Cao"; not "năm 2018 Trung Quốc")."""
        numbers: list[tuple[int, bool]] = []  # (end, after "số")
        for m in _NUMBER.finditer(t.folded):
            if _inside(*m.span(), taken):
                continue
            if not _not_house(t.folded, m.start()):
                numbers.append((m.end(), False))
            elif _SO_BEFORE.search(t.folded, max(0, m.start() - 6), m.start()):
                numbers.append((m.end(), True))  # "Số 5 Thân Văn Nhiếp": a person's name only
        found: list[_Street] = []
        spots = [*((a[1], True, False) for a in alleys), *((n, False, so) for n, so in numbers)]
        for end, after_alley, after_so in spots:
            pos = end + 1
            if t.folded[end:pos] != " " or _inside(pos, pos + 1, taken):
                continue
            if after_alley:
                known = self.headed_names.match(t, pos)
            elif after_so:
                known = None  # "số 6 Linh Trung" is a bus route or a count as often as a house
            else:
                # "Nhà 33 Tăng Nhơn Phú, Phước Long B": a ward's name after a house number is
                # the street named like it, not the ward
                ward = self.wards.match(t, pos)
                known = ward if ward and _looks_like_name(t, pos, ward) else None
            if known:
                found.append((pos, known, pos, known))
            elif t.capital(pos) and (after_alley or self.family.match(t, pos) is not None):
                run = self._capitalised(t, pos, stop=True)
                if run and run[2] >= 2:
                    found.append((run[0], run[1], run[0], run[1]))
        return found

    def _capitalised(
        self, t: _Text, pos: int, *, stop: bool, gaps: bool = False
    ) -> tuple[int, int, int] | None:
        """(start, end, words) of capitalised words ("Võ Văn Ngân"). ``stop``: end before a
        ward name; ``gaps``: one lowercase word may sit between capitalised ones ("Bách khoa
        Hà Nội")."""
        start, end, count = pos, None, 0
        while count < 8:
            word = _WORD.match(t.orig, pos)
            if not word or self.markers.match(t, pos) == word.end():
                break
            if not t.capital(pos):
                after = word.end() + 1
                gap_ok = gaps and count and t.folded[pos : word.end()] not in _STOPWORDS
                if not (gap_ok and t.orig[word.end() : after] == " " and t.capital(after)):
                    break
            elif stop and count and self.wards.match(t, pos):
                break
            end, count = word.end(), count + 1
            if t.orig[end : end + 1] != " ":
                break
            pos = end + 1
        return (start, end, count) if end is not None else None

    def _lowercase(self, t: _Text, pos: int, min_words: int) -> _Span | None:
        """Up to 4 words that are not stop words ("nguyen van ba" in "nguyen van ba bi ngap")."""
        start, end, count = pos, None, 0
        while count < 4:
            word = _LETTERS.match(t.folded, pos)
            if not word or (count and word.group() in _STOPWORDS):
                break
            if count and (self.wards.match(t, pos) or self.markers.match(t, pos)):
                break
            end, count = word.end(), count + 1
            if t.folded[end : end + 1] != " ":
                break
            pos = end + 1
        return (start, end) if end is not None and count >= min_words else None
