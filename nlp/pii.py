"""Personal data in citizens' messages: find it, and redact it before anyone else reads the text.

Citizens write their phone numbers, ID card numbers, e-mail addresses, licence plates, bank
accounts and names into complaints. Staff need the complaint, not the data, and search indexes,
exports and model training must never hold it. ``find_pii`` returns where that data sits;
``redact`` replaces each span by a Vietnamese placeholder ("[số điện thoại]", "[họ tên]" …).

Numbers are found by rules: every numeric token (digits joined by dots or dashes, and neighbours
joined by single spaces when together they make a valid number) is classified by its shape and by
the nearest cue word before it ("sđt", "cccd", "stk", a bank name, "mã hồ sơ" …). Hotlines
(1900…, 1800…) and emergency numbers (113, 114, 115) are public and kept; a landline (028 …)
is redacted even when it may be an office's, as nothing in the text tells the two apart.
Dates, money, house and alley numbers, dossier codes and feedback references never have a
valid shape, or are excluded by their neighbours ("2.500.000đ", "mã số thuế 0312345678").

Names are found by rules (a name cue or a title before a capitalised run: "tôi là …", "anh …",
"ông …"; a full name starting with a surname) and by underthesea NER (``segment.entities``), which
costs ~10 ms per sentence and is therefore called only for sentences that still hold an
unexplained capitalised run. Street, ward and landmark names ("đường Võ Văn Ngân", "chợ Bà
Chiểu", "Linh Trung") are never names. Give this module ``normalize``d (NFC) text.

    >>> spans = find_pii("Tôi là Nguyễn Văn An, sđt 0909 123 456, nhà ở đường Lê Văn Việt")
    >>> [(s.kind, s.text) for s in spans]
    [('person', 'Nguyễn Văn An'), ('phone', '0909 123 456')]
    >>> redact("Tôi là Nguyễn Văn An, sđt 0909 123 456, nhà ở đường Lê Văn Việt")
    'Tôi là [họ tên], sđt [số điện thoại], nhà ở đường Lê Văn Việt'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from core.reference import ReferenceData
from core.types import PiiSpan
from nlp import segment
from nlp.normalize import strip_diacritics

KINDS = ("phone", "citizen_id", "old_id", "email", "plate", "bank_account", "person")
DATA_FILE = Path(__file__).resolve().parent / "data" / "pii.json"

NerTagger = Callable[[str], list[tuple[str, str]]]

_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(
    r"(?<![\w+])(?<!\w[./-])"
    r"(?:(?:\(\+?84\)|\+84)[ .-]?|\+)?"
    r"\(?\d++(?:(?:\)[.-]?|[.-])\(?\d++)*+\)?"
    r"(?!\w)(?![.,/-]\w)"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"\s?(?:@|\(at\)|\[at\])\s?"
    r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)"
)
_PLATE = re.compile(
    r"(?<![\w./-])[1-9]\d ?-? ?(?P<series>[A-Za-z]{1,2}\d?)(?: ?[-.] ?| )?"
    r"(?:\d{3}[.,]\d{2}|\d{4,5})(?!\w)(?![.,]\d)"
)
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_UNIT_AFTER = re.compile(
    r"\s*(?:d|dong|vnd|k|nghin|ngan|tr|trieu|ty|usd|m2|m|km|kg|cm|mm|met|lit|%)(?![a-z0-9])"
)
_SENTENCE_BREAK = re.compile(r"[!?;\n]|\.\s")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_NER_CONTEXT = 40  # characters of context NER reads on each side of an unexplained run
_MAX_NER_WINDOWS = 4  # NER calls per text at most


@dataclass(frozen=True, slots=True)
class _Candidate:
    span: PiiSpan
    priority: int


@dataclass(frozen=True, slots=True)
class _Forms:
    """Titles or place markers: a regex ending at the name, and the one-word forms."""

    before: re.Pattern[str]
    single: frozenset[str]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> _Forms:
        words = [" ".join(p.lower().split()) for p in phrases]
        return cls(
            re.compile(rf"(?<![^\W\d_])(?:{_alternation(words)})\s*$"),
            frozenset(w for w in words if " " not in w),
        )


@dataclass(frozen=True, slots=True)
class PiiLexicon:
    """Cue words, titles, surnames and place names from ``nlp/data/pii.json``.

    Titles and place markers come in two sets: as written (for texts with diacritics, where
    "cho" is not "chợ") and without diacritics (for texts typed without them).
    """

    placeholders: dict[str, str]
    public_prefixes: tuple[str, ...]
    cue_class: dict[str, str]
    cue_pattern: re.Pattern[str]
    name_cue: re.Pattern[str]
    name_cue_any: re.Pattern[str]
    titles: dict[bool, _Forms]
    markers: dict[bool, _Forms]
    surnames: frozenset[str]
    lowercase_surnames: frozenset[str]
    stopwords: frozenset[str]
    not_names: frozenset[str]
    places: dict[bool, frozenset[str]]
    place_heads: dict[bool, frozenset[str]]
    longest_place: int

    @classmethod
    def load(cls, path: Path = DATA_FILE, extra_places: Iterable[str] = ()) -> PiiLexicon:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        cue_class = {_squash(c): kind for kind, cues in doc["cues"].items() for c in cues}
        name_cue = rf"(?<![a-z0-9])(?:{_alternation(doc['name_cues'])})\s*[:\-–]?\s*(?:la\s+)?"
        names = [*doc["places"], *doc["organisations"], *extra_places]
        places = {False: {_words(p.lower()) for p in names}, True: {_plain_words(p) for p in names}}
        return cls(
            placeholders=dict(doc["placeholders"]),
            public_prefixes=tuple(doc["public_number_prefixes"]),
            cue_class=cue_class,
            cue_pattern=re.compile(rf"(?<![a-z0-9])(?:{_alternation(cue_class)})(?![a-z0-9])"),
            name_cue=re.compile(name_cue + "$"),
            name_cue_any=re.compile(name_cue),
            titles={
                False: _Forms.of(doc["titles"]),
                True: _Forms.of(
                    t
                    for t in map(strip_diacritics, doc["titles"])
                    if t not in doc["titles_ascii_excluded"]
                ),
            },
            markers={
                False: _Forms.of(doc["place_markers"]),
                True: _Forms.of(map(strip_diacritics, doc["place_markers"])),
            },
            surnames=frozenset(_plain_words(s) for s in doc["surnames"]),
            lowercase_surnames=frozenset(doc["lowercase_surnames"]),
            stopwords=frozenset(doc["name_stopwords"]),
            not_names=frozenset(w.lower() for w in doc["not_names"]),
            places={k: frozenset(v - {""}) for k, v in places.items()},
            place_heads={
                k: frozenset(p.split()[0] for p in v if " " in p) for k, v in places.items()
            },
            longest_place=max(len(p.split()) for p in places[True]),
        )


class PiiDetector:
    """Finds personal data in one text; cheap to build, NER loaded on first need.

    ``ner`` is injectable so tests and callers without underthesea can pass their own tagger.
    ``ner_calls``, ``texts_with_ner`` and ``texts_seen`` count how often the expensive tagger
    ran (plain counters: approximate when one detector serves several threads).

        >>> detector = PiiDetector.from_reference(ReferenceData.load())
        >>> [s.kind for s in detector.find("Zalo: 0912.345.678, CCCD 079203001234")]
        ['phone', 'citizen_id']
    """

    def __init__(self, lexicon: PiiLexicon | None = None, ner: NerTagger | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else PiiLexicon.load()
        self._ner = ner if ner is not None else segment.entities
        self.ner_calls = 0
        self.texts_with_ner = 0
        self.texts_seen = 0

    @classmethod
    def from_reference(cls, reference: ReferenceData, ner: NerTagger | None = None) -> PiiDetector:
        """A detector that also knows every ward name, alias and former ward name as a place."""
        names = [
            name
            for ward in reference.wards
            for name in (ward.name, *ward.aliases, *(f.name for f in ward.former_wards))
        ]
        return cls(PiiLexicon.load(extra_places=names), ner)

    def find(self, text: str, *, names: bool = True) -> list[PiiSpan]:
        """Sorted, non-overlapping spans of personal data in ``text``."""
        self.texts_seen += 1
        view = _TextView(text)
        found = [*self._emails(view), *self._plates(view), *self._numbers(view)]
        if names:
            found.extend(_NameFinder(self, view).find())
        return _resolve(found)

    def redact(self, text: str, spans: Sequence[PiiSpan] | None = None) -> str:
        """``text`` with each span replaced by its placeholder (``find`` when spans is None)."""
        chosen = self.find(text) if spans is None else _resolve(_Candidate(s, 0) for s in spans)
        out, pos = [], 0
        for s in chosen:
            out.append(text[pos : s.start])
            out.append(self.lexicon.placeholders[s.kind])
            pos = s.end
        out.append(text[pos:])
        return "".join(out)

    def _tag(self, sentence: str) -> list[tuple[str, str]]:
        self.ner_calls += 1
        return self._ner(sentence)

    def _emails(self, view: _TextView) -> Iterable[_Candidate]:
        for m in _EMAIL.finditer(view.text):
            yield _Candidate(view.span("email", m.start(), m.end(), "rule"), 5)

    def _plates(self, view: _TextView) -> Iterable[_Candidate]:
        for m in _PLATE.finditer(view.text):
            series = m.group("series")
            if not (series.isupper() or any(c.isdigit() for c in series)):
                cue = self._cue_before(view, m.start())
                if cue != "plate":
                    continue
            yield _Candidate(view.span("plate", m.start(), m.end(), "rule"), 3)

    def _numbers(self, view: _TextView) -> Iterable[_Candidate]:
        tokens = [m for m in _NUMBER.finditer(view.text) if not _DATE.fullmatch(m.group())]
        i = 0
        while i < len(tokens):
            taken = 1
            for j in range(min(len(tokens), i + 10), i, -1):
                group = tokens[i:j]
                if any(view.text[a.end() : b.start()] != " " for a, b in pairwise(group)):
                    continue
                start, end = _trim_parentheses(view.text, group[0].start(), group[-1].end())
                kind = self._classify_number(view, start, end, merged=j - i > 1)
                if kind is not None:
                    yield _Candidate(view.span(kind, start, end, "rule"), 4)
                    taken = j - i
                    break
            i += taken

    def _classify_number(
        self, view: _TextView, start: int, end: int, *, merged: bool
    ) -> str | None:
        raw = view.text[start:end]
        digits = re.sub(r"\D", "", raw)
        n = len(digits)
        if raw[0] not in "0+(" and (
            _THOUSANDS.fullmatch(raw) or _UNIT_AFTER.match(view.plain, end)
        ):
            return None
        if digits.startswith(self.lexicon.public_prefixes) and n <= 10:
            return None
        cue = self._cue_before(view, start) or self._bank_after(view, end)
        if cue == "not_pii":
            return None
        if cue == "bank_account" and 8 <= n <= 19:
            return "bank_account"
        if cue == "citizen_id" and n in (9, 12):
            return "citizen_id" if n == 12 else "old_id"
        if _is_phone(digits) or (cue == "phone" and _is_short_phone(digits)):
            return "phone"
        if n == 12 and digits[0] == "0" and int(digits[1:3]) <= 96 and digits[3] in "0123":
            return "citizen_id"
        if n == 9 and digits[0] == "0" and not merged:
            return "old_id"
        return None

    def _cue_before(self, view: _TextView, start: int, window: int = 45) -> str | None:
        best: str | None = None
        for _, cue_end, kind in view.cues(self.lexicon):
            if cue_end > start:
                break
            if start - cue_end <= window and not _SENTENCE_BREAK.search(view.text, cue_end, start):
                best = kind
        return best

    def _bank_after(self, view: _TextView, end: int) -> str | None:
        for cue_start, _, kind in view.cues(self.lexicon):
            if end <= cue_start <= end + 15 and kind == "bank_account":
                return kind
        return None


class _TextView:
    """The text, a lowercase copy and a lowercase copy without diacritics, all of equal length.

    ``cmp`` is the copy titles, markers and non-names are compared in: the lowercase text as
    written, or the plain one when the citizen typed (almost) without diacritics (``ascii``).
    """

    __slots__ = ("_cues", "ascii", "cmp", "low", "plain", "text")

    def __init__(self, text: str) -> None:
        low = text.lower()
        if len(low) != len(text):
            low = "".join((c.lower() or " ")[0] for c in text)
        plain = strip_diacritics(low)
        if len(plain) != len(text):
            plain = "".join((strip_diacritics(c) or " ")[0] for c in low)
        self.text, self.low, self.plain = text, low, plain
        extra_bytes = len(low.encode("utf-8")) - len(plain.encode("utf-8"))
        self.ascii = extra_bytes <= 0.03 * len(text)
        self.cmp = plain if self.ascii else low
        self._cues: list[tuple[int, int, str]] | None = None

    def span(self, kind: str, start: int, end: int, source: str) -> PiiSpan:
        return PiiSpan(kind, start, end, self.text[start:end], source)

    def cues(self, lexicon: PiiLexicon) -> list[tuple[int, int, str]]:
        """Cue words (start, end, kind), found once per text."""
        if self._cues is None:
            self._cues = [
                (m.start(), m.end(), lexicon.cue_class[_squash(m.group())])
                for m in lexicon.cue_pattern.finditer(self.plain)
            ]
        return self._cues


class _NameFinder:
    """Person names in one text: rules first, NER for the capitalised runs rules cannot explain."""

    def __init__(self, detector: PiiDetector, view: _TextView) -> None:
        self.detector = detector
        self.lex = detector.lexicon
        self.view = view
        self.words = [(m.start(), m.end()) for m in _WORD.finditer(view.text)]
        self.place = self._place_flags()

    def find(self) -> list[_Candidate]:
        found: list[_Candidate] = []
        unexplained: list[tuple[int, int]] = []
        for run in self._runs():
            verdict = self._judge(run)
            if verdict == "person":
                found.append(self._candidate(run, "rule"))
            elif verdict == "unknown":
                unexplained.append((self.words[run[0]][0], self.words[run[-1]][1]))
        found.extend(self._lowercase_names())
        if unexplained:
            found.extend(self._ner_names(unexplained))
        return found

    def _place_flags(self) -> list[bool]:
        """Words inside a known place or body name ("Bà Chiểu", "Công an", "Linh Trung").

        A match that is only part of a longer capitalised run ("Nguyễn Hoàng" in "Nguyễn Hoàng
        Phúc") or that follows a title ("bà Lê Thị Hoa") is a person's name, not the street.
        """
        text, cmp, words = self.view.text, self.view.cmp, self.words
        places, heads = self.lex.places[self.view.ascii], self.lex.place_heads[self.view.ascii]
        any_form = self.lex.places[True]
        flags = [False] * len(words)
        matches: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            if not (text[words[i][0]].isupper() or cmp[words[i][0] : words[i][1]] in heads):
                i += 1
                continue
            n = min(self.lex.longest_place, len(words) - i)
            capital = text[words[i][0]].isupper()
            while n > 0:
                joined = " ".join(cmp[a:b] for a, b in words[i : i + n])
                known = joined in places or (capital and self._plain(i, i + n) in any_form)
                if known and self._spaced(i, i + n - 1):
                    flags[i : i + n] = [True] * n
                    matches.append((i, i + n - 1))
                    break
                n -= 1
            i += max(n, 1)
        surnames, titles = self.lex.surnames, self.lex.titles[self.view.ascii]
        for first, last in matches:
            person_like = (
                self._word(first) in surnames
                and last > first
                and all(self._is_title_case(k) for k in range(first, last + 1))
            )
            if (
                (self._extends(first - 1, first, flags) and self._word(first - 1) in surnames)
                or (person_like and self._extends(last + 1, last, flags))
                or (person_like and titles.before.search(self._before(first, 30)))
            ):
                flags[first : last + 1] = [False] * (last + 1 - first)
        return flags

    def _plain(self, first: int, stop: int) -> str:
        return " ".join(self.view.plain[a:b] for a, b in self.words[first:stop])

    def _spaced(self, first: int, last: int) -> bool:
        text, words = self.view.text, self.words
        return all(text[words[k][1] : words[k + 1][0]] == " " for k in range(first, last))

    def _extends(self, k: int, neighbour: int, flags: list[bool]) -> bool:
        """Word ``k`` continues the capitalised run of ``neighbour`` and is no place itself."""
        if not 0 <= k < len(self.words) or flags[k] or not self._is_title_case(k):
            return False
        word = self._cmp(k)
        if word in self.lex.not_names or word in self.lex.markers[self.view.ascii].single:
            return False
        return self._spaced(min(k, neighbour), max(k, neighbour))

    def _is_title_case(self, k: int) -> bool:
        w = self.view.text[self.words[k][0] : self.words[k][1]]
        return w[0].isupper() and (len(w) == 1 or w[1:].islower())

    def _runs(self) -> Iterable[list[int]]:
        run: list[int] = []
        for k in range(len(self.words)):
            ok = not self.place[k] and self._is_title_case(k)
            joined = run and self.view.text[self.words[run[-1]][1] : self.words[k][0]] == " "
            if ok and (not run or joined):
                run.append(k)
                continue
            if run:
                yield run
            run = [k] if ok else []
        if run:
            yield run

    def _word(self, k: int) -> str:
        a, b = self.words[k]
        return self.view.plain[a:b]

    def _cmp(self, k: int) -> str:
        a, b = self.words[k]
        return self.view.cmp[a:b]

    def _judge(self, run: list[int]) -> str:
        """'person', 'place', 'unknown' (ask NER) or 'none'; trims ``run`` in place."""
        titles, markers = self.lex.titles[self.view.ascii], self.lex.markers[self.view.ascii]
        titled = bool(titles.before.search(self._before(run[0], 30)))
        while run:
            word = self._cmp(run[0])
            if word in markers.single and not titled and self._leading_marker(word):
                return "place"
            if word in titles.single and not (titled and len(run) == 1):
                titled = True
            elif word not in self.lex.not_names:
                break
            run.pop(0)
        cut = next((i for i, k in enumerate(run) if self._cmp(k) in self.lex.not_names), len(run))
        del run[cut:]
        if len(run) > 5:
            return "unknown"
        if not run or (len(run) == 1 and self.words[run[0]][1] - self.words[run[0]][0] == 1):
            return "none"
        start = self.words[run[0]][0]
        if self.lex.name_cue.search(self.view.plain, max(0, start - 40), start):
            return "person"
        before = self._before(run[0], 40)
        title, marker = titles.before.search(before), markers.before.search(before)
        if marker and not (title and title.start() <= marker.start()):
            return "place"
        if titled or title:
            return "person"
        if len(run) >= 3 and self._word(run[0]) in self.lex.surnames:
            return "person"
        if len(run) == 1 and _clause_initial(self.view.cmp, start):
            return "none"
        return "unknown"

    def _before(self, k: int, width: int) -> str:
        start = self.words[k][0]
        return self.view.cmp[max(0, start - width) : start]

    def _leading_marker(self, word: str) -> bool:
        """'Đường' opening a run marks a place; typed without diacritics, 'Duong' may be a name."""
        return not self.view.ascii or word not in self.lex.surnames

    def _candidate(self, run: list[int], source: str) -> _Candidate:
        start, end = self.words[run[0]][0], self.words[run[-1]][1]
        return _Candidate(
            self.view.span("person", start, end, source), 2 if source == "rule" else 1
        )

    def _lowercase_names(self) -> Iterable[_Candidate]:
        """'toi ten la nguyen van an', 'Họ tên: TRẦN THỊ BÍCH': a cue, a surname, up to 3 more."""
        text, plain = self.view.text, self.view.plain
        for m in self.lex.name_cue_any.finditer(plain):
            pos, taken = m.end(), []
            for w in _WORD.finditer(plain, pos):
                written = text[w.start() : w.end()]
                cased = written.islower() or (written.isupper() and len(written) > 1)
                if w.start() != pos or len(taken) == 4 or not cased:
                    break
                if not taken and w.group() not in self.lex.lowercase_surnames:
                    break
                if w.group() in self.lex.stopwords and not (
                    len(taken) >= 2 and re.match(r"\s*(?:[,.;:!?)]|$)", text[w.end() :])
                ):
                    break
                taken.append(w)
                pos = w.end() + 1 if text[w.end() : w.end() + 1] == " " else -1
            if len(taken) >= 2:
                span = self.view.span("person", taken[0].start(), taken[-1].end(), "rule")
                yield _Candidate(span, 2)

    def _ner_names(self, unexplained: list[tuple[int, int]]) -> Iterable[_Candidate]:
        windows = self._ner_windows(unexplained)
        self.detector.texts_with_ner += bool(windows)
        for w_start, w_end in windows:
            tagged = self.detector._tag(self.view.text[w_start:w_end])
            for a, b in _aligned_entities(self.view.plain, w_start, w_end, tagged, "PER"):
                run = [k for k, (ws, we) in enumerate(self.words) if a <= ws and we <= b]
                run = [k for k in run if not self.place[k] and self._is_title_case(k)]
                contiguous = run and run == list(range(run[0], run[-1] + 1))
                if contiguous and self._judge(run) in ("person", "unknown") and run:
                    yield self._candidate(run, "ner")

    def _ner_windows(self, unexplained: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Short stretches of their sentences around the unexplained runs, merged, at most a few.

        NER time grows with the text it reads, so it reads ~40 characters on each side of a
        run, never a whole long post; a capitalised run longer than a name is a heading.
        """
        text = self.view.text
        sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
        windows: list[tuple[int, int]] = []
        for a, b in unexplained:
            if b - a > _NER_CONTEXT:
                continue
            s_start, s_end = next(((s, e) for s, e in sentences if s <= a and b <= e), (a, b))
            start = text.rfind(" ", s_start, max(s_start, a - _NER_CONTEXT)) + 1 or s_start
            end = text.find(" ", min(s_end, b + _NER_CONTEXT), s_end)
            end = s_end if end == -1 else end
            if windows and start <= windows[-1][1] and end - windows[-1][0] <= 3 * _NER_CONTEXT:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            elif windows and start < windows[-1][1]:
                windows.append((windows[-1][1], end))
            else:
                windows.append((start, end))
        return windows[:_MAX_NER_WINDOWS]


def _aligned_entities(
    plain: str, start: int, end: int, tagged: list[tuple[str, str]], label: str
) -> Iterable[tuple[int, int]]:
    """Character spans of ``label`` entities; tokens are found again in the plain text."""
    pos, current = start, None
    for token, tag in tagged:
        syllables = strip_diacritics(token.lower()).split()
        if not syllables:
            continue
        pattern = r"\s+".join(map(re.escape, syllables))
        m = re.compile(pattern).search(plain, pos, end)
        if m is None:
            continue
        pos = m.end()
        if tag == f"B-{label}" or (tag == f"I-{label}" and current is None):
            if current is not None:
                yield current
            current = (m.start(), m.end())
        elif tag == f"I-{label}" and current is not None:
            current = (current[0], m.end())
        elif current is not None:
            yield current
            current = None
    if current is not None:
        yield current


def _trim_parentheses(text: str, start: int, end: int) -> tuple[int, int]:
    """'(0901 777 888)' -> '0901 777 888'; '(028) 3896 1234' keeps its area code brackets."""
    inner = text[start:end]
    if inner.startswith("(") and inner.endswith(")") and "(" not in inner[1:-1]:
        return start + 1, end - 1
    if inner.endswith(")") and "(" not in inner:
        end -= 1
    if inner.startswith("(") and ")" not in inner:
        start += 1
    return start, end


def _is_phone(digits: str) -> bool:
    n = len(digits)
    if digits.startswith("84") and n in (11, 12):
        national = digits[2:] if n == 11 or digits[2] != "0" else digits[3:]
        return (len(national) == 9 and national[0] in "35789") or _is_phone("0" + national)
    if n == 10:
        return digits[0] == "0" and digits[1] in "35789"
    return n == 11 and digits[:2] in ("01", "02")


def _is_short_phone(digits: str) -> bool:
    """Shapes that are phones only after a cue: 8-digit local landline, 9 digits without 0."""
    n = len(digits)
    if n in (10, 11):
        return digits[0] == "0"
    return (n == 8 and digits[0] in "23456789") or (n == 9 and digits[0] in "35789")


def _clause_initial(cmp: str, start: int) -> bool:
    """At the start, after punctuation, an emoji, a hashtag or a call ("Ad ơi Mất điện")."""
    before = cmp[max(0, start - 30) : start].rstrip()
    if not before or not before[-1].isalnum() or before.endswith(("ơi", " oi")):
        return True
    return before.split()[-1].startswith("#")


def _resolve(candidates: Iterable[_Candidate]) -> list[PiiSpan]:
    chosen: list[PiiSpan] = []
    ranked = sorted(candidates, key=lambda c: (-c.priority, c.span.start - c.span.end))
    for c in ranked:
        if all(c.span.end <= s.start or s.end <= c.span.start for s in chosen):
            chosen.append(c.span)
    return sorted(chosen, key=lambda s: s.start)


def _squash(phrase: str) -> str:
    return " ".join(strip_diacritics(phrase.lower()).split())


def _words(phrase: str) -> str:
    return " ".join(_WORD.findall(phrase))


def _plain_words(phrase: str) -> str:
    return _words(strip_diacritics(phrase.lower()))


def _alternation(phrases: Iterable[str]) -> str:
    ordered = sorted({" ".join(p.lower().split()) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, f.split())) for f in ordered)


@lru_cache(maxsize=1)
def default_detector() -> PiiDetector:
    """The shared detector, knowing the packaged ward names (``from_reference`` for others)."""
    return PiiDetector.from_reference(ReferenceData.load())


def find_pii(text: str, *, names: bool = True) -> list[PiiSpan]:
    """Sorted, non-overlapping personal-data spans (``names=False``: no names, no NER)."""
    return default_detector().find(text, names=names)


def redact(text: str, spans: Sequence[PiiSpan] | None = None) -> str:
    """``text`` with each personal-data span replaced by its Vietnamese placeholder."""
    return default_detector().redact(text, spans)
