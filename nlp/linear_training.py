"""Training of linear text classifiers (scikit-learn lives here and only here).

Labelled sets are JSON-lines files (``{"text", "category", "style"}``). For our own seed sets
a fixed fifth, chosen by a hash of the text, is held out for evaluation and never trained on,
so numbers stay comparable when the set grows.

    >>> examples = load_examples(Path("eval/data/router_seed"))
    >>> train, held_out = split_held_out(examples)
    >>> model, info = train_linear(train, classes, version="router-2026…")
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, recall_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from core.errors import InvalidInput
from nlp import features
from nlp.linear import LinearTextModel
from nlp.normalize import for_model, strip_diacritics


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str
    style: str = ""


ADOPTED = "adopted.json"


def adopted_sets(data_dir: Path) -> list[Path]:
    """The blind sets (folders beside ``data_dir``) that ``data_dir/adopted.json`` adds to the
    training data; none when the file is absent. A named folder that is missing is an error."""
    path = data_dir / ADOPTED
    if not path.is_file():
        return []
    names = json.loads(path.read_text(encoding="utf-8"))["sets"]
    dirs = [data_dir.parent / str(name) for name in names]
    missing = [d.name for d in dirs if not d.is_dir()]
    if missing:
        raise FileNotFoundError(f"{path} names sets that are not there: {missing}")
    return dirs


def set_number(name: str, kind: str) -> int:
    """``router_fresh`` → 1, ``router_fresh2`` → 2: the order the blind sets were written in; a
    folder with some other suffix ("router_fresh_old") last, rather than an error."""
    suffix = name.removeprefix(f"{kind}_fresh")
    return 1 if not suffix else int(suffix) if suffix.isdigit() else 10**6


def blind_set_dirs(data_dir: Path, kind: str) -> list[Path]:
    """The blind test sets of ``kind`` in ``data_dir`` (``<kind>_fresh*/``), oldest first."""
    return sorted(data_dir.glob(f"{kind}_fresh*/"), key=lambda d: set_number(d.name, kind))


def load_examples(directory: Path) -> list[Example]:
    """Every ``*.jsonl`` file of ``directory``; a malformed line is an error, not a skip."""
    out: list[Example] = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append(Example(row["text"], row["category"], row.get("style", "")))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InvalidInput(f"{path}:{n}: bad seed line ({exc})") from exc
    if not out:
        raise InvalidInput(f"no labelled examples in {directory}")
    return out


def is_held_out(text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 5 == 0


def split_held_out(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    train = [e for e in examples if not is_held_out(e.text)]
    held = [e for e in examples if is_held_out(e.text)]
    return train, held


def without_diacritics(examples: Iterable[Example]) -> list[Example]:
    return [Example(strip_diacritics(e.text), e.label, "no_diacritics") for e in examples]


def _default_featurize(text: str) -> list[str]:
    return features.analyze(for_model(text))


def _docs(
    examples: Sequence[Example], featurize: Callable[[str], list[str]] | None = None
) -> list[list[str]]:
    fn = featurize or _default_featurize
    return [fn(e.text) for e in examples]


def _identity(doc: list[str]) -> list[str]:
    return doc


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str

    def build(self) -> LinearSVC | LogisticRegression:
        kind, c = self.name.split("@")
        if kind == "svm":
            return LinearSVC(C=float(c), class_weight="balanced", random_state=0)
        return LogisticRegression(
            C=float(c), max_iter=3000, class_weight="balanced", random_state=0
        )


CANDIDATES = (Candidate("svm@0.5"), Candidate("svm@1"), Candidate("logreg@20"))


def train_linear(
    train: Sequence[Example],
    classes: Sequence[str],
    version: str,
    seed: int = 13,
    candidates: Sequence[Candidate] | None = None,
    featurize: Callable[[str], list[str]] | None = None,
    weights: Sequence[float] | None = None,
) -> tuple[LinearTextModel, dict[str, Any]]:
    """Pick a linear model by cross-validation, fit a temperature on out-of-fold scores, fit.

    Every training text is also used without diacritics, so such input is not out of domain.
    ``featurize`` maps a raw text to its features (default ``analyze(for_model(text))``; pass a
    memoising one to share work between runs); ``weights`` are per-example sample weights
    (e.g. per source), passed to the estimator's ``fit`` together with the class weights.
    """
    unknown = {e.label for e in train} - set(classes)
    if unknown:
        raise InvalidInput(f"labels not in the class list: {sorted(unknown)}")
    augmented, group_list = list(train), list(range(len(train)))
    for i, plain in enumerate(without_diacritics(train)):
        if plain.text != train[i].text:
            augmented.append(plain)
            group_list.append(i)
    docs = _docs(augmented, featurize)
    y = np.array([classes.index(e.label) for e in augmented])
    groups = np.array(group_list)
    w = None if weights is None else np.array([weights[g] for g in group_list], dtype=float)
    folds = _folds(y[: len(train)], groups, seed)
    cv: dict[str, float] = {}
    best_scores: np.ndarray | None = None
    for cand in candidates or CANDIDATES:
        oof = _out_of_fold(cand, docs, y, folds, len(classes), w)
        cv[cand.name] = float(f1_score(y, oof.argmax(1), average="macro"))
        if best_scores is None or cv[cand.name] >= max(cv.values()):
            best_scores, chosen = oof, cand
    assert best_scores is not None
    temperature = fit_temperature(best_scores, y)
    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
    x = vec.fit_transform(docs)
    clf = chosen.build().fit(x, y) if w is None else chosen.build().fit(x, y, sample_weight=w)
    model = LinearTextModel(
        classes=tuple(classes),
        names=tuple(vec.get_feature_names_out()),
        idf=vec.idf_,
        coef=clf.coef_,
        intercept=clf.intercept_,
        temperature=temperature,
        version=version,
        meta={},
    )
    info = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "estimator": chosen.name,
        "cv_macro_f1": cv,
        "train_examples": len(train),
        "features": len(model.names),
    }
    return model, info


def _folds(y: np.ndarray, groups: np.ndarray, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """5 folds over original examples; an example and its diacritic-free copy share a fold."""
    skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    out = []
    for tr, te in skf.split(np.zeros(len(y)), y):
        tr_set, te_set = set(tr.tolist()), set(te.tolist())
        out.append(
            (
                np.array([i for i, g in enumerate(groups) if g in tr_set]),
                np.array([i for i, g in enumerate(groups) if g in te_set]),
            )
        )
    return out


def _out_of_fold(
    cand: Candidate,
    docs: list[list[str]],
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    n_classes: int,
    w: np.ndarray | None = None,
) -> np.ndarray:
    scores = np.zeros((len(docs), n_classes))
    for tr, te in folds:
        vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
        x_tr = vec.fit_transform([docs[i] for i in tr])
        fit_kw = {} if w is None else {"sample_weight": w[tr]}
        clf = cand.build().fit(x_tr, y[tr], **fit_kw)
        scores[te] = clf.decision_function(vec.transform([docs[i] for i in te]))
    return scores


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature that minimises negative log-likelihood on held-out scores."""

    def nll(t: float) -> float:
        z = scores / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(0.01, 10.0), method="bounded")
    return float(res.x)


