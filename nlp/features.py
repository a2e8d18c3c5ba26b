"""Sparse features of a text for the linear models: words, syllables and characters.

Four families, prefixed so they share one vocabulary:

- ``w:`` underthesea words of the text as written (``w:võ_văn_ngân``) and ``b:`` word bigrams;
- ``s:`` syllables without diacritics (``s:ngap``) and ``t:`` their bigrams;
- ``c:`` character 3–5-grams of the text without diacritics, inside word boundaries.

The diacritic-free families make text typed without diacritics look like text typed with them.
"""

from __future__ import annotations

import re

from nlp import segment
from nlp.normalize import strip_diacritics

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def analyze(model_text: str) -> list[str]:
    """All features of one model text (as produced by ``normalize.for_model``)."""
    feats: list[str] = []
    wordlist = [w.replace(" ", "_") for w in segment.words(model_text) if _TOKEN.search(w)]
    feats += ["w:" + w for w in wordlist]
    feats += [f"b:{a}|{b}" for a, b in zip(wordlist, wordlist[1:], strict=False)]
    plain = strip_diacritics(model_text)
    syllables = _TOKEN.findall(plain)
    feats += ["s:" + s for s in syllables]
    feats += [f"t:{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)]
    for syl in syllables:
        padded = f" {syl} "
        for n in (3, 4, 5):
            feats += ["c:" + padded[i : i + n] for i in range(len(padded) - n + 1)]
    return feats


def readable(feature: str) -> str | None:
    """A word a staff member can read for a word-level feature; None for character n-grams."""
    kind, _, value = feature.partition(":")
    if kind == "w":
        return value.replace("_", " ")
    if kind == "b":
        return value.replace("|", " ").replace("_", " ")
    if kind in ("s", "t"):
        return value.replace("_", " ")
    return None
