"""Rebuilding the text categorizers: ``langnghe train sentiment|toxicity|spam|relevance``.

Each task gathers its training sets (public research corpora read from the shared data folder,
never copied, and the project's own hand-written sets under ``eval/data/``), trains a calibrated
linear model (``nlp.linear_training``), evaluates it on dev splits and held-out fifths, and
writes ``<task>.npz``, ``<task>.json`` and ``CARD.md`` together.

    >>> cache = FeatureCache()                      # one per training run
    >>> for task in TASKS:
    ...     train_textcat_files(task, Path("eval/data"), Path("models") / task,
    ...                         Path("../shared/data"), cache=cache)

Until the ``langnghe train <task>`` commands are wired: ``python -m services.train_textcat TASK``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from core.errors import InvalidInput
from nlp import features
from nlp.linear_training import (
    Candidate,
    Example,
    evaluate,
    load_examples,
    split_held_out,
    train_linear,
    without_diacritics,
)
from nlp.normalize import for_model
from nlp.textcat import FEATURE_SET, TASKS, TextCategorizer, rebuild_command, textcat_features

log = logging.getLogger(__name__)

Predict = Callable[[Sequence[str]], list[tuple[str, float]]]


class FeatureCache:
    """Model text and ``analyze`` features of raw texts, memoised for one training run.

    The big corpora are analysed once even when several tasks (or training and evaluation) use
    them. Calling it gives the categorizers' full feature list.

    >>> cache = FeatureCache()
    >>> cache("Đường ngập quá")[:2]
    ['w:đường', 'w:ngập']
    """

    def __init__(self) -> None:
        self._feats: dict[str, tuple[str, list[str]]] = {}

    def analyzed(self, text: str) -> tuple[str, list[str]]:
        hit = self._feats.get(text)
        if hit is None:
            model_text = for_model(text)
            hit = (model_text, features.analyze(model_text))
            self._feats[text] = hit
        return hit

    def __call__(self, text: str) -> list[str]:
        return textcat_features(*self.analyzed(text))

    def __len__(self) -> int:
        return len(self._feats)


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

#: Models trained only to measure the machinery on a public benchmark, not used by the pipeline.
EXTRA_TASKS: dict[str, tuple[str, ...]] = {
    "vsfc_topic": ("lecturer", "training_program", "facility", "others"),
}
ALL_TASKS = sorted(TASKS) + sorted(EXTRA_TASKS)


def classes_of(task: str) -> tuple[str, ...]:
    if task in TASKS:
        return TASKS[task]
    if task in EXTRA_TASKS:
        return EXTRA_TASKS[task]
    raise InvalidInput(f"unknown text categorization task {task!r}; known: {ALL_TASKS}")


def rebuild_of(task: str) -> str:
    if task in EXTRA_TASKS:
        return f"python -m services.train_textcat {task}"
    return rebuild_command(task)


#: Sample weight of each training source; the small in-domain sets count more.
WEIGHTS: dict[str, float] = {
    "uit_vsfc": 1.0,
    "uit_vsfc_topic": 1.0,
    "aivivn2019": 1.0,
    "civic_sentiment": 2.0,
    "vihsd": 1.0,
    "uit_victsd": 0.5,
    "spam_seed": 1.0,
    "relevance_seed": 3.0,
    "router_seed": 1.0,
    "router_seed_clean": 1.0,
    "uit_vsfc_as_irrelevant": 0.2,
    "aivivn2019_as_irrelevant": 0.2,
}
IRRELEVANT_SAMPLE = 1500  # texts taken from each of VSFC and AIVIVN as irrelevant social posts
VNEXPRESS_SAMPLE = 60  # headlines per section for the out-of-domain relevance check


@dataclass(frozen=True, slots=True)
class EvalSet:
    """A labelled evaluation set and how the model's labels map onto its labels."""

    examples: list[Example]
    classes: tuple[str, ...]
    note: str
    mapping: dict[str, str] = field(default_factory=dict)


@dataclass
class TaskData:
    train: list[Example] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)
    evals: dict[str, EvalSet] = field(default_factory=dict)

    def add(self, source: str, examples: Sequence[Example]) -> None:
        self.train += examples
        self.weights += [WEIGHTS[source]] * len(examples)
        self.sources[source] = len(examples)


# --- readers of the shared corpora ---------------------------------------------------------


