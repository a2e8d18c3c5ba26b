"""Sparse features of a text for the linear models: syllables and characters.

Families, prefixed so they share one vocabulary:

- ``w:`` syllables as written (``w:ngập``) and ``b:`` their bigrams (``b:ngập|nước``);
- ``s:`` syllables without diacritics (``s:ngap``) and ``t:`` their bigrams;
- ``c:`` character 3–5-grams of the text without diacritics, inside word boundaries.

The diacritic-free families make text typed without diacritics look like text typed with them.
A Vietnamese word of two syllables is a syllable bigram, so the bigram families carry what word
segmentation would: until ``syllables-1`` the ``w:``/``b:`` families were underthesea words, which
cost a third of the pipeline's time (its CRF) and measured no better (``eval/REPORT.md``).
Every model records ``ANALYZER``; one trained on other features is refused at load time.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from nlp.normalize import strip_diacritics

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

#: Version of ``analyze``'s output, recorded by every model trained on it.
ANALYZER = "syllables-1"


def analyze(model_text: str) -> list[str]:
    """All features of one model text (as produced by ``normalize.for_model``)."""
    feats: list[str] = []
    wordlist = _TOKEN.findall(model_text)
    feats += ["w:" + w for w in wordlist]
    feats += [f"b:{a}|{b}" for a, b in itertools.pairwise(wordlist)]
    plain = strip_diacritics(model_text)
    syllables = _TOKEN.findall(plain)
    feats += ["s:" + s for s in syllables]
    feats += [f"t:{a}_{b}" for a, b in itertools.pairwise(syllables)]
    for syl in syllables:
        feats += char_grams(syl)
    return feats


@lru_cache(maxsize=200_000)
def char_grams(syllable: str) -> tuple[str, ...]:
    """The ``c:`` features of one syllable without diacritics: its 3–5-grams, padded with a
    space each side. Syllables repeat across texts (a few thousand cover most), so each is cut
    once; ``nlp.embed_hashing`` hashes the same grams."""
    padded = f" {syllable} "
    return tuple("c:" + padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def syllables_as_written(model_text: str) -> dict[str, str]:
    """Each syllable without diacritics → the syllable as the text wrote it (first seen)."""
    written = _TOKEN.findall(model_text)
    plain = _TOKEN.findall(strip_diacritics(model_text))
    out: dict[str, str] = {}
    for p, w in zip(plain, written, strict=False):
        out.setdefault(p, w)
    return out


def readable(feature: str, as_written: dict[str, str]) -> str | None:
    """A word a staff member can read for a word-level feature; None for character n-grams.

    Features without diacritics are shown as the text wrote them (``s:ngap`` → "ngập").
    """
    kind, _, value = feature.partition(":")
    if kind == "w":
        return value.replace("_", " ")
    if kind == "b":
        return value.replace("|", " ").replace("_", " ")
    if kind in ("s", "t"):
        return " ".join(as_written.get(s, s) for s in value.split("_"))
    return None