def evaluate(
    predict: Any, examples: Sequence[Example], classes: Sequence[str], bins: int = 5
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class F1, worst confusions and a reliability table.

    ``predict(texts) -> list[(label, confidence)]``.
    """
    preds = predict([e.text for e in examples])
    y_true = [e.label for e in examples]
    y_pred = [p[0] for p in preds]
    conf = np.array([p[1] for p in preds])
    correct = np.array([t == p for t, p in zip(y_true, y_pred, strict=True)])
    per_class = f1_score(y_true, y_pred, labels=list(classes), average=None, zero_division=0)
    recall = recall_score(y_true, y_pred, labels=list(classes), average=None, zero_division=0)
    confusions: dict[tuple[str, str], int] = {}
    for t, p in zip(y_true, y_pred, strict=True):
        if t != p:
            confusions[(t, p)] = confusions.get((t, p), 0) + 1
    edges = np.linspace(0.0, 1.0, bins + 1)
    table = []
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            acc, mean_conf = float(correct[mask].mean()), float(conf[mask].mean())
            ece += mask.mean() * abs(acc - mean_conf)
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(mask.sum()), "confidence":
                          round(mean_conf, 3), "accuracy": round(acc, 3)})  # fmt: skip
    return {
        "n": len(examples),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=list(classes), average="macro", zero_division=0)),
            4,
        ),
        "per_class_f1": {c: round(float(f), 4) for c, f in zip(classes, per_class, strict=True)},
        "per_class_recall": {c: round(float(r), 4) for c, r in zip(classes, recall, strict=True)},
        "worst_confusions": [
            {"true": t, "predicted": p, "count": n}
            for (t, p), n in sorted(confusions.items(), key=lambda kv: -kv[1])[:8]
        ],
        "reliability": table,
        "ece": round(float(ece), 4),
    }
