"""Snippets with the query's words marked, and extractive answers, from retrieved passages.

Matching is by syllable, ignoring case and function words ("của", "cần", "gì") so a snippet marks
what the question is about. A syllable typed without diacritics matches any ("khai sinh" marks
"KHAI SINH", "giay to" marks "Giấy tờ"); one typed with them matches only the same marks, in
either tone placement ("phở" does not mark "phố", "hoà" marks "hòa").

    >>> s = snippet("Thành phần hồ sơ đăng ký khai sinh gồm: tờ khai ...", "khai sinh cần gì")
    >>> [s.text[a:b] for a, b in s.marks]
    ['khai', 'sinh', 'khai']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nlp import segment
from nlp.normalize import has_diacritics, strip_diacritics

_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE = re.compile(r"(?:[^\n.;!?]|[.;!?](?=[^\s.;!?]))+(?:[.;!?]+|\n|$)")
#: Function words and question words, folded (no diacritics): they never make a match.
STOPWORDS = frozenset(
    [
        "a",
        "ai",
        "anh",
        "bao",
        "bi",
        "biet",
        "cac",
        "cach",
        "can",
        "chi",
        "cho",
        "chua",
        "co",
        "cua",
        "cung",
        "da",
        "day",
        "de",
        "den",
        "deu",
        "di",
        "do",
        "duoc",
        "em",
        "gi",
        "giup",
        "ha",
        "hay",
        "hoi",
        "hoac",
        "khi",
        "khong",
        "la",
        "lam",
        "len",
        "ma",
        "minh",
        "mot",
        "muon",
        "nao",
        "nay",
        "neu",
        "nhe",
        "nhieu",
        "nhu",
        "nhung",
        "o",
        "oi",
        "phai",
        "qua",
        "ra",
        "roi",
        "se",
        "tai",
        "thi",
        "toi",
        "va",
        "vay",
        "voi",
        "vui",
        "xin",
    ]
)


#: The same function words as written with diacritics: a syllable typed with diacritics is a
#: function word only in these spellings ("cần" is, "căn" of "căn cước" is not; nor "chợ", "bão").
MARKED_STOPWORDS = frozenset(
    ["à", "ai", "anh", "bao", "bị", "biết", "các", "cách", "cần", "chỉ", "chị", "cho", "chưa",
     "có", "của", "cũng", "đã", "đây", "đấy", "để", "đến", "đều", "đi", "do", "đó", "được", "em",
     "gì", "giúp", "hả", "hay", "hãy", "hỏi", "hoặc", "khi", "không", "là", "làm", "lên", "mà",
     "mình", "một", "muốn", "nào", "này", "nay", "nếu", "nhé", "nhiêu", "nhiều", "như", "những",
     "nhưng", "ở", "ơi", "phải", "qua", "quá", "ra", "rồi", "sẽ", "tại", "thì", "tôi", "và",
     "vậy", "với", "vui", "xin"]
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of a passage and the (start, end) offsets of the matched syllables in it."""

    text: str
    marks: tuple[tuple[int, int], ...]

    def marked(self, open_mark: str = "«", close_mark: str = "»") -> str:
        """The snippet with each match wrapped (``<mark>``/``</mark>`` for HTML after escaping)."""
        out, last = [], 0
        for start, end in self.marks:
            out += [self.text[last:start], open_mark, self.text[start:end], close_mark]
            last = end
        out.append(self.text[last:])
        return "".join(out)


def fold(syllable: str) -> str:
    return strip_diacritics(syllable.lower())


def content_syllables(text: str) -> set[str]:
    """Folded syllables of ``text`` that carry meaning (no function words, no 1-letter noise)."""
    found = {fold(m.group()) for m in _SYLLABLE.finditer(text)}
    return {s for s in found if _is_content(s)}


def _is_content(folded: str) -> bool:
    return folded not in STOPWORDS and (len(folded) > 1 or folded.isdigit())


def is_stopword(syllable: str) -> bool:
    """A function word: by its folded form if typed without diacritics, else as spelled."""
    folded = fold(syllable)
    if _signature(syllable) == folded:
        return folded in STOPWORDS
    return _signature(syllable) in _MARKED_SIGNATURES


