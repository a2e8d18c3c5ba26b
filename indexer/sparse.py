"""BM25 sparse vectors over underthesea word segments, for Qdrant's IDF-modified sparse index.

Qdrant multiplies each matching term's stored value by its IDF (computed over the collection),
so a passage stores the BM25 term-frequency part ``tf·(k1+1) / (tf + k1·(1 − b + b·len/avg_len))``
and a query stores 1 per distinct term: their dot product is the BM25 score.

Terms of a text:

- every underthesea word, lower-cased, multi-syllable words joined by ``_`` ("ngập_nước");
- the syllables of multi-syllable words, so "cấp phép" still meets "giấy phép" halfway;
- every syllable without diacritics (``~ngap``). Every query is matched on those, so one typed
  without diacritics ("lam giay khai sinh"), or partly without ("lệ phi chung thuc ban sao"),
  still finds the passage; a query typed with diacritics is matched on its words and syllables
  too, so exact spellings rank first. Underthesea cannot segment text without diacritics
  reliably, so such a query is matched on its folded syllables only.

Numbers and document symbols stay whole ("1234/qđ-ubnd"; underthesea splits them at "/"), so
exact references match.
Term ids are CRC-32 of the term: stable across runs and machines, no vocabulary file.

    >>> encoder = Bm25Encoder()
    >>> vector = encoder.passage("Quyết định 1234/QĐ-UBND về ngập nước")
    >>> len(vector.indices) == len(vector.values)
    True
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence

from core.documents import SparseVector
from nlp import segment
from nlp.normalize import has_diacritics, strip_diacritics

_PUNCTUATION = re.compile(r"^[\W_]+$")
#: Slash-joined tokens without spaces ("1234/QĐ-UBND", "63/2024/NĐ-CP"); kept when holding a digit.
_SYMBOL = re.compile(r"[^\W_][\w.-]*(?:/[^\W_][\w.-]*)+")
_FOLDED = "~"
_SYLLABLE = "§"


def term_id(term: str) -> int:
    """A stable 31-bit id for a term (Qdrant sparse indices are unsigned 32-bit)."""
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


class Bm25Encoder:
    """Texts → BM25 ``SparseVector``s (passage side carries tf saturation, query side 1s).

    ``avg_len`` is the average passage length in terms the saturation is relative to; chunks of
    ~1,000 characters have about 200. ``words`` is the segmenter (underthesea by default; tests
    may pass ``str.split``).
    """

    name = "bm25-underthesea-v2"

    def __init__(
        self,
        *,
        k1: float = 1.2,
        b: float = 0.75,
        avg_len: float = 200.0,
        words: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.k1, self.b, self.avg_len = k1, b, avg_len
        self._words = words or segment.words

    def terms(self, text: str) -> list[str]:
        """Word and syllable terms of ``text`` (with repeats), diacritics kept."""
        out: list[str] = []
        for word in _join_symbols(text, self._words(text)):
            word = word.lower().strip()
            if not word or _PUNCTUATION.match(word):
                continue
            syllables = word.split()
            out.append("_".join(syllables))
            if len(syllables) > 1:
                out.extend(_SYLLABLE + syllable for syllable in syllables)
        return out

    @staticmethod
    def folded_terms(terms: Sequence[str]) -> list[str]:
        """The syllables of ``terms`` without diacritics, as matched by queries typed without."""
        out: list[str] = []
        for term in terms:
            if term.startswith(_SYLLABLE):
                continue
            out.extend(_FOLDED + strip_diacritics(s) for s in term.split("_"))
        return out

    def passage(self, text: str) -> SparseVector:
        terms = self.terms(text)
        counts = Counter(terms)
        counts.update(self.folded_terms(terms))
        norm = self.k1 * (1 - self.b + self.b * len(terms) / self.avg_len)
        weights = {t: tf * (self.k1 + 1) / (tf + norm) for t, tf in counts.items()}
        return _vector(weights)

    def query(self, text: str) -> SparseVector:
        """1 per distinct term: folded syllables, and the exact terms of text with diacritics."""
        terms = self.terms(text)
        chosen = set(self.folded_terms(terms))
        if has_diacritics(text):
            chosen.update(terms)
        return _vector(dict.fromkeys(chosen, 1.0))

    def passages(self, texts: Sequence[str]) -> list[SparseVector]:
        return [self.passage(text) for text in texts]


def _join_symbols(text: str, words: list[str]) -> list[str]:
    """Rejoin document symbols that the segmenter split at "/" ("1234", "/", "QĐ-UBND")."""
    symbols = [m.group() for m in _SYMBOL.finditer(text) if any(c.isdigit() for c in m.group())]
    if not symbols:
        return words
    out: list[str] = []
    for word in words:
        joined = f"{out[-2]}/{word}" if len(out) >= 2 and out[-1] == "/" else None
        if joined is not None and any(joined in symbol for symbol in symbols):
            out[-2:] = [joined]
        else:
            out.append(word)
    return out


def _vector(weights: dict[str, float]) -> SparseVector:
    merged: dict[int, float] = {}
    for term, weight in weights.items():
        key = term_id(term)
        merged[key] = merged.get(key, 0.0) + weight
    indices = tuple(sorted(merged))
    return SparseVector(indices=indices, values=tuple(merged[i] for i in indices))
