"""The category router: a linear model over sparse features, calibrated by temperature.

The model is ``router.npz`` and ``router.json`` (see ``nlp.linear``), built by
``nlp.linear_training``; the department comes from the routing table, not from the model.

    >>> router = CategoryRouter(Path("models/router"), routing_table)
    >>> router.warm_up()
    >>> router.route(for_model("Đường Võ Văn Ngân ngập sâu"), ward=None).category
    'thoat_nuoc'
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from core.types import Routing, ScoredLabel
from nlp import features
from nlp.linear import FeatureBatch, LinearTextModel
from nlp.normalize import strip_diacritics

STEM = "router"
REBUILD = "langnghe train router"
#: A class the router may be trained with besides the categories: vague reports that name no
#: problem ("Như đã báo, vẫn chưa thấy ai xuống"). It is never an answer; the probability it
#: takes lowers every category's, so such a report waits for triage instead of going, sure,
#: to a desk chosen by words like "lại nữa rồi" or the name of a school.
UNCLEAR = "_unclear"


class DepartmentLookup(Protocol):
    def department_for(self, category: str, ward: str | None) -> str | None: ...


def load_router(directory: Path) -> LinearTextModel:
    return LinearTextModel.load(directory, STEM, REBUILD, {"analyzer": features.ANALYZER})


class CategoryRouter:
    """Routes a model text to a category and department, with confidence and explanation."""

    def __init__(self, model_dir: Path, departments: DepartmentLookup, top_k: int = 3) -> None:
        self._model_dir = model_dir
        self._departments = departments
        self._top_k = top_k
        self._model: LinearTextModel | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                self._model = load_router(self._model_dir)

    @property
    def model(self) -> LinearTextModel:
        if self._model is None:
            self.warm_up()
        assert self._model is not None
        return self._model

    def route(
        self,
        model_text: str,
        ward: str | None,
        feats: list[str] | None = None,
        places: Sequence[str] = (),
    ) -> Routing:
        """Route one text; ``feats`` are its ``features.analyze`` features when already computed.

        ``places`` (street, landmark … names found in the text) are left out of the explanation:
        staff need the words about the problem, not the address.
        """
        idx, values, probs = self._scored(model_text, feats)
        return self._routing(probs, idx, values, model_text, ward, places)

    def probabilities(self, model_text: str) -> np.ndarray:
        """Every class's probability for one model text, in ``model.classes`` order (the
        ``_unclear`` class included)."""
        return self._scored(model_text, None)[2]

    def _scored(
        self, model_text: str, feats: list[str] | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        m = self.model
        idx, values = m.vectorize(features.analyze(model_text) if feats is None else feats)
        return idx, values, m.probabilities(m.decision(idx, values))

    def route_batch(
        self,
        model_texts: Sequence[str],
        wards: Sequence[str | None],
        batch: FeatureBatch,
        places: Sequence[Sequence[str]],
    ) -> list[Routing]:
        """``route`` of many texts; ``batch`` holds their ``features.analyze`` features."""
        m = self.model
        x = m.vectorize_batch(batch)
        probs = m.probabilities_batch(m.decisions(x))
        out = []
        for i, (text, ward, names) in enumerate(zip(model_texts, wards, places, strict=True)):
            a, b = x.indptr[i], x.indptr[i + 1]
            out.append(self._routing(probs[i], x.indices[a:b], x.data[a:b], text, ward, names))
        return out

    def _routing(
        self,
        probs: np.ndarray,
        idx: np.ndarray,
        values: np.ndarray,
        model_text: str,
        ward: str | None,
        places: Sequence[str],
    ) -> Routing:
        m = self.model
        order = [i for i in np.argsort(-probs) if m.classes[i] != UNCLEAR]
        best = m.classes[order[0]]
        return Routing(
            category=best,
            confidence=float(probs[order[0]]),
            alternatives=tuple(
                ScoredLabel(m.classes[i], float(probs[i])) for i in order[1 : 1 + self._top_k]
            ),
            department=self._departments.department_for(best, ward),
            explanation=_explain(m, int(order[0]), idx, values, model_text, places),
            model_version=m.version,
        )


def _explain(
    m: LinearTextModel,
    cls: int,
    idx: np.ndarray,
    values: np.ndarray,
    model_text: str,
    places: Sequence[str] = (),
    k: int = 5,
) -> tuple[str, ...]:
    """The words of the text, as written, that pushed it most towards the chosen class."""
    contrib = m.coef[cls, idx] * values
    readable = m.word_level[idx]  # character n-grams are not words a reader can read
    as_written = features.syllables_as_written(model_text)
    out: list[str] = []
    seen: list[str] = []
    address = {syl for p in places for syl in strip_diacritics(p).lower().split()}
    for j in np.argsort(-contrib):
        if contrib[j] <= 0 or len(out) >= k:
            break
        if not readable[j]:
            continue
        word = features.readable(m.names[int(idx[j])], as_written)
        key = strip_diacritics(word) if word else ""
        if not word or len(word) < 2 or address.intersection(key.lower().split()):
            continue
        if not any(key in s or s in key for s in seen):
            out.append(word)
            seen.append(key)
    return tuple(out)
