"""The structure of a Vietnamese legal or administrative text: its Phần … Điểm markers, in one pass.

``Outline(text).build()`` gives the top-level nodes (articles, Roman sections, Phần / Chương / Mục
heading blocks and the preamble) with their Khoản and Điểm children; the chunker then decides
where to cut. Markers count only at line starts, with or without diacritics, composed or not.

    >>> [(node.path, node.heading) for node in Outline("Điều 1. Phạm vi\n1. Luật này ...").build()]
    [((('Điều', '1', '1'),), 'Phạm vi')]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

_VOWELS = {
    "a": "aàáảãạăằắẳẵặâầấẩẫậ",
    "e": "eèéẻẽẹêềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọôồốổỗộơờớởỡợ",
    "u": "uùúủũụưừứửữự",
    "y": "yỳýỷỹỵ",
}
_ORDINALS = ("nhat", "hai", "ba", "tu", "nam", "sau", "bay", "tam", "chin", "muoi", "mot", "lam")
_LABELS = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "dieu": "Điều"}
_CONTEXT_LEVELS = ("Phần", "Chương", "Mục")
_DIEM_ORDER = "abcdđefghijklmnopqrstuvwxyz"
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _loose(word: str) -> str:
    """A regex for ``word`` (given without diacritics) matching it with or without them.

    Any case, composed (NFC) or decomposed (NFD): "Điều", "ĐIỀU" and "Dieu" are one keyword.
    """
    parts = []
    for char in word:
        if char in _VOWELS:
            parts.append(f"[{_VOWELS[char]}]" + r"[\u0300-\u036f]*")
        else:
            parts.append("[dđ]" if char == "d" else re.escape(char))
    return f"(?i:{''.join(parts)})"


_ORDINAL = rf"{_loose('thu')}(?:[^\S\n]+(?:{'|'.join(_loose(w) for w in _ORDINALS)}))+"
_KEYWORD = "|".join(_loose(word) for word in _LABELS)
_MARKER = re.compile(
    r"^[^\S\n]*(?:"
    rf"(?P<level>(?P<kw>{_KEYWORD})[^\S\n]+(?P<num>{_ORDINAL}|[IVXLC]+|\d+[a-z]?)(?!\w)(?P<tail>.*))"
    r"|(?P<section>(?P<roman>[IVXLC]+)\.(?!\d)(?P<title>.*))"
    r"|(?P<khoan>(?P<clause>\d{1,3})\.(?!\d))"
    r"|(?P<diem>(?P<point>[a-zđ])\)))",
    re.M,
)


#: One level of a path: its name and the first and last label it spans ("Khoản", "2", "3").
Step = tuple[str, str, str]
NodePath = tuple[Step, ...]


@dataclass(slots=True)
class Node:
    """A span of the document with its place in the structure (before cutting)."""

    path: NodePath
    heading: str
    start: int
    end: int = 0
    body_start: int = -1  # heading blocks only: where the text after the title begins
    children: list[Node] = field(default_factory=list)
    next_khoan: int = 1
    last_diem: int = -1


class Outline:
    """Reads the markers of a text in order and builds its top-level nodes (why: one pass).

    >>> article = Outline("Điều 1. Phạm vi\n1. Luật này ...\n2. Luật này ...").build()[0]
    >>> [child.path[-1] for child in article.children]
    [('Khoản', '1', '1'), ('Khoản', '2', '2')]
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tops: list[Node] = []
        self.context: dict[str, Step] = {}
        self.unit: Node | None = None  # the open Điều or Roman section
        self.clause: Node | None = None  # the open Khoản
        self.in_article = False
        self.next_section = 1

    def build(self) -> list[Node]:
        handlers = {"level": self._level, "section": self._section, "khoan": self._khoan}
        handlers["diem"] = self._diem
        for match in _MARKER.finditer(self.text):
            handlers[str(match.lastgroup)](match)
        if not self.tops or self.tops[0].start > 0:
            self.tops.insert(0, Node((), "", 0))
        _set_ends(self.tops, len(self.text))
        return self.tops

    def _level(self, match: re.Match[str]) -> None:
        tail = match["tail"]
        rest = tail.strip()
        if rest and rest[0] not in ".:-–—" and not (tail[0].isspace() and rest[0].isupper()):
            return  # "Điều 5 của Luật này", a wrapped cross-reference
        name = _LABELS[_fold(match["kw"])]
        number = match["num"]
        if _fold(number).startswith("thu"):
            number = unicodedata.normalize("NFC", " ".join(number.lower().split()))
        title = rest.lstrip(".:-–— \t").strip()
        if name == "Điều":
            self._open(match.start(), ("Điều", number, number), _article_title(title), True)
            return
        self.context = {k: v for k, v in self.context.items() if _above(k, name)}
        self.context[name] = (name, number, number)
        title, body_start = (title, match.end()) if title else _title_below(self.text, match.end())
        self.tops.append(Node(self._context_path(), title, match.start(), body_start=body_start))
        self.unit = self.clause = None
        self.in_article = False

    def _section(self, match: re.Match[str]) -> None:
        number = match["roman"]
        if self.in_article or _roman(number) != self.next_section:
            return
        self.next_section += 1
        self._open(match.start(), ("Mục", number, number), match["title"].strip(), False)

    def _khoan(self, match: re.Match[str]) -> None:
        unit = self.unit
        if unit is None or int(match["clause"]) != unit.next_khoan:
            return
        unit.next_khoan += 1
        step = ("Khoản", match["clause"], match["clause"])
        self.clause = Node((*unit.path, step), unit.heading, match.start())
        unit.children.append(self.clause)

    def _diem(self, match: re.Match[str]) -> None:
        parent = self.clause or self.unit
        letter = match["point"]
        if parent is None or not 0 < _DIEM_ORDER.index(letter) - parent.last_diem <= 2:
            return
        parent.last_diem = _DIEM_ORDER.index(letter)
        step = ("Điểm", letter, letter)
        parent.children.append(Node((*parent.path, step), parent.heading, match.start()))

    def _open(self, start: int, step: Step, heading: str, is_article: bool) -> None:
        self.unit = Node((*self._context_path(), step), heading, start)
        self.tops.append(self.unit)
        self.clause = None
        self.in_article = is_article

    def _context_path(self) -> NodePath:
        return tuple(self.context[k] for k in _CONTEXT_LEVELS if k in self.context)


