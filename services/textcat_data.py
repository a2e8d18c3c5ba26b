"""Training and evaluation data of the text categorizers, one ``TaskData`` per task.

Reads the public research corpora from the shared data folder (never copied) and the project's
own hand-written sets under ``eval/data/``, gives each training source its sample weight and
sets aside the evaluation sets (dev splits, held-out fifths, blind sets). Also the task registry:
the pipeline's ``TASKS`` plus the benchmark-only ``EXTRA_TASKS``.

    >>> data = task_data("spam", Path("eval/data"), Path("../shared/data"))
    >>> sorted(data.sources)
    ['router_seed', 'spam_seed']
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import InvalidInput
from nlp.linear_training import (
    Example,
    blind_set_dirs,
    load_examples,
    split_held_out,
    without_diacritics,
)
from nlp.normalize import for_model
from nlp.textcat import TASKS, rebuild_command

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
    "civic_toxicity": 2.0,
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
    # written blind, never trained on, each README telling its history: "fresh", "fresh2", …
    for fresh in blind_set_dirs(data_dir, name):
        key = "fresh" + fresh.name.removeprefix(f"{name}_fresh")
        data.evals[key] = EvalSet(
            load_examples(fresh), tuple(classes), f"blind test set eval/data/{fresh.name}"
        )


#: How a model's toxicity labels count on a set that only tells toxic from clean.
AS_TOXIC = {"offensive": "toxic", "hate": "toxic"}


def _toxic_or_clean(examples: Sequence[Example], what: str) -> EvalSet:
    """``examples`` scored toxic vs clean: offensive and hate (as labels and answers) are toxic."""
    return EvalSet(
        [Example(e.text, AS_TOXIC.get(e.label, e.label)) for e in examples],
        ("clean", "toxic"),
        f"{what}, toxic vs not (offensive or hate count as toxic)",
        AS_TOXIC,
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
        data.evals["victsd_valid_toxic"] = _toxic_or_clean(
            _keep(read_victsd(shared, "valid"), limit), "UIT-ViCTSD valid split"
        )
        seed_train, seed_held = split_held_out(_router_seed(data_dir, "clean"))
        data.add("router_seed_clean", seed_train)
        data.evals["router_seed_clean"] = EvalSet(
            seed_held,
            ("clean",),
            "held-out fifth of the router seed: civil complaints, all clean (accuracy = share "
            "kept clean)",
        )
        _own(data_dir, "toxicity", "civic_toxicity", data, TASKS[task])
        for key in [k for k in data.evals if k.startswith("fresh")]:
            # what hiding uses: offensive and hate alike
            data.evals[f"{key}_toxic"] = _toxic_or_clean(
                data.evals[key].examples, data.evals[key].note.removeprefix("blind test set ")
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
