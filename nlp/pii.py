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

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

from core.reference import ReferenceData
from core.types import PiiSpan
from nlp import segment
from nlp.pii_lexicon import PiiLexicon, squash
from nlp.pii_names import NameFinder
from nlp.pii_text import Candidate, TextView, resolve

KINDS = ("phone", "citizen_id", "old_id", "email", "plate", "bank_account", "person")

NerTagger = Callable[[str], list[tuple[str, str]]]

_NUMBER = re.compile(
    r"(?<![\w+])(?<!\w[./-])"
    r"(?:(?:\(\+?84\)|\+84)[ .-]?|\+)?"
    r"\(?\d++(?:(?:\)[.–—-]?|[.–—-])\(?\d++)*+\)?"
    r"(?!\w)(?![.,/-]\w)"
)
# a Zalo link is a phone number ("zalo.me/0917205531"): the slash before it hides it otherwise
_ZALO_LINK = re.compile(r"(?<![\w.])zalo\.me/(?P<number>(?:\+?84|0)\d{9,10})(?!\w)", re.I)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"\s?(?:@|\(at\)|\[at\])\s?"
    r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)"
)
_PLATE = re.compile(
    r"(?<![\w./-])[1-9]\d ?-? ?(?P<series>[A-Za-zĐđ]{1,2}\d?)(?: ?[-.] ?| )?"
    r"(?:\d{3}[., ]\d{2}|\d{4,5})(?!\w)(?![.,]\d)"
)
_GLUED_CUE = (
    r"(?<![a-z0-9])(?P<cue>sdt|dtdd|dt|so|zalo|zl|tel|phone|alo|lh|call|goi|hotline|cccd|cmnd"
    r"|stk)[:.]?"
)
_GLUED = re.compile(
    rf"{_GLUED_CUE}(?P<number>\+?\d{{8,19}}(?![\w.,/-]?\d)(?!\w)|0[35789]\d{{8}}(?=[^\W\d_]))"
)  # "sdt0909123456", and a mobile number glued to a word on both sides: "sdt0396105287nha"
# the same cue before a number in groups: "zalo0919 246 835" (the longest run that is a number)
_GLUED_GROUPS = re.compile(
    rf"{_GLUED_CUE}(?P<number>\+?\d{{2,5}}(?:[ .-]\d{{2,5}}){{1,4}})(?![\w.,/-]?\d)"
)
# two phone numbers joined by "/" or a dash with no space: "0939 406 172/0786 502 931",
# "0918.227.604-0283.8975.612"
_PHONE_SHAPE = r"\+?\d{2,4}(?:[ .]?\d{2,4}){2,4}"
_SLASHED = re.compile(rf"(?<![\w/.])({_PHONE_SHAPE})[/–-]({_PHONE_SHAPE})(?![\w/])")
# a mobile number typed straight before a word: "0898222417nha", "0768 391 254nhé"
_GLUED_BEFORE = re.compile(r"(?<![\w+.,/-])0[35789]\d(?:[ .-]?\d){7}(?=[^\W\d_])")
# a mobile number typed straight after a name: "gọi e Ngân0901386447" (a lowercase letter before
# it, so no code in capitals: "SPXVN0579214386")
_GLUED_AFTER_NAME = re.compile(r"(?<=[a-zà-ỹđ])0[35789]\d{8}(?!\d)")
# a mobile number grouped by slashes: "0327/184/905"
_SLASH_GROUPED = re.compile(r"(?<![\w/.])0[35789]\d{1,2}(?:/\d{2,4}){2,3}(?![\w/])")
# a mobile number straight before a dash and a word: "0901.223.574-Hùng"
_DASH_WORD_AFTER = re.compile(r"(?<![\w+.,/-])0[35789]\d(?:[ .]?\d){7}(?=[-–][^\W\d_])")
# what may separate the groups of one number: a space, or a dash or dot between spaces; a line
# break only inside a phone number ("SDT 0345⏎627 914")
_GROUP_GAP = re.compile(r" (?:[-–—.] )?| ?\n ?")
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_UNIT_AFTER = re.compile(
    r"\s*(?:d|dong|vnd|k|nghin|ngan(?! hang)|tr|trieu|ty|usd|m2|m|km|kg|cm|mm|met|lit|%)"
    r"(?![a-z0-9])"
)
_SENTENCE_BREAK = re.compile(r"[!?;\n]|\.\s")
# the bare cue "hồ sơ" with two words or more between it and the number
_LOOSE_DOSSIER = re.compile(r"ho so(?:\W+(?!so\W)[^\W\d_]+){2,}\W*")
_LISTED_NUMBER = re.compile(r"\d\s*[,;]")
_ANY_DIGIT = re.compile(r"\d")
_NUMBER_THEN_BANK = re.compile(r"\d\s*[)\]]?\s*(?:[-–(:]|tai|o)?\s*$")
_ANNOUNCES_ACCOUNT = re.compile(r"(?<![a-z])(?:stk|tk|tai khoan|chuyen khoan|ck)$")


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
        view = TextView(text)
        found = [*self._emails(view), *self._plates(view), *self._numbers(view)]
        if names:
            phones = [c.span for c in found if c.span.kind == "phone"]
            found.extend(
                NameFinder(
                    self,
                    view,
                    frozenset(s.end for s in phones),
                    frozenset(s.start for s in phones),
                ).find()
            )
        return resolve(found)

    def redact(self, text: str, spans: Sequence[PiiSpan] | None = None) -> str:
        """``text`` with each span replaced by its placeholder (``find`` when spans is None)."""
        chosen = self.find(text) if spans is None else resolve(Candidate(s, 0) for s in spans)
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

    def _emails(self, view: TextView) -> Iterable[Candidate]:
        for m in _EMAIL.finditer(view.text):
            yield Candidate(view.span("email", m.start(), m.end(), "rule"), 5)

    def _plates(self, view: TextView) -> Iterable[Candidate]:
        for m in _PLATE.finditer(view.text):
            series = m.group("series")
            cue = self._cue_before(view, m.start())
            if cue == "not_pii":  # "số seri 21KT083147"
                continue
            if not (series.isupper() or any(c.isdigit() for c in series)) and cue != "plate":
                continue
            yield Candidate(view.span("plate", m.start(), m.end(), "rule"), 3)

    def _numbers(self, view: TextView) -> Iterable[Candidate]:
        yield from self._glued_numbers(view)
        tokens = [m for m in _NUMBER.finditer(view.numeric) if not _DATE.fullmatch(m.group())]
        i = 0
        while i < len(tokens):
            taken = 1
            # up to twelve groups: a CCCD typed digit by digit ("0 7 9 1 6 2 0 0 3 8 1 5")
            for j in range(min(len(tokens), i + 12), i, -1):
                group = tokens[i:j]
                gaps = (view.text[a.end() : b.start()] for a, b in pairwise(group))
                if not all(_GROUP_GAP.fullmatch(gap) for gap in gaps):
                    continue
                start, end = _trim_parentheses(view.text, group[0].start(), group[-1].end())
                kind = self._classify_number(view, start, end, merged=j - i > 1)
                if kind is not None and (kind == "phone" or "\n" not in view.text[start:end]):
                    yield Candidate(view.span(kind, start, end, "rule"), 4)
                    taken = j - i
                    break
            i += taken

    def _glued_numbers(self, view: TextView) -> Iterable[Candidate]:
        """A number typed straight after its cue word ("sdt0909123456", "cccd:079203001234",
        "zalo0919 246 835"), a mobile number straight before a word ("0898222417nha"), one in a
        Zalo link ("zalo.me/0917205531"), and two phone numbers joined by "/" ("0939 406
        172/0786 502 931")."""
        for m in _GLUED.finditer(view.plain):
            start, end = m.span("number")
            cue = self.lexicon.cue_class.get(squash(m.group("cue")))
            kind = self._classify_number(view, start, end, merged=False, cue=cue)
            if kind is not None:
                yield Candidate(view.span(kind, start, end, "rule"), 4)
        for pattern in (_GLUED_BEFORE, _DASH_WORD_AFTER, _SLASH_GROUPED, _GLUED_AFTER_NAME):
            for m in pattern.finditer(view.numeric):
                if self._classify_number(view, m.start(), m.end(), merged=False) == "phone":
                    yield Candidate(view.span("phone", m.start(), m.end(), "rule"), 4)
        for m in _GLUED_GROUPS.finditer(view.plain):
            cue = self.lexicon.cue_class.get(squash(m.group("cue")))
            start = m.start("number")
            ends = [g.end() for g in re.finditer(r"\d+", view.plain[start : m.end()])]
            for end in reversed(ends[1:]):  # two groups at least, the longest first
                kind = self._classify_number(view, start, start + end, merged=True, cue=cue)
                if kind is not None:
                    yield Candidate(view.span(kind, start, start + end, "rule"), 4)
                    break
        for m in _ZALO_LINK.finditer(view.text):
            if _is_phone(re.sub(r"\D", "", m.group("number"))):
                yield Candidate(view.span("phone", *m.span("number"), "rule"), 4)
        for m in _SLASHED.finditer(view.text):
            sides = [m.span(1), m.span(2)]
            # both shaped like phone numbers and no other cue before them: phones, even when a
            # later word ("chuyển khoản") would make them account numbers
            shaped = all(_is_phone(re.sub(r"\D", "", view.text[a:b])) for a, b in sides)
            if shaped and self._cue_before(view, m.start()) in (None, "phone"):
                for a, b in sides:
                    yield Candidate(view.span("phone", a, b, "rule"), 4)

    def _classify_number(
        self, view: TextView, start: int, end: int, *, merged: bool, cue: str | None = None
    ) -> str | None:
        raw = view.numeric[start:end]
        digits = re.sub(r"\D", "", raw)
        n = len(digits)
        if raw[0] not in "0+(" and (
            (
                _THOUSANDS.fullmatch(raw)
                and not self._identity_number(view, start, n)
                and not self._phone_cued(view, start, digits)
            )
            or _UNIT_AFTER.match(view.plain, end)
        ):
            return None
        if digits.startswith(self.lexicon.public_prefixes) and n <= 10:
            return None
        if raw.lstrip("(").startswith("+") and (
            _is_phone(digits) or (not digits.startswith("84") and 9 <= n <= 15)
        ):
            # "+84 903 …" is a phone whatever word comes before ("hợp đồng là …"), and so is a
            # foreign number in international form ("+81 90 4412 7730")
            return "phone"
        cue = cue or self._cue_before(view, start) or self._bank_after(view, end)
        if cue == "short_code":
            if n <= 8:
                return None  # "mã OTP 482913"
            cue = None  # longer than a one-time code: "nhận mã OTP từ 0394 021 568 sang …"
        if cue == "not_pii" and not (
            _citizen_id_shape(digits) and self._cue_before(view, start, only="citizen_id")
        ):
            # "mã hồ sơ 0123…" is no personal data; "CCCD cho anh làm hồ sơ: 079 203 …" is
            return None
        if cue == "bank_account" and 8 <= n <= 19:
            return "bank_account"
        if cue == "citizen_id" and n in (9, 12):
            return "citizen_id" if n == 12 else "old_id"
        if _is_phone(digits) or (cue == "phone" and _is_short_phone(digits)):
            return "phone"
        if _citizen_id_shape(digits):
            return "citizen_id"
        if n == 9 and digits[0] == "0" and not merged:
            return "old_id"
        return None

    def _phone_cued(self, view: TextView, start: int, digits: str) -> bool:
        """A phone number grouped by dots like an amount, after a phone cue ("liên hệ e
        84.977.316.204")."""
        return _is_phone(digits) and self._cue_before(view, start) == "phone"

    def _identity_number(self, view: TextView, start: int, n: int) -> bool:
        """A CMND/CCCD grouped by dots like an amount ("CMND số 271.385.604")."""
        return n in (9, 12) and self._cue_before(view, start) == "citizen_id"

    def _cue_before(
        self, view: TextView, start: int, window: int = 45, only: str | None = None
    ) -> str | None:
        """The nearest cue before ``start`` in the same sentence (of kind ``only`` if given)."""
        best: str | None = None
        for cue_start, cue_end, kind in view.cues(self.lexicon):
            if cue_end > start:
                break
            if only is not None and kind != only:
                continue
            # a "no personal data" cue names one number, not the next of a list ("hồ sơ 40,
            # 090-518-3746"); an account cue names one number, and a bank right after a number
            # is that number's ("tài khoản 1014882593 tại Vietcombank hoặc … qua số 0986 …")
            listed = (kind == "not_pii" and _LISTED_NUMBER.search(view.text, cue_end, start)) or (
                kind == "bank_account"
                and (
                    _ANY_DIGIT.search(view.text, cue_end, start)
                    or (
                        not _ANNOUNCES_ACCOUNT.search(view.plain, cue_start, cue_end)
                        and _NUMBER_THEN_BANK.search(view.plain, max(0, cue_start - 12), cue_start)
                    )
                )
            )
            if kind == "not_pii" and _LOOSE_DOSSIER.fullmatch(view.plain, cue_start, start):
                continue  # "liên hệ hồ sơ đất đai: 0827 …" names no dossier code
            near = start - cue_end <= window
            if near and not listed and not _SENTENCE_BREAK.search(view.text, cue_end, start):
                best = kind
        return best

    def _bank_after(self, view: TextView, end: int) -> str | None:
        for cue_start, _, kind in view.cues(self.lexicon):
            if end <= cue_start <= end + 15 and kind == "bank_account":
                return kind
        return None


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


def _citizen_id_shape(digits: str) -> bool:
    """12 digits: a province code (001–096), then a century-and-sex digit 0–3."""
    return len(digits) == 12 and digits[0] == "0" and int(digits[1:3]) <= 96 and digits[3] in "0123"


def _is_phone(digits: str) -> bool:
    n = len(digits)
    if digits.startswith("84") and n in (11, 12, 13):  # 13: "+84 (0)28 3730 5216"
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
