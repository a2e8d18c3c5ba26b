"""Rebuilding the text categorizers: ``langnghe train sentiment|toxicity|spam|relevance``.

Each task gathers its training sets (public research corpora read from the shared data folder,
never copied, and the project's own hand-written sets under ``eval/data/``), trains a calibrated
linear model (``nlp.linear_training``), evaluates it on dev splits and held-out fifths, and
writes ``<task>.npz``, ``<task>.json`` and ``CARD.md`` together. The data lives in
``services.textcat_data``, the evaluation in ``services.textcat_evaluation`` and the card text in
``services.textcat_card``; this module holds the estimators and the training run.

    >>> cache = FeatureCache()                      # one per training run
    >>> for task in TASKS:
    ...     train_textcat_files(task, Path("eval/data"), Path("models") / task,
    ...                         Path("../shared/data"), cache=cache)

Until the ``langnghe train <task>`` commands are wired: ``python -m services.train_textcat TASK``.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from nlp import features
from nlp.linear_training import Candidate, train_linear
from nlp.textcat import FEATURE_SET, TextCategorizer
from services.textcat_card import card
from services.textcat_data import ALL_TASKS, WEIGHTS, classes_of, rebuild_of, task_data
from services.textcat_evaluation import FeatureCache, evaluate_sets, predictor

log = logging.getLogger(__name__)


class _OneVsRest:
    """One binary linear model per class, optionally on naive-Bayes-scaled features (NB-SVM).

    NB scaling multiplies each feature by its log-count ratio for the class (Wang & Manning
    2012), which helps sentiment; the scaling is folded into the coefficients, so the result is
    an ordinary linear model over the same tf-idf vector. It also gives binary tasks one
    coefficient row per class, as ``LinearTextModel`` expects.
    """

    def __init__(self, base: Candidate, naive_bayes: bool, alpha: float = 1.0) -> None:
        self.base, self.naive_bayes, self.alpha = base, naive_bayes, alpha
        self.coef_: np.ndarray = np.zeros((0, 0))
        self.intercept_: np.ndarray = np.zeros(0)

    def fit(
        self, x: sp.csr_matrix, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> _OneVsRest:
        n_classes = int(y.max()) + 1
        present = (x > 0).astype(np.float64).tocsr()
        coef, intercept = np.zeros((n_classes, x.shape[1])), np.zeros(n_classes)
        for c in range(n_classes):
            target = (y == c).astype(int)
            r = np.ones(x.shape[1])
            if self.naive_bayes:
                p = np.asarray(present[target == 1].sum(axis=0)).ravel() + self.alpha
                q = np.asarray(present[target == 0].sum(axis=0)).ravel() + self.alpha
                r = np.log((p / p.sum()) / (q / q.sum()))
            clf = self.base.build()
            clf.fit(sp.csr_matrix(x.multiply(r)), target, sample_weight=sample_weight)
            coef[c] = clf.coef_.ravel() * r
            intercept[c] = float(clf.intercept_[0])
        self.coef_, self.intercept_ = coef, intercept
        return self

    def decision_function(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef_.T) + self.intercept_


@dataclass(frozen=True, slots=True)
class OneVsRestCandidate(Candidate):
    """``ovr-svm@0.3`` (plain one-vs-rest) or ``nb-logreg@10`` (naive-Bayes-scaled features)."""

    def build(self) -> _OneVsRest:  # type: ignore[override]
        scaling, _, base = self.name.partition("-")
        return _OneVsRest(Candidate(base), naive_bayes=scaling == "nb")


def _cands(*names: str) -> tuple[Candidate, ...]:
    return tuple(OneVsRestCandidate(n) for n in names)


#: Estimators compared by cross-validation, per task (chosen from dev-set experiments).
CANDIDATES: dict[str, tuple[Candidate, ...]] = {
    "sentiment": _cands("nb-logreg@10", "nb-svm@0.3"),
    "toxicity": _cands("ovr-svm@0.3", "ovr-svm@0.1"),
    "spam": _cands("ovr-svm@1", "ovr-logreg@20"),
    "relevance": _cands("nb-svm@0.1", "nb-svm@0.3"),
    "vsfc_topic": _cands("nb-logreg@10", "ovr-svm@1"),
}


def train_textcat_files(
    task: str,
    data_dir: Path,
    out_dir: Path,
    shared_dir: Path,
    *,
    cache: FeatureCache | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Train ``task``, save it to ``out_dir``, evaluate, write ``CARD.md``; return the metrics.

    ``data_dir`` is the project's ``eval/data``; ``shared_dir`` holds the public corpora;
    ``limit`` caps the examples taken from each public corpus (for quick runs and tests).
    """
    cache = cache if cache is not None else FeatureCache()
    classes = classes_of(task)
    data = task_data(task, data_dir, shared_dir, limit)
    version = datetime.now(UTC).strftime(f"{task}-%Y%m%d%H%M")
    model, info = train_linear(
        data.train,
        classes,
        version,
        candidates=CANDIDATES[task],
        featurize=cache,
        weights=data.weights,
    )
    info |= {
        "feature_set": FEATURE_SET,
        "analyzer": features.ANALYZER,
        "sources": data.sources,
        "source_weights": {s: WEIGHTS[s] for s in data.sources},
        "label_counts": dict(Counter(e.label for e in data.train)),
    }
    model.save(out_dir, task, info)
    categorizer = TextCategorizer(out_dir, task, rebuild_of(task))
    categorizer.warm_up()  # the files just written must load
    metrics = evaluate_sets(predictor(categorizer, cache), data.evals)
    log.info("train.textcat_done task=%s version=%s", task, version)
    (out_dir / "CARD.md").write_text(card(task, info, metrics, model), encoding="utf-8")
    return {"info": info, "metrics": metrics}


def main() -> None:  # pragma: no cover - a thin command line until `langnghe train <task>` exists
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description="Train text categorizers and write their cards.")
    ap.add_argument("tasks", nargs="+", choices=ALL_TASKS)
    ap.add_argument("--data-dir", type=Path, default=root / "eval" / "data")
    ap.add_argument("--model-dir", type=Path, default=root / "models")
    ap.add_argument("--shared-dir", type=Path, default=root.parent / "shared" / "data")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO)
    cache = FeatureCache()
    for task in args.tasks:
        result = train_textcat_files(
            task, args.data_dir, args.model_dir / task, args.shared_dir, cache=cache
        )
        for name, m in result["metrics"].items():
            print(f"{task} {name}: n={m['n']} acc={m['accuracy']:.4f} macro-F1={m['macro_f1']:.4f}")


if __name__ == "__main__":  # pragma: no cover
    main()