def _set_ends(nodes: list[Node], end: int) -> None:
    for index, node in enumerate(nodes):
        node.end = nodes[index + 1].start if index + 1 < len(nodes) else end
        _set_ends(node.children, node.end)


def _title_below(text: str, pos: int) -> tuple[str, int]:
    """The title under a bare "Chương II" line, and where it ends.

    The first line is the title unless it reads like a sentence; an upper-case title that wraps
    goes on for up to two more upper-case lines.
    """
    lines: list[str] = []
    end = pos
    while len(lines) < 3 and pos < len(text):
        line_start = pos + 1
        newline = text.find("\n", line_start)
        pos = newline if newline >= 0 else len(text)
        line = text[line_start:pos].strip()
        if not line and not lines:
            continue
        upper = line == line.upper() and any(char.isalpha() for char in line)
        first = not lines and bool(_article_title(line))
        if not (upper or first) or _MARKER.match(text, line_start):
            break
        lines.append(line)
        end = pos
    return " ".join(lines), end


def _article_title(title: str) -> str:
    """An article title; "" when the line is a sentence ("Điều 2. … có hiệu lực kể từ ngày ký.")."""
    return "" if len(title) > 200 or title.endswith((".", ";", ":", ",")) else title


def _above(level: str, name: str) -> bool:
    return _CONTEXT_LEVELS.index(level) < _CONTEXT_LEVELS.index(name)


@functools.lru_cache(maxsize=256)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def _roman(numeral: str) -> int:
    values = [_ROMAN[char] for char in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))