def _usable(text: str) -> bool:
    """Non-empty and normalisable (``normalize`` fails on a few rare malformed syllables)."""
    if not text.strip():
        return False
    try:
        for_model(text)
    except StopIteration:  # nlp.normalize._fix_tone on e.g. "hoằ"; reported, not ours to fix
        return False
    return True


def _keep(rows: list[Example], limit: int | None) -> list[Example]:
    """The first ``limit`` usable rows (all when ``None``), checking no more than needed."""
    out: list[Example] = []
    for row in rows:
        if limit is not None and len(out) >= limit:
            break
        if _usable(row.text):
            out.append(row)
    return out


def _in_tenth(text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 10 == 0


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise InvalidInput(f"corpus file {path} is missing (see ../shared/data/README.md)")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_vsfc(shared: Path, split: str, field_name: str = "sentiment") -> list[Example]:
    path = shared / "uit_vsfc" / f"UIT-VSFC-{split}.json"
    if not path.is_file():
        raise InvalidInput(f"corpus file {path} is missing (see ../shared/data/README.md)")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Example(r["sentence"], r[field_name], "uit_vsfc") for r in rows]


def read_aivivn(shared: Path) -> tuple[list[Example], list[Example]]:
    """(train, dev): label 0 is positive, 1 negative; a fixed tenth by hash is the dev set."""
    rows = _csv(shared / "aivivn2019_sentiment" / "data.csv")
    out = [Example(r["text"], "positive" if r["label"] == "0" else "negative") for r in rows]
    return [e for e in out if not _in_tenth(e.text)], [e for e in out if _in_tenth(e.text)]


def read_vihsd(shared: Path, split: str) -> list[Example]:
    labels = ("clean", "offensive", "hate")
    rows = _csv(shared / "vihsd" / f"{split}.csv")
    return [Example(r["free_text"], labels[int(r["label_id"])]) for r in rows]


def read_victsd(shared: Path, split: str) -> list[Example]:
    rows = _csv(shared / "uit_victsd" / f"ViCTSD_{split}.csv")
    return [Example(r["Comment"], "offensive" if r["Toxicity"] == "1" else "clean") for r in rows]


