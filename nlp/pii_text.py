"""One text as the personal-data rules read it, and the candidate spans they propose.

``TextView`` keeps the text, a lowercase copy and a plain (no diacritics) copy of equal
length, so a match in one copy is a span in the others, and finds the cue words once per
text. Rules yield ``Candidate`` spans with a priority; ``resolve`` keeps the best of those
that overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.types import PiiSpan
from nlp.normalize import strip_diacritics
from nlp.pii_lexicon import PiiLexicon, squash

_O_FOR_ZERO = re.compile(r"(?<=\d)[oO]|[oO](?=\d)")
# "09l8", "0388 l05 926", "O34 8886 12l"
_L_FOR_ONE = re.compile(r"(?<=\d)l(?=\d)|(?<=\d[ .])l(?=\d\d)|(?<=\d\d)l(?!\w)")


@dataclass(frozen=True, slots=True)
class Candidate:
    span: PiiSpan
    priority: int


class TextView:
    """The text, a lowercase copy and a lowercase copy without diacritics, all of equal length,
    and ``numeric``, the text with each letter O next to a digit read as a zero.

    ``cmp`` is the copy titles, markers and non-names are compared in: the lowercase text as
    written, or the plain one when the citizen typed (almost) without diacritics (``ascii``).
    """

    __slots__ = ("_cues", "ascii", "cmp", "low", "numeric", "plain", "text")

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
        # numbers are read where the letter O typed for a zero is one ("O9O8 214 567"), and
        # so is a lowercase l between digits for a one ("09l8 206 435")
        numeric = _O_FOR_ZERO.sub("0", text) if "o" in plain else text
        self.numeric = _L_FOR_ONE.sub("1", numeric) if "l" in plain else numeric
        self._cues: list[tuple[int, int, str]] | None = None

    def span(self, kind: str, start: int, end: int, source: str) -> PiiSpan:
        return PiiSpan(kind, start, end, self.text[start:end], source)

    def cues(self, lexicon: PiiLexicon) -> list[tuple[int, int, str]]:
        """Cue words (start, end, kind), found once per text."""
        if self._cues is None:
            self._cues = [
                (m.start(), m.end(), lexicon.cue_class[squash(m.group())])
                for m in lexicon.cue_pattern.finditer(self.plain)
            ]
        return self._cues


def resolve(candidates: Iterable[Candidate]) -> list[PiiSpan]:
    chosen: list[PiiSpan] = []
    ranked = sorted(candidates, key=lambda c: (-c.priority, c.span.start - c.span.end))
    for c in ranked:
        if all(c.span.end <= s.start or s.end <= c.span.start for s in chosen):
            chosen.append(c.span)
    return sorted(chosen, key=lambda s: s.start)
