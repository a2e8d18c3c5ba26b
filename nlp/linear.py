"""Linear text classifiers over sparse tf-idf features, calibrated by a softmax temperature.

A model is two files: ``<stem>.npz`` (idf weights, coefficients, intercepts) and ``<stem>.json``
(classes, feature vocabulary, temperature, the npz checksum, training metadata). Inference needs
numpy only; ``nlp.linear_training`` builds them with scikit-learn.

    >>> model = LinearTextModel.load(Path("models/router"), "router", "langnghe train router")
    >>> idx, values = model.vectorize(features.analyze(text))
    >>> model.probabilities(model.decision(idx, values))

Many texts at once (the pipeline's batches): their features are looked up and counted once in a
``FeatureBatch``, and each model reads that batch with one sparse product.

    >>> batch = FeatureBatch.of([features.analyze(t) for t in texts])
    >>> model.probabilities_batch(model.decisions(model.vectorize_batch(batch)))
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from core.errors import ModelUnavailable
from nlp import features


class _FeatureSpace:
    """One id per feature string across all loaded models, and a one-list memo per thread."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._size = 0  # ids known when a memo was made: a model bound later invalidates it
        self._lock = threading.Lock()
        self._memo = threading.local()

    def bind(self, names: tuple[str, ...]) -> np.ndarray:
        """Register a model's vocabulary; returns shared id → the model's own index (or -1)."""
        with self._lock:
            for name in names:
                self._ids.setdefault(name, len(self._ids))
            self._size = len(self._ids)
            local = np.full(len(self._ids), -1, dtype=np.int64)
            local[[self._ids[n] for n in names]] = np.arange(len(names))
        return local

    @property
    def size(self) -> int:
        return len(self._ids)

    def encode(self, feats: list[str], remember: bool = True) -> np.ndarray:
        memo = self._memo
        if (
            remember
            and getattr(memo, "feats", None) is feats
            and memo.length == len(feats)
            and memo.size == self._size
        ):
            cached: np.ndarray = memo.ids
            return cached
        get = self._ids.get
        ids = np.fromiter((get(f, -1) for f in feats), dtype=np.int64, count=len(feats))
        if remember:
            memo.feats, memo.length, memo.ids, memo.size = feats, len(feats), ids, self._size
        return ids


_SPACE = _FeatureSpace()


