"""The compiled rules of ``nlp.places``: one text in, the ward, street, house number, alley,
landmark and district hint it names out.

``_TextRules.scan`` finds streets first (``nlp.places_streets``), then landmarks, alleys and the
house number outside them, then district hints and the ward outside streets and landmarks, by
the ward decisions listed in ``nlp.places``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.reference import ReferenceData
from nlp.normalize import normalize
from nlp.places_lexicon import (
    _ABBREVIATIONS,
    _ALLEY_HEADS,
    _EVERYDAY_WORDS,
    _FAMILY_NAMES,
    _HOUSE_WORDS,
    _LANDMARK_HEADS,
    _LANDMARK_NAMES,
    _MARKERS,
    _NEEDS_CONTEXT,
    _NEEDS_MARKER,
    _OTHER_PLACES,
    _QUALIFIERS,
    _ROAD_HEADS,
    _STANDALONE_LANDMARKS,
    _STREET_HEADS,
    _STREETS,
    _SURNAMES,
)
from nlp.places_patterns import (
    _ADMIN_BEFORE,
    _HOUSE_NUMBER,
    _KTX,
    _MARKER_BEFORE,
    _NAMED_AFTER,
    _NUMBER,
    _compound,
    _hint_key,
    _looks_like_name,
    _not_house,
)
from nlp.places_streets import _Span, _Street, _StreetRules
from nlp.places_text import _inside, _Lexicon, _squash, _Text, fold

_SEPARATOR = re.compile(r"\s*[,(\-–]?\s*")
_ADMIN_WORDS = frozenset({"quận", "huyện", "tỉnh", "thị xã", "thành phố", "tp", "tx"})


@dataclass(frozen=True, slots=True)
class _Found:
    """What one text says, before the sources are combined."""

    ward: str | None = None
    street: str | None = None
    house_number: str | None = None
    alley: str | None = None
    landmark: str | None = None
    district_hint: str | None = None


class _TextRules(_StreetRules):
    """The compiled rules; built once from the reference data, then only read."""

    def __init__(self, ref: ReferenceData) -> None:
        names: dict[str, str] = {}
        for ward in ref.wards:
            for name in (ward.name, *ward.aliases, *(f.name for f in ward.former_wards)):
                names.setdefault(fold(name), ward.name)
        every_name = [n for w in ref.wards for n in (w.name, *w.aliases)] + [
            f.name for w in ref.wards for f in w.former_wards
        ]
        self.names = names
        self.wards = _Lexicon(every_name, words=False, exact=True)
        # names typed run together ("LinhTrung", "p.thaodien"); those that need "phường" or
        # this area's context count only after "phường/P."
        self.glued = {_squash(k): w for k, w in names.items() if " " in k}
        glued = "|".join(sorted(self.glued, key=len, reverse=True))
        self.glued_re = re.compile(rf"(?<!\w)(?:{glued})(?!\w)")
        self.surnames = {normalize(n).lower() for n in _SURNAMES}
        self.plain_surnames = {fold(n) for n in _SURNAMES}
        self.need_marker = {_squash(n) for n in _NEEDS_MARKER}
        self.need_context = {_squash(n) for n in _NEEDS_CONTEXT}
        self.abbreviations = {a: names[fold(full)] for a, full in _ABBREVIATIONS.items()}
        self.abbreviation_re = re.compile(
            rf"(?<!\w)(?:phuong|ph|p|f)\s*[.:]?\s*({'|'.join(self.abbreviations)})(?!\w)"
        )
        self.streets = _Lexicon([s for s in _STREETS if fold(s) not in names], words=False)
        self.headed_names = _Lexicon((*_STREETS, *every_name), words=False)
        self.landmark_names = _Lexicon((*_LANDMARK_NAMES, *_STREETS, *every_name), words=False)
        self.standalone = _Lexicon(_STANDALONE_LANDMARKS, words=False)
        self.family = _Lexicon(_FAMILY_NAMES, words=True)
        self.street_heads = _Lexicon(_STREET_HEADS, words=True)
        self.road_heads = _Lexicon(_ROAD_HEADS, words=True, open_end=True)
        self.landmark_heads = _Lexicon(_LANDMARK_HEADS, words=True)
        self.qualifiers = _Lexicon(_QUALIFIERS, words=True)
        self.alley_heads = _Lexicon(_ALLEY_HEADS, words=True)
        self.house_words = _Lexicon(_HOUSE_WORDS, words=True)
        self.markers = _Lexicon(_MARKERS, words=True)
        others = "|".join(re.escape(fold(p)) for p in _OTHER_PLACES)
        self.elsewhere_after = re.compile(
            r"\s*[,\-–(]?\s*(?:(?:o|thuoc|tai)\s+)?(?:(?:quan|q)\s*\.?\s*(?:1[0-2]|[13-8])(?!\w)"
            rf"|(?:(?:quan|q|tp|thanh pho|huyen|tinh|thi xa|tx)\s*\.?\s*)?(?:{others})(?!\w))"
        )
        # after a comma, a named district, town or province that is not this area ("phường An
        # Khánh, quận Ninh Kiều"); folded, "quan"/"tinh" are also "quán"/"tình", so where the
        # text has diacritics the word must be typed with them, and where it has none the name
        # must be capitalised
        self.named_elsewhere = re.compile(
            r"\s*[,\-–(]\s*(?:(?:o|thuoc|tai)\s+)?(quan|huyen|tinh|thi xa|thanh pho|tp|tx)"
            r"\s*\.?\s*(?!(?:thu duc|td|hcm|ho chi minh|sai gon|sg|moi|cu)(?!\w))([a-z]{2,})"
        )
        self.hints: dict[str, str] = {}
        by_wards: dict[tuple[str, ...], str] = {}
        for alias, wards in ref.district_aliases.items():
            self.hints[_hint_key(alias)] = by_wards.setdefault(tuple(sorted(wards)), alias)
        self.city = self.hints.get(_hint_key("TP Thủ Đức"))
        keys = "|".join(sorted(self.hints, key=len, reverse=True))
        self.hint_re = re.compile(rf"(?<!\w)(?:{keys}|thu duc)(?!\w)")

    def scan(self, text: str) -> _Found:
        t = _Text.of(text)
        ward_names = self.wards.find(t)
        streets = self._headed_streets(t)
        landmarks = self._landmarks(t, [s[:2] for s in streets] + ward_names)
        streets += self._bare_streets(t, [s[:2] for s in streets] + landmarks)
        alleys = self._alleys(t, [s[:2] for s in streets] + landmarks)
        streets += self._streets_after_numbers(t, alleys, [s[:2] for s in streets] + landmarks)
        house = self._house_number(t, alleys, streets)
        blocked = [s[:2] for s in streets] + landmarks
        hints = self._hints(t, blocked)
        ward, ward_span = self._ward(t, blocked, bool(hints))
        hint = None
        if ward is None:
            hint = next(
                (h for span, h in hints if not (ward_span and _inside(*span, [ward_span]))), None
            )
        street = min(streets, default=None)
        landmark = min(landmarks, default=None)
        return _Found(
            ward=ward,
            street=t.orig[street[2] : street[3]] if street else None,
            house_number=house,
            alley=t.orig[alleys[0][0] : alleys[0][1]] if alleys else None,
            landmark=t.orig[landmark[0] : landmark[1]] if landmark else None,
            district_hint=hint,
        )

    # -- landmarks, house numbers, district hints, wards ------------------------------------

    def _landmarks(self, t: _Text, blocked: list[_Span]) -> list[_Span]:
        found = [m.span() for m in _KTX.finditer(t.folded)]
        for start, end in self.landmark_heads.find(t):
            if (
                _inside(start, end, blocked)
                or _inside(start, end, found)
                or _compound(t.folded, start)
                or t.folded[end : end + 1] != " "
            ):
                continue
            pos = self._after_qualifiers(t, end + 1)
            known = self.landmark_names.match(t, pos)
            if known:
                found.append((start, known))
            elif t.capital(pos) and (run := self._capitalised(t, pos, stop=False, gaps=True)):
                found.append((start, run[1]))
        for start, end in self.standalone.find(t):
            if _inside(start, end, blocked) or _inside(start, end, found):
                continue
            run = None
            if t.orig[end : end + 1] == " " and t.capital(end + 1):
                run = self._capitalised(t, end + 1, stop=False)
            found.append((start, run[1] if run else end))
        return found

    def _after_qualifiers(self, t: _Text, pos: int) -> int:
        """Skip "metro", "THCS", "đại học" … between a landmark word and the name."""
        while (end := self.qualifiers.match(t, pos)) is not None and t.folded[end : end + 1] == " ":
            pos = end + 1
        return pos

    def _house_number(self, t: _Text, alleys: list[_Span], streets: list[_Street]) -> str | None:
        """ "số nhà 12", "số 3 hẻm 5", "12/3 Võ Văn Ngân": a number so named or before a street."""
        starts = {s[0] for s in streets} | {a[0] for a in alleys}
        taken = [s[:2] for s in streets] + alleys
        candidates: list[_Span] = []
        for start, end in self.house_words.find(t):
            m = _HOUSE_NUMBER.match(t.folded, end)
            if not m or _inside(*m.span(1), taken):
                continue
            strong = t.folded[start:end] not in ("so", "nha")
            if strong or m.end() + 1 in starts or m.end() + 2 in starts:
                candidates.append(m.span(1))
        for m in _NUMBER.finditer(t.folded):
            if _inside(*m.span(), taken) or _not_house(t.folded, m.start()):
                continue
            if m.end() + 1 in starts or m.end() + 2 in starts:
                candidates.append(m.span())
        if not candidates:
            return None
        start, end = min(candidates)
        return t.orig[start:end]

    def _hints(self, t: _Text, blocked: list[_Span]) -> list[tuple[_Span, str]]:
        """Former districts and the former city named outside streets and landmarks."""
        found = []
        for m in self.hint_re.finditer(t.folded):
            if not _inside(*m.span(), blocked) and t.orig[m.start() : m.end()] != "td":
                found.append((m.span(), self.hints.get(_hint_key(m.group()), self.city)))
        return found

    def _ward(
        self, t: _Text, blocked: list[_Span], local_context: bool
    ) -> tuple[str | None, _Span | None]:
        """The ward named: the first one after "phường/P." if any, else the first bare one.

        After "phường/P." a name also counts typed run together ("p.thaodien") or with a
        wrong tone mark ("phường Trừơng Thạnh"); without it a run-together name counts
        ("hiepbinhchanh mưa xíu là ngập"), a misspelt one does not. A misspelling that is an
        everyday word is that word ("mong phường linh động giải quyết": flexibly)."""
        bare: tuple[str, _Span] | None = None
        marked: list[tuple[int, str, _Span]] = []
        for start, end, ward, key, spelled in self._mentions(t):
            before = t.folded[max(0, start - 24) : start]
            if (
                _inside(start, end, blocked)
                or _ADMIN_BEFORE.search(before)
                or self._elsewhere(t, end)
                or (key in self.need_context and not local_context)
            ):
                continue
            if _MARKER_BEFORE.search(before):
                if spelled or t.orig[start:end].lower() not in _EVERYDAY_WORDS:
                    marked.append((start, ward, (start, end)))
            elif (
                bare is None
                and spelled
                and key not in self.need_marker
                and (
                    " " not in t.folded[start:end]
                    or _looks_like_name(t, start, end, self._hinted_after(t, end))
                )
                and not _NAMED_AFTER.search(t.orig[max(0, start - 24) : start].lower())
                and not self._after_surname(t, start)
            ):
                bare = ward, (start, end)
        for m in self.abbreviation_re.finditer(t.folded):
            if not _inside(*m.span(1), blocked):
                marked.append((m.start(1), self.abbreviations[m.group(1)], m.span(1)))
        if marked:
            _, ward, span = min(marked)
            return ward, span
        return bare if bare else (None, None)

    def _mentions(self, t: _Text) -> list[tuple[int, int, str, str, bool]]:
        """(start, end, ward, squashed folded name, spelled as listed) of every ward name."""
        found = [
            (m.start(), m.end(), self.names[m.group()], _squash(m.group()),
             self.wards.spelled(t, *m.span()))
            for m in self.wards.anywhere.finditer(t.folded)
        ]  # fmt: skip
        found += [
            (m.start(), m.end(), self.glued[m.group()], m.group(), True)
            for m in self.glued_re.finditer(t.folded)
        ]
        return sorted(found)

    def _elsewhere(self, t: _Text, end: int) -> bool:
        """The name is placed elsewhere: "phường Long Bình, Biên Hòa", "…, quận Ninh Kiều"."""
        if self.elsewhere_after.match(t.folded, end):
            return True
        m = self.named_elsewhere.match(t.folded, end)
        if not m:
            return False
        if t.plain:  # "quan bar" is a bar ("quán"), "quan Ninh Kieu" a district
            return t.capital(m.start(2))
        return t.orig[m.start(1) : m.end(1)].lower() in _ADMIN_WORDS

    def _hinted_after(self, t: _Text, end: int) -> bool:
        """A district of this area right after the name ("cát lái q2", "trường thọ, Q.9")."""
        return self.hint_re.match(t.folded, _SEPARATOR.match(t.folded, end).end()) is not None

    def _after_surname(self, t: _Text, start: int) -> bool:
        """A capitalised family name right before: a person ("Ông Nguyễn Trường Thọ")."""
        m = re.search(r"([^\W\d_]+) $", t.orig[max(0, start - 12) : start])
        if not m or not m.group(1)[:1].isupper():
            return False
        word = m.group(1).lower()
        return word in self.surnames or (t.plain and word in self.plain_surnames)
