"""The category router: a linear model over sparse features, calibrated by temperature.

The model is two files in a folder: ``router.npz`` (idf weights, coefficients, intercepts) and
``router.json`` (classes, feature vocabulary, temperature, checksum of the npz, training
metrics). Inference needs only numpy. ``nlp.router_training`` builds the files.

    >>> router = CategoryRouter(Path("models/router"), routing_table)
    >>> router.warm_up()
    >>> router.route(for_model("Đường Võ Văn Ngân ngập sâu"), ward=None).category
    'thoat_nuoc'
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import ModelUnavailable
from core.types import Routing, ScoredLabel
from nlp import features
from nlp.normalize import strip_diacritics

NPZ = "router.npz"
META = "router.json"
REBUILD_HINT = "rebuild it with `langnghe train router`"


class DepartmentLookup(Protocol):
    def department_for(self, category: str, ward: str | None) -> str | None: ...


@dataclass(frozen=True)
class RouterModel:
    """Weights of the linear router (classes × features)."""

    classes: tuple[str, ...]
    names: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float
    version: str
    meta: dict[str, Any]
    vocabulary: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocabulary", {f: i for i, f in enumerate(self.names)})

    def vectorize(self, feats: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear tf-idf, L2-normalised (the same as scikit-learn's TfidfVectorizer)."""
        counts = Counter(self.vocabulary[f] for f in feats if f in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[idx]
        values /= np.linalg.norm(values)
        return idx, values

    def decision(self, idx: np.ndarray, values: np.ndarray) -> np.ndarray:
        return self.coef[:, idx] @ values + self.intercept

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        z = scores / self.temperature
        z = np.exp(z - z.max())
        probs: np.ndarray = z / z.sum()
        return probs

    def save(self, directory: Path, extra_meta: dict[str, Any]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        npz = directory / NPZ
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
            "sha256": _sha256(npz),
            "vocabulary": list(self.names),
        }
        (directory / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> RouterModel:
        npz, meta_path = directory / NPZ, directory / META
        for path in (npz, meta_path):
            if not path.is_file():
                raise ModelUnavailable(
                    f"router model file {path} is missing; {REBUILD_HINT}", code="router.missing"
                )
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("sha256") != _sha256(npz):
                raise ValueError("checksum of router.npz does not match router.json")
            with np.load(npz) as arrays:
                coef = arrays["coef"].astype(np.float64)
                idf = arrays["idf"].astype(np.float64)
                intercept = arrays["intercept"].astype(np.float64)
            names = tuple(meta["vocabulary"])
            if coef.shape != (len(meta["classes"]), len(names)) or idf.shape != (len(names),):
                raise ValueError("array shapes do not match the vocabulary")
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
            raise ModelUnavailable(
                f"router model in {directory} is corrupt ({exc}); {REBUILD_HINT}",
                code="router.corrupt",
            ) from exc
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


class CategoryRouter:
    """Routes a model text to a category and department, with confidence and explanation."""

    def __init__(self, model_dir: Path, departments: DepartmentLookup, top_k: int = 3) -> None:
        self._model_dir = model_dir
        self._departments = departments
        self._top_k = top_k
        self._model: RouterModel | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                self._model = RouterModel.load(self._model_dir)

    @property
    def model(self) -> RouterModel:
        if self._model is None:
            self.warm_up()
        assert self._model is not None
        return self._model

    def route(self, model_text: str, ward: str | None) -> Routing:
        m = self.model
        feats = features.analyze(model_text)
        idx, values = m.vectorize(feats)
        probs = m.probabilities(m.decision(idx, values))
        order = np.argsort(-probs)
        best = m.classes[order[0]]
        return Routing(
            category=best,
            confidence=float(probs[order[0]]),
            alternatives=tuple(
                ScoredLabel(m.classes[i], float(probs[i])) for i in order[1 : 1 + self._top_k]
            ),
            department=self._departments.department_for(best, ward),
            explanation=_explain(m, int(order[0]), idx, values, model_text),
            model_version=m.version,
        )


def _explain(
    m: RouterModel, cls: int, idx: np.ndarray, values: np.ndarray, model_text: str, k: int = 5
) -> tuple[str, ...]:
    """The words of the text, as written, that pushed it most towards the chosen class."""
    contrib = m.coef[cls, idx] * values
    as_written = features.syllables_as_written(model_text)
    out: list[str] = []
    seen: list[str] = []
    for j in np.argsort(-contrib):
        if contrib[j] <= 0 or len(out) >= k:
            break
        word = features.readable(m.names[int(idx[j])], as_written)
        key = strip_diacritics(word) if word else ""
        if word and not any(key in s or s in key for s in seen):
            out.append(word)
            seen.append(key)
    return tuple(out)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