def read_vnexpress(shared: Path, per_section: int) -> list[Example]:
    folder = shared / "vnexpress_titles_8cls"
    out: list[Example] = []
    for path in sorted(folder.glob("*.txt")):
        if path.stem.upper() == "SOURCE":
            continue
        lines = [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        out += [Example(x, "irrelevant", path.stem) for x in lines[:per_section]]
    return out


def _router_seed(data_dir: Path, label: str) -> list[Example]:
    seed = load_examples(data_dir / "router_seed")
    return [Example(e.text, label, e.style) for e in seed if e.label != "khac"]


def _own(data_dir: Path, name: str, source: str, data: TaskData, classes: Sequence[str]) -> None:
    train, held = split_held_out(load_examples(data_dir / name))
    data.add(source, train)
    data.evals["held_out"] = EvalSet(held, tuple(classes), f"held-out fifth of eval/data/{name}")
    data.evals["held_out_without_diacritics"] = EvalSet(
        without_diacritics(held), tuple(classes), "the same, diacritics removed"
    )
    fresh = data_dir / f"{name}_fresh"
    if fresh.is_dir():  # written blind, never trained on: its README tells its history
        data.evals["fresh"] = EvalSet(
            load_examples(fresh), tuple(classes), f"blind test set eval/data/{name}_fresh"
        )


# --- the four tasks -------------------------------------------------------------------------


def task_data(task: str, data_dir: Path, shared: Path, limit: int | None = None) -> TaskData:
    """Training examples with weights and the evaluation sets of ``task``."""
    data = TaskData()
    if task == "sentiment":
        aiv_train, aiv_dev = read_aivivn(shared)
        data.add("uit_vsfc", _keep(read_vsfc(shared, "train"), limit))
        data.add("aivivn2019", _keep(aiv_train, limit))
        _own(data_dir, "civic_sentiment", "civic_sentiment", data, TASKS[task])
        data.evals["uit_vsfc_dev"] = EvalSet(
            _keep(read_vsfc(shared, "dev"), limit), TASKS[task], "UIT-VSFC dev split"
        )
        data.evals["aivivn2019_dev"] = EvalSet(
            _keep(aiv_dev, limit),
            ("negative", "positive"),
            "fixed tenth of AIVIVN 2019 by hash (no neutral; a neutral answer counts as wrong)",
        )
    elif task == "toxicity":
        data.add("vihsd", _keep(read_vihsd(shared, "train"), limit))
        data.add("uit_victsd", _keep(read_victsd(shared, "train"), limit))
        data.evals["vihsd_dev"] = EvalSet(
            _keep(read_vihsd(shared, "dev"), limit), TASKS[task], "ViHSD dev split"
        )
        toxic = [
            Example(e.text, "toxic" if e.label == "offensive" else "clean")
            for e in _keep(read_victsd(shared, "valid"), limit)
        ]
        data.evals["victsd_valid_toxic"] = EvalSet(
            toxic,
            ("clean", "toxic"),
            "UIT-ViCTSD valid split, toxic vs not (offensive or hate count as toxic)",
            {"offensive": "toxic", "hate": "toxic"},
        )
        seed_train, seed_held = split_held_out(_router_seed(data_dir, "clean"))
        data.add("router_seed_clean", seed_train)
        data.evals["router_seed_clean"] = EvalSet(
            seed_held,
            ("clean",),
            "held-out fifth of the router seed: civil complaints, all clean (accuracy = share "
            "kept clean)",
        )
    elif task == "spam":
        _own(data_dir, "spam", "spam_seed", data, TASKS[task])
        data.add("router_seed", _router_seed(data_dir, "not_spam"))
    elif task == "vsfc_topic":
        data.add("uit_vsfc_topic", _keep(read_vsfc(shared, "train", "topic"), limit))
        data.evals["uit_vsfc_dev"] = EvalSet(
            _keep(read_vsfc(shared, "dev", "topic"), limit),
            EXTRA_TASKS[task],
            "UIT-VSFC dev split, topics",
        )
    elif task == "relevance":
        _own(data_dir, "relevance", "relevance_seed", data, TASKS[task])
        data.add("router_seed", _router_seed(data_dir, "relevant"))
        n = IRRELEVANT_SAMPLE if limit is None else min(limit, IRRELEVANT_SAMPLE)
        vsfc = _keep(read_vsfc(shared, "train"), None)[::7][:n]
        data.add("uit_vsfc_as_irrelevant", [Example(e.text, "irrelevant") for e in vsfc])
        aiv = _keep(read_aivivn(shared)[0], None)[::7][:n]
        data.add("aivivn2019_as_irrelevant", [Example(e.text, "irrelevant") for e in aiv])
        news = shared / "vnexpress_titles_8cls"
        if news.is_dir():
            data.evals["vnexpress_titles_sample"] = EvalSet(
                _keep(read_vnexpress(shared, VNEXPRESS_SAMPLE), None),
                ("irrelevant",),
                f"first {VNEXPRESS_SAMPLE} VnExpress headlines of each of 8 sections, all "
                "counted irrelevant (out of domain; evaluation only, never trained on)",
            )
    else:
        raise InvalidInput(f"unknown text categorization task {task!r}; known: {ALL_TASKS}")
    return data


# --- evaluation ------------------------------------------------------------------------------


def predictor(categorizer: TextCategorizer, cache: FeatureCache | None = None) -> Predict:
    """Raw texts → (label, probability), through ``for_model`` like the pipeline does."""
    cache = cache if cache is not None else FeatureCache()

    def predict(texts: Sequence[str]) -> list[tuple[str, float]]:
        out = []
        for t in texts:
            r = categorizer.classify(*cache.analyzed(t))
            out.append((r.label, r.score))
        return out

    return predict


def evaluate_sets(predict: Predict, sets: dict[str, EvalSet]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, es in sets.items():
        if not es.examples:
            continue

        def mapped(texts: Sequence[str], es: EvalSet = es) -> list[tuple[str, float]]:
            return [_map(es, label, p) for label, p in predict(texts)]

        out[name] = {"note": es.note, **evaluate(mapped, es.examples, es.classes)}
    return out


def _map(es: EvalSet, label: str, p: float) -> tuple[str, float]:
    return es.mapping.get(label, label), p


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


# --- the model card --------------------------------------------------------------------------

_PURPOSE = {
    "sentiment": "whether a message is negative, neutral or positive (complaint, question, thanks)",
    "toxicity": "whether a message is clean, offensive or hateful (moderation of public replies)",
    "spam": "whether a message is spam or advertising (loans, betting, ads, crypto) or not",
    "relevance": "whether a social-media post is about a city problem at all",
    "vsfc_topic": "the topic of a student's feedback (UIT-VSFC); a benchmark of the machinery only",
}
_RESEARCH = "research use only"
_SOURCES = {
    "uit_vsfc": ("UIT-VSFC train split, students' feedback (Nguyen et al., KSE 2018)", _RESEARCH),
    "uit_vsfc_topic": ("UIT-VSFC train split, topic labels (Nguyen et al., KSE 2018)", _RESEARCH),
    "aivivn2019": (
        "AIVIVN 2019 product reviews (0 positive / 1 negative), less a fixed tenth by hash",
        "no license stated; treated as research use only",
    ),
    "civic_sentiment": (
        "`eval/data/civic_sentiment/`, citizens' messages written by the langnghe developers, "
        "less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "vihsd": ("ViHSD train split, social comments (Luu et al., IEA/AIE 2021)", _RESEARCH),
    "uit_victsd": (
        "UIT-ViCTSD train split, news comments, toxic → offensive (Nguyen et al., 2021)",
        _RESEARCH,
    ),
    "spam_seed": (
        "`eval/data/spam/`, written by the langnghe developers, less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "relevance_seed": (
        "`eval/data/relevance/`, written by the langnghe developers, less its held-out fifth",
        "GPL-3.0-or-later",
    ),
    "router_seed": (
        "`eval/data/router_seed/` except category `khac` (civic complaints), as "
        "not_spam / relevant",
        "GPL-3.0-or-later",
    ),
    "router_seed_clean": (
        "`eval/data/router_seed/` except `khac`, less its held-out fifth, as clean",
        "GPL-3.0-or-later",
    ),
    "uit_vsfc_as_irrelevant": ("UIT-VSFC train sentences (every 7th) as irrelevant", _RESEARCH),
    "aivivn2019_as_irrelevant": (
        "AIVIVN 2019 reviews (every 7th of the training part) as irrelevant",
        "no license stated; treated as research use only",
    ),
}


def table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def metrics_section(name: str, m: dict[str, Any]) -> str:
    classes = list(m["per_class_f1"])
    per_class = table(
        ["class", "F1", "recall"],
        [(c, f"{m['per_class_f1'][c]:.3f}", f"{m['per_class_recall'][c]:.3f}") for c in classes],
    )
    confusions = table(
        ["true", "predicted", "count"],
        [(x["true"], x["predicted"], x["count"]) for x in m["worst_confusions"][:5]]
        or [("–", "–", 0)],
    )
    reliability = table(
        ["confidence bin", "n", "mean confidence", "accuracy"],
        [(b["bin"], b["n"], f"{b['confidence']:.3f}", f"{b['accuracy']:.3f}")
         for b in m["reliability"]],
    )  # fmt: skip
    return (
        f"### {name}\n{m['note']}.\n\n{per_class}\n\nWorst confusions:\n\n{confusions}\n\n"
        f"Reliability:\n\n{reliability}\n"
    )


def card(task: str, info: dict[str, Any], metrics: dict[str, Any], model: Any) -> str:
    """The model card: data and licenses, model, metrics per evaluation set, limits."""
    sources = table(
        ["source", "examples", "weight", "license / terms"],
        [
            (_SOURCES[s][0], f"{n:,}", info["source_weights"][s], _SOURCES[s][1])
            for s, n in info["sources"].items()
        ],
    )
    research = any(_SOURCES[s][1] != "GPL-3.0-or-later" for s in info["sources"])
    license_text = (
        "**Research use only.** The weights are derived from corpora distributed for research "
        "purposes (see the table); they are not GPL data. Use this model for research and "
        "evaluation; a production deployment needs the corpus owners' consent or a model "
        "retrained on the project's own data."
        if research
        else "GPL-3.0-or-later, like the project: only the project's own data is used."
    )
    summary = table(
        ["set", "n", "accuracy", "macro-F1", "ECE"],
        [
            (name, m["n"], f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}", f"{m['ece']:.3f}")
            for name, m in metrics.items()
        ],
    )
    cv = ", ".join(f"{k} {v:.3f}" for k, v in info["cv_macro_f1"].items())
    sections = "\n".join(metrics_section(name, m) for name, m in metrics.items())
    return f"""# Model card: {task} (`models/{task}`)

Tells {_PURPOSE[task]}. Classes: {", ".join(f"`{c}`" for c in model.classes)}.

- **Version**: `{model.version}` (trained {info["trained_at"]})
- **Rebuild**: `{rebuild_of(task)}` (until it is wired: `python -m services.train_textcat {task}`);
  reads `eval/data/` and the public corpora in `../shared/data` (never copied here).
- **Model**: TF-IDF over underthesea words and bigrams, syllables and bigrams without
  diacritics, character 3–5-grams without diacritics and surface cues (length, emoji,
  emoticons, links, phone numbers) — feature set `{info["feature_set"]}`, {info["features"]:,}
  features; one-vs-rest linear classifier `{info["estimator"]}` chosen by 5-fold
  cross-validation on the training data (macro-F1: {cv}); `nb-` means naive-Bayes-scaled
  features (NB-SVM). Softmax temperature {model.temperature:.3f} fitted on out-of-fold scores.
  Every training text is also used with its diacritics removed.
- **Files**: `{task}.npz` (weights), `{task}.json` (classes, vocabulary, temperature, checksum).
  Inference needs numpy only (`nlp.textcat.TextCategorizer`).
- **License**: {license_text}

## Training data
{info["train_examples"]:,} examples (before the diacritic-free copies):

{sources}

Label counts: {", ".join(f"{k} {v:,}" for k, v in sorted(info["label_counts"].items()))}.
Sample weights multiply the balanced class weights.

{_NOTES[task]}

## Metrics
Never trained on: dev splits of the public corpora and the held-out fifth of our own sets
(chosen by a hash of each text, `nlp.linear_training.is_held_out`). The candidate estimators,
source weights and surface features were chosen by looking at these same sets (there is no
separate test set here), so the numbers are slightly optimistic.

{summary}

{sections}
## Limits
{_LIMITS[task]}
"""


_NOTES = {
    "sentiment": "Labels of the civic set: `negative` reports a problem or dissatisfaction "
    "(including sarcastic thanks), `neutral` asks a question, gives information or suggests "
    "without complaint, `positive` thanks or praises. Targets given to this model on dev: "
    "UIT-VSFC accuracy ≥ 0.93 and macro-F1 ≥ 0.82, AIVIVN macro-F1 ≥ 0.92.",
    "toxicity": "Target given to this model: ViHSD dev macro-F1 ≥ 0.68. The router seed part "
    "teaches the model that civil complaints about crime, fights or insults are clean.",
    "spam": "The not_spam set deliberately mentions loans, banks, land, prices, phone numbers, "
    "links, betting dens and ad flyers in legitimate complaints and questions.",
    "relevance": "Relevant: any post about a city matter (streets, flooding, garbage, noise, "
    "utilities, security, procedures, thanks to the authorities). Irrelevant: recipes, "
    "gossip, sport, selling, memes, diaries, reviews, local shops and cafés.",
    "vsfc_topic": "Target given to this benchmark: UIT-VSFC dev accuracy ≥ 0.89.",
}

_LIMITS = {
    "sentiment": "The public corpora are students' course feedback and product reviews: the "
    "civic set is small, so complaints phrased unlike it may be misread. UIT-VSFC's neutral "
    "class is small and noisy; neutral is the weakest class everywhere. A complaint is "
    "negative by construction here; sarcasm is mostly missed.",
    "toxicity": "ViHSD and ViCTSD are comments on social media and news, not messages to a "
    "city; offensive vs hate is subjective and the weakest distinction. Profanity written with "
    "unusual spelling or emoji only is often missed. Use it to flag, not to reject, messages.",
    "spam": "The spam set is hand-written from common patterns (loans, betting, real estate, "
    "products, crypto, SIM numbers); new scams will look different. Legitimate messages that "
    "quote prices, banks or phone numbers are in the set, but few.",
    "vsfc_topic": "Not used by the pipeline: it only shows how the shared features and "
    "estimators do on a public topic benchmark.",
    "relevance": "Irrelevant posts are a hand-written set plus student feedback and product "
    "reviews; news headlines about crime or accidents elsewhere may look relevant. Use it to "
    "filter social-media imports for staff, not to drop citizens' direct messages.",
}


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
