"""Cuts Vietnamese legal and administrative documents into chunks along their structure.

A law is cited "Chương II, Điều 12, Khoản 2, Điểm a", so the best chunk is one Điều (article): it
answers one question and its path is the citation. Only an article longer than ``max_chars`` is
cut: between its Khoản, then between its Điểm, then between lines, and a single over-long
paragraph by a window that overlaps by ``overlap_chars`` and cuts at whitespace only. Plans and
letters without Điều number their sections "I.", "II." ("I. MỤC ĐÍCH, YÊU CẦU"), cited "Mục I".

Choices a reader of the chunks should know:

- ``document.text[chunk.start:chunk.end] == chunk.text``: spans are trimmed of surrounding
  whitespace, the text inside is never rewritten.
- A Phần / Chương / Mục heading is no chunk of its own (it lives on in every path below it)
  unless other text than its title follows it before the first article.
- Text before the first structural element, and a document without structure, get path "".
- A piece under ``min_chars`` joins its neighbour in the same article, so a chunk may pass
  ``max_chars`` by less than ``min_chars``; only a token longer than a window is cut mid-word.
- Markers are recognised at line starts only, with or without diacritics, composed or not.
  "Điều 5 của Luật này" (a wrapped cross-reference) is no article; Khoản must run 1, 2, 3 …
  and Điểm a, b, c … within their article, so a stray "3." line does not cut it.

Reading the markers is ``indexer.outline``'s job; this module decides where to cut.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from core.documents import Chunk, SourceDocument
from core.errors import InvalidInput
from indexer.outline import Node, NodePath, Outline, Step

log = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class _Piece:
    """A trimmed span that becomes one chunk."""

    path: NodePath
    heading: str
    start: int
    end: int


class StructuralChunker:
    """Splits a ``SourceDocument`` into ``Chunk``s that follow Phần/Chương/Mục/Điều/Khoản/Điểm.

    Deterministic and pure Python (regexes, linear in the text), so chunk ids are stable.

        >>> chunks = StructuralChunker(max_chars=1200).split(law)
        >>> [(c.path, c.heading) for c in chunks[1:3]]
        [('Chương I, Điều 1', 'Phạm vi điều chỉnh'), ('Chương I, Điều 2', 'Giải thích từ ngữ')]
    """

    def __init__(
        self, max_chars: int = 1200, overlap_chars: int = 150, min_chars: int = 80
    ) -> None:
        if max_chars < 100:
            raise InvalidInput("max_chars must be at least 100", code="index.chunk_size_invalid")
        if not 0 <= overlap_chars < max_chars // 2 or not 0 <= min_chars < max_chars // 2:
            raise InvalidInput(
                "overlap_chars and min_chars must lie in [0, max_chars / 2)",
                code="index.chunk_size_invalid",
            )
        self.max_chars = max_chars
        self.overlap_chars = overlap_chars
        self.min_chars = min_chars

    def split(self, document: SourceDocument) -> list[Chunk]:
        """The chunks of ``document`` in document order; ``[]`` for a blank text."""
        text = document.text
        if not text.strip():
            return []
        pieces = [p for node in Outline(text).build() for p in self._split_top(text, node)]
        chunks = [
            Chunk(
                document.doc_id,
                i,
                _render(p.path),
                p.heading,
                text[p.start : p.end],
                p.start,
                p.end,
            )
            for i, p in enumerate(pieces)
        ]
        log.debug("index.document_chunked doc_id=%s chunks=%d", document.doc_id, len(chunks))
        return chunks

    def _split_top(self, text: str, node: Node) -> list[_Piece]:
        """One article, section, heading block or preamble: cut, then tiny pieces merged."""
        if node.body_start >= 0 and _trim(text, node.body_start, node.end) is None:
            return []
        pieces = self._merge_tiny(self._split(text, node))
        if len(pieces) == 1:
            return [_Piece(node.path, node.heading, pieces[0].start, pieces[0].end)]
        return pieces

    def _split(self, text: str, node: Node) -> list[_Piece]:
        span = _trim(text, node.start, node.end)
        if span is None:
            return []
        if span[1] - span[0] <= self.max_chars:
            return [_Piece(node.path, node.heading, *span)]
        units = _units(text, node, span)
        if len(units) <= 1:
            return self._window(text, node, span)
        return self._pack(text, units)

    def _pack(self, text: str, units: list[Node]) -> list[_Piece]:
        """Groups consecutive units while they fit; a unit too long alone is cut on its own."""
        pieces: list[_Piece] = []
        group: list[_Piece] = []
        for unit in units:
            span = _trim(text, unit.start, unit.end)
            if span is None:
                continue
            if span[1] - span[0] > self.max_chars:
                pieces += self._prepend(_grouped(group), self._split(text, unit))
                group = []
                continue
            if group and span[1] - group[0].start > self.max_chars:
                pieces += _grouped(group)
                group = []
            group.append(_Piece(unit.path, unit.heading, *span))
        return pieces + _grouped(group)

    def _prepend(self, before: list[_Piece], pieces: list[_Piece]) -> list[_Piece]:
        """Joins a group to the first piece of the long unit after it when both fit together,
        so an article's heading line is not left alone."""
        if before and pieces and pieces[0].end - before[0].start <= self.max_chars:
            return [_join(before[0], pieces[0]), *pieces[1:]]
        return before + pieces

    def _window(self, text: str, node: Node, span: tuple[int, int]) -> list[_Piece]:
        """Cuts one over-long paragraph into overlapping windows that end at whitespace.

        The last window always brings at least ``min_chars`` of new text.
        """
        start, end = span
        pieces: list[_Piece] = []
        while end - start > self.max_chars:
            limit = min(start + self.max_chars, end - self.min_chars)
            cut = self._cut(text, start, limit)
            trimmed = _trim(text, start, cut) or (start, cut)
            pieces.append(_Piece(node.path, node.heading, *trimmed))
            start = self._resume(text, start, cut)
        return [*pieces, _Piece(node.path, node.heading, start, end)]

    def _cut(self, text: str, start: int, limit: int) -> int:
        """Where a window ends: the last sentence end or newline in its second half, else the
        last whitespace; a token longer than the window is cut at ``limit`` (nothing else works)."""
        floor = start + self.max_chars // 2
        ends = [text.rfind(sep, floor, limit) + 1 for sep in (". ", "; ")]
        sentence = max(text.rfind("\n", floor, limit), *ends)
        if sentence > start:
            return sentence
        space = max(text.rfind(char, start + 1, limit) for char in " \t\n\xa0")
        return space if space > start else limit

    def _resume(self, text: str, start: int, cut: int) -> int:
        """Where the next window starts: a word start at most ``overlap_chars`` before ``cut``."""
        after_cut = _skip_space(text, cut)
        if self.overlap_chars == 0:
            return after_cut
        gap = _SPACE.search(text, max(cut - self.overlap_chars, start + 1), cut)
        resume = _skip_space(text, gap.end()) if gap else after_cut
        return resume if start < resume < cut else after_cut

    def _merge_tiny(self, pieces: list[_Piece]) -> list[_Piece]:
        """A piece under ``min_chars`` joins the previous one (the next one if it comes first)."""
        merged: list[_Piece] = []
        for piece in pieces:
            if merged and self.min_chars > min(_size(piece), _size(merged[-1])):
                merged[-1] = _join(merged[-1], piece)
            else:
                merged.append(piece)
        return merged