@dataclass(frozen=True)
class FeatureBatch:
    """The feature counts of many texts in the shared space: each feature looked up and counted
    once for every model that reads the batch (the pipeline's six linear models)."""

    feats: tuple[list[str], ...] = field(repr=False)
    space_size: int  # ids known when it was counted: a model bound later needs a recount
    rows: np.ndarray  # text index of each distinct (text, feature) pair, sorted by text
    ids: np.ndarray  # its shared feature id
    counts: np.ndarray  # how often the text has it
    id_rows: tuple[np.ndarray, ...] = field(repr=False)
    _derived: dict[str, FeatureBatch] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, feats: Sequence[list[str]]) -> FeatureBatch:
        size = _SPACE.size
        id_rows = tuple(_SPACE.encode(f, remember=False) for f in feats)
        return cls._count(tuple(feats), size, id_rows)

    @property
    def size(self) -> int:
        return len(self.feats)

    @classmethod
    def _count(
        cls, feats: tuple[list[str], ...], space_size: int, id_rows: tuple[np.ndarray, ...]
    ) -> FeatureBatch:
        n = len(id_rows)
        lengths = np.fromiter(map(len, id_rows), dtype=np.int64, count=n)
        ids = np.concatenate(id_rows) if n else np.zeros(0, dtype=np.int64)
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        known = ids >= 0
        width = space_size + 1
        keys, counts = np.unique(rows[known] * width + ids[known], return_counts=True)
        return cls(feats, space_size, keys // width, keys % width, counts, id_rows)

    def current(self) -> FeatureBatch:
        """This batch, recounted if a model was loaded (and its vocabulary bound) since."""
        if self.space_size == _SPACE.size:
            return self
        if "current" not in self._derived or self._derived["current"].space_size != _SPACE.size:
            self._derived["current"] = FeatureBatch.of(self.feats)
        return self._derived["current"]

    def extended(self, name: str, extra: Callable[[], Sequence[list[str]]]) -> FeatureBatch:
        """This batch plus ``extra()`` features per text, computed once per ``name`` (the
        categorizers' surface features, shared by the four of them)."""
        if name not in self._derived:
            more = list(extra())
            if len(more) != self.size:
                raise ValueError(f"{len(more)} extra feature lists for a batch of {self.size}")
            feats = tuple(f + m for f, m in zip(self.feats, more, strict=True))
            size = _SPACE.size
            if size != self.space_size:
                self._derived[name] = FeatureBatch.of(feats)
            else:
                merged = tuple(
                    np.concatenate([ids, _SPACE.encode(m, remember=False)])
                    for ids, m in zip(self.id_rows, more, strict=True)
                )
                self._derived[name] = FeatureBatch._count(feats, size, merged)
        return self._derived[name]


@dataclass(frozen=True)
class LinearTextModel:
    """Weights of a linear text classifier (classes × features), calibrated by temperature."""

    classes: tuple[str, ...]
    names: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float
    version: str
    meta: dict[str, Any]
    vocabulary: dict[str, int] = field(init=False, repr=False)
    coef_by_feature: np.ndarray = field(init=False, repr=False)
    local_of_shared: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocabulary", {f: i for i, f in enumerate(self.names)})
        # features × classes, contiguous: one row gather per text instead of a column gather
        object.__setattr__(self, "coef_by_feature", np.ascontiguousarray(self.coef.T))
        object.__setattr__(self, "local_of_shared", _SPACE.bind(self.names))

    @cached_property
    def word_level(self) -> np.ndarray:
        """Which features a reader can read (words, not character n-grams), for explanations;
        worked out on first use, so models that explain nothing never pay for it."""
        return np.array([features.readable(f, {}) is not None for f in self.names], bool)

    def vectorize(
        self, feats: list[str], extra: list[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear tf-idf, L2-normalised (the same as scikit-learn's TfidfVectorizer).

        Feature strings are looked up once per list in a space shared by every loaded model,
        so the pipeline's six models reading the same ``feats`` pay for one lookup, not six.
        """
        ids = _SPACE.encode(feats)
        if extra:
            ids = np.concatenate([ids, _SPACE.encode(extra, remember=False)])
        local = self.local_of_shared[np.minimum(ids, len(self.local_of_shared) - 1)]
        local = local[(ids >= 0) & (ids < len(self.local_of_shared)) & (local >= 0)]
        if local.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        idx, tf = np.unique(local, return_counts=True)
        values = (1.0 + np.log(tf)) * self.idf[idx]
        values /= np.linalg.norm(values)
        return idx, values

    def decision(self, idx: np.ndarray, values: np.ndarray) -> np.ndarray:
        return values @ self.coef_by_feature[idx] + self.intercept

    def vectorize_batch(self, batch: FeatureBatch) -> sparse.csr_matrix:
        """``vectorize`` of every text of ``batch``, as the rows of one sparse matrix whose row
        ``i`` holds exactly ``vectorize``'s ``(idx, values)`` of text ``i``."""
        batch = batch.current()
        known = len(self.local_of_shared)
        inside = batch.ids < known
        local = self.local_of_shared[batch.ids[inside]]
        mine = local >= 0
        rows, cols = batch.rows[inside][mine], local[mine]
        values = (1.0 + np.log(batch.counts[inside][mine])) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=batch.size))
        values /= norms[rows]
        shape = (batch.size, len(self.names))
        return sparse.csr_matrix((values, (rows, cols)), shape=shape)

    def decisions(self, x: sparse.csr_matrix) -> np.ndarray:
        """``decision`` of every row of ``vectorize_batch``'s matrix (texts × classes)."""
        scores: np.ndarray = np.asarray(x @ self.coef_by_feature) + self.intercept
        return scores

    def probabilities_batch(self, scores: np.ndarray) -> np.ndarray:
        z = scores / self.temperature
        z = np.exp(z - z.max(axis=1, keepdims=True))
        probs: np.ndarray = z / z.sum(axis=1, keepdims=True)
        return probs

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        z = scores / self.temperature
        z = np.exp(z - z.max())
        probs: np.ndarray = z / z.sum()
        return probs

    def save(self, directory: Path, stem: str, extra_meta: dict[str, Any]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        npz = directory / f"{stem}.npz"
        np.savez_compressed(
            npz,
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
        )
        meta = {
            **extra_meta,
            "version": self.version,
            "classes": list(self.classes),
            "temperature": self.temperature,
            "sha256": file_sha256(npz),
            "vocabulary": list(self.names),
        }
        (directory / f"{stem}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")

    @classmethod
    def load(
        cls, directory: Path, stem: str, rebuild: str, expect: Mapping[str, str] | None = None
    ) -> LinearTextModel:
        """Load ``<stem>.npz`` and ``<stem>.json``; ``rebuild`` is the command that recreates them.

        Missing or corrupt files, or a model whose metadata differs from ``expect`` (e.g. its
        ``analyzer``: trained on other features), raise ``ModelUnavailable`` naming that command.
        """
        hint = f"rebuild it with `{rebuild}`"
        npz, meta_path = directory / f"{stem}.npz", directory / f"{stem}.json"
        for path in (npz, meta_path):
            if not path.is_file():
                raise ModelUnavailable(
                    f"{stem} model file {path} is missing; {hint}", code=f"{stem}.missing"
                )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("sha256") != file_sha256(npz):
                raise ValueError(f"checksum of {npz.name} does not match {meta_path.name}")
            with np.load(npz) as arrays:
                coef = arrays["coef"].astype(np.float64)
                idf = arrays["idf"].astype(np.float64)
                intercept = arrays["intercept"].astype(np.float64)
            names = tuple(meta["vocabulary"])
            if coef.shape != (len(meta["classes"]), len(names)) or idf.shape != (len(names),):
                raise ValueError("array shapes do not match the vocabulary")
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise ModelUnavailable(
                f"{stem} model in {directory} is corrupt ({exc}); {hint}", code=f"{stem}.corrupt"
            ) from exc
        for key, want in (expect or {}).items():
            if meta.get(key) != want:
                raise ModelUnavailable(
                    f"{stem} model in {directory} was trained on {key.replace('_', ' ')} "
                    f"{meta.get(key, 'before versioning')!r}, not {want!r}; {hint}",
                    code=f"{stem}.corrupt",
                )
        return cls(
            classes=tuple(meta["classes"]),
            names=names,
            idf=idf,
            coef=coef,
            intercept=intercept,
            temperature=float(meta["temperature"]),
            version=str(meta["version"]),
            meta={k: v for k, v in meta.items() if k != "vocabulary"},
        )


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
