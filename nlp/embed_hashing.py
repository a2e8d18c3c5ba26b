"""Embedders without a model: hashed syllables (a test fake) and hashed character n-grams.

Both follow ``nlp.embed.Embedder`` and cost a fraction of a millisecond per text.
``HashingEmbedder`` stands in for e5 in tests (same 384 columns); ``LexicalEmbedder`` is the
default vector for telling duplicate reports apart (``eval/duplicates_eval.py``).

    >>> LexicalEmbedder().passages(["Cống nghẹt ở hẻm 12"]).shape
    (1, 1024)
"""

from __future__ import annotations

import hashlib
import itertools
import re
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from nlp import features
from nlp.e5_weights import DIM
from nlp.normalize import for_model, strip_diacritics

__all__ = ["HashingEmbedder", "LexicalEmbedder"]


class HashingEmbedder:
    """A deterministic fake: hashed syllables and syllable pairs (diacritics folded), no model.

    Same protocol and shapes as the real ones, stable across processes and machines, and
    texts sharing words come out closer than unrelated ones, which is what tests need.

        >>> HashingEmbedder().passages(["mất điện"]) @ HashingEmbedder().queries(["mat dien"])[0]
        array([1.], dtype=float32)
    """

    name = "hashing-fake"

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim

    def warm_up(self) -> None:
        return None

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self._one(t) for t in texts])

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.passages(texts)

    def _one(self, text: str) -> np.ndarray:
        words = strip_diacritics(text.lower()).split() or [""]
        feats = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        v = np.zeros(self.dim, np.float32)
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            v[0], norm = 1.0, 1.0
        return v / norm


_SYLLABLES = re.compile(r"[^\W_]+")


@lru_cache(maxsize=200_000)
def _gram_hashes(syllable: str) -> tuple[int, ...]:
    """CRC-32 of the syllable's character 3–5-grams (``features.char_grams``), once per syllable."""
    return tuple(zlib.crc32(gram[2:].encode()) for gram in features.char_grams(syllable))


class LexicalEmbedder:
    """Character 3–5-grams of the text without diacritics, hashed into a small dense vector.

    Not a model of meaning, but measured better than multilingual-e5-small at telling
    duplicate reports apart (``eval/duplicates_eval.py``): citizens retype the same incident
    with and without diacritics, in teencode, and e5 scores such pairs below unrelated ones.
    It costs a fraction of a millisecond and 2 KiB per stored feedback (1,024 float16), four
    times the 256 columns it had: fewer grams share a column (duplicates F1 0.84 → 0.87 on the
    development pairs).

        >>> v = LexicalEmbedder().passages(["Cống nghẹt ở hẻm 12", "cong nghet o hem 12"])
        >>> float(v[0] @ v[1])
        1.0
    """

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim
        self.name = f"lexical-char-hash-{dim}"

    def warm_up(self) -> None:
        return None

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        # every (text, gram hash) pair of the batch at once: row << 32 | crc32, counted by np.unique
        keys = np.fromiter(
            (
                row << 32 | h
                for row, text in enumerate(texts)
                for syllable in _SYLLABLES.findall(strip_diacritics(for_model(text)))
                for h in _gram_hashes(syllable)
            ),
            np.int64,
        )
        pairs, counts = np.unique(keys, return_counts=True)
        hashes = pairs & 0xFFFFFFFF
        signs = np.where((hashes >> 16) & 1, 1.0, -1.0)
        out = np.zeros((len(texts), self.dim), np.float64)
        np.add.at(out, (pairs >> 32, hashes % self.dim), (1.0 + np.log(counts)) * signs)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.passages(texts)