def _units(text: str, node: Node, span: tuple[int, int]) -> list[Node]:
    """What a node too long for one chunk is cut between: its lead and children, else lines."""
    if node.children:
        lead = Node(node.path, node.heading, node.start, node.children[0].start)
        return [lead, *node.children]
    lines: list[Node] = []
    pos = span[0]
    while pos < span[1]:
        newline = text.find("\n", pos, span[1])
        end = newline if newline >= 0 else span[1]
        lines.append(Node(node.path, node.heading, pos, end))
        pos = end + 1
    return lines


def _grouped(group: list[_Piece]) -> list[_Piece]:
    if not group:
        return []
    path = functools.reduce(_merge_paths, (piece.path for piece in group))
    return [_Piece(path, group[0].heading, group[0].start, group[-1].end)]


def _join(first: _Piece, second: _Piece) -> _Piece:
    path = _merge_paths(first.path, second.path)
    return _Piece(path, first.heading, first.start, max(first.end, second.end))


def _merge_paths(first: NodePath, second: NodePath) -> NodePath:
    """The path of two neighbouring pieces: "Khoản 2" + "Khoản 3" → "Khoản 2–3".

    A parent's path (an article's lead) gives way to its child's: lead + Khoản 1 cites Khoản 1.
    """
    common: list[Step] = []
    for a, b in zip(first, second, strict=False):
        if a == b:
            common.append(a)
            continue
        if a[0] == b[0]:
            common.append((a[0], a[1], b[2]))
        return tuple(common)
    return first if len(first) >= len(second) else second


def _render(path: NodePath) -> str:
    return ", ".join(
        f"{name} {first}" if first == last else f"{name} {first}–{last}"
        for name, first, last in path
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _size(piece: _Piece) -> int:
    return piece.end - piece.start