def _signature(syllable: str) -> str:
    """Letters without marks, then the marks sorted: "hoà" and "hòa" agree, "phở" and "phố" not."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    return fold(syllable) + "".join(sorted(c for c in decomposed if unicodedata.combining(c)))


_MARKED_SIGNATURES = frozenset(_signature(word) for word in MARKED_STOPWORDS)


@dataclass(frozen=True, slots=True)
class _Wanted:
    """A query's content syllables: ``plain`` ones (typed without marks) match any diacritics,
    ``marked`` ones (signatures) only the same marks."""

    plain: frozenset[str]
    marked: frozenset[str]

    @classmethod
    def of(cls, query: str) -> _Wanted:
        plain, marked = set(), set()
        for match in _SYLLABLE.finditer(query):
            syllable = match.group()
            folded = fold(syllable)
            if not is_stopword(syllable) and (len(folded) > 1 or folded.isdigit()):
                signature = _signature(syllable)
                (plain if signature == folded else marked).add(signature)
        return cls(frozenset(plain), frozenset(marked))

    @property
    def size(self) -> int:
        return len(self.plain) + len(self.marked)

    def key(self, syllable: str) -> str | None:
        """The wanted syllable that ``syllable`` matches, if any."""
        folded = fold(syllable)
        if folded in self.plain:
            return folded
        signature = _signature(syllable)
        return signature if signature in self.marked else None

    def found_in(self, text: str) -> int:
        """How many of the wanted syllables occur in ``text``."""
        keys = {self.key(m.group()) for m in _SYLLABLE.finditer(text)}
        keys.discard(None)
        return len(keys)


#: Question phrasing that says nothing about the subject (folded, as underthesea words).
QUESTION_WORDS = frozenset(
    ["bao lau", "bao nhieu", "o dau", "the nao", "nhu the nao", "lam sao", "khi nao", "can gi",
     "hom nay", "mang", "mat", "mang theo", "duoc khong", "co the"]
)  # fmt: skip


@lru_cache(maxsize=256)
def subject_words(query: str) -> tuple[str, ...]:
    """The words of a question that name its subject (underthesea words, no function words).

    Cached: an answer checks the same question against several passages, and segmenting it
    is the expensive part.
    """
    out = []
    for word in segment.words(query):
        folded = fold(word)
        if not _SYLLABLE.search(folded) or folded in QUESTION_WORDS:
            continue
        if all(is_stopword(s) for s in word.split()):
            continue
        out.append(word.lower() if has_diacritics(query) else folded)
    return tuple(out)


def coverage(query: str, passage: str) -> float:
    """Share of the question's subject words found as whole words in the passage (0 if none).

    Diacritics count when the question has them ("phở" is not "khu phố"); a question typed
    without them is matched against the passage without them.
    """
    wanted = subject_words(query)
    if not wanted:
        return 0.0
    text = passage.lower() if has_diacritics(query) else fold(passage)
    padded = " " + " ".join(_SYLLABLE.findall(text)) + " "
    return sum(f" {word} " in padded for word in wanted) / len(wanted)


def snippet(text: str, query: str, *, width: int = 240) -> Snippet:
    """The window of about ``width`` characters with the most query syllables, cut at spaces."""
    wanted = _Wanted.of(query)
    matches = [m.span() for m in _SYLLABLE.finditer(text) if wanted.key(m.group()) is not None]
    start = _best_start(text, matches, width)
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    piece = text[start:end].replace("\n", " ")
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    shift = len(prefix) - start
    marks = tuple((a + shift, b + shift) for a, b in matches if a >= start and b <= end)
    return Snippet(text=prefix + piece + suffix, marks=marks)


def _best_start(text: str, matches: list[tuple[int, int]], width: int) -> int:
    if not matches or len(text) <= width:
        return 0
    best, best_count = 0, -1
    for i, (first, _) in enumerate(matches):
        count = sum(1 for a, b in matches[i:] if b <= first + width)
        if count > best_count:
            best, best_count = first, count
    start = max(0, best - width // 4)
    space = text.rfind(" ", 0, start)
    return 0 if start == 0 else space + 1


def extract(text: str, query: str, *, max_chars: int = 500) -> str:
    """The sentence of ``text`` that shares most with the query and what follows it, up to
    ``max_chars`` (a heading "Thành phần hồ sơ gồm:" brings its list items along)."""
    wanted = _Wanted.of(query)
    pieces = [m.group().strip() for m in _SENTENCE.finditer(text) if m.group().strip()]
    if not pieces:
        return ""
    best = max(range(len(pieces)), key=lambda i: (wanted.found_in(pieces[i]), -i))
    chosen, total = [], 0
    for piece in pieces[best:]:
        if chosen and total + len(piece) > max_chars:
            break
        chosen.append(piece)
        total += len(piece) + 1
    answer = " ".join(chosen)
    if len(answer) > max_chars:
        cut = answer.rfind(" ", 0, max_chars)
        answer = answer[: cut if cut > 0 else max_chars] + " …"
    return answer
