"""Rebuilding and measuring the chatbot NLU: ``langnghe train nlu``.

The intent model is trained on ``eval/data/nlu/train.jsonl`` (and, lighter, on complaints,
spam and off-topic posts of the project's other sets); ``test.jsonl`` (written separately, in
other words, never trained on) measures the whole parser, rules and slot extractors included, as
written and with diacritics removed. The files and ``CARD.md`` with those numbers are written
together, so a card always describes the weights beside it.

    >>> result = train_nlu_files(Path("eval/data/nlu"), Path("models/nlu"), ReferenceData.load())
    >>> result["metrics"]["as_written"]["intent"]["accuracy"]
    0.97
"""

from __future__ import annotations

import json
import logging
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.reference import ReferenceData
from nlp.linear_training import Candidate, Example, evaluate, load_examples, train_linear
from nlp.nlu import FEATURE_SET, INTENTS, ROLES, STEM, NluFeaturizer, NluParser, NluResult
from nlp.normalize import strip_diacritics

log = logging.getLogger(__name__)

SLOTS = ("dossier_code", "feedback_ref", "procedure", "category")
#: Weight of an example borrowed from the project's other sets, against 1 for our own.
BORROWED_WEIGHT = 0.25
#: Styles of router seed complaints borrowed as ``submit_feedback`` (chat-like ones).
SEED_STYLES = frozenset({"short", "casual", "teencode", "no_diacritics", "facebook"})
_QUESTION = re.compile(r"\?|(?:xin|cho|muốn) hỏi|thắc mắc", re.IGNORECASE)


#: Estimators compared by 5-fold cross-validation on the training pool.
CANDIDATES = (Candidate("logreg@10"), Candidate("logreg@30"), Candidate("svm@0.5"))


@dataclass(frozen=True, slots=True)
class NluRecord:
    """One labelled message of ``eval/data/nlu/*.jsonl``."""

    id: str
    text: str
    role: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


def load_records(path: Path) -> list[NluRecord]:
    """A JSON-lines file of labelled messages; a malformed line is an error, not a skip."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rec = NluRecord(
                str(row["id"]), row["text"], row.get("role", "citizen"), row["intent"],
                dict(row.get("slots", {})),
            )  # fmt: skip
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{path}:{n}: bad NLU line ({exc})", code="nlu.bad_data") from exc
        if rec.intent not in INTENTS or rec.role not in ROLES or set(rec.slots) - set(SLOTS):
            raise InvalidInput(f"{path}:{n}: unknown intent, role or slot", code="nlu.bad_data")
        out.append(rec)
    return out


def _tagged(record: NluRecord) -> Example:
    """``train_linear`` sees text only: the role travels in front of it, before a tab."""
    return Example(f"{record.role}\t{record.text}", record.intent)


def featurize_tagged(featurizer: NluFeaturizer) -> Callable[[str], list[str]]:
    """Features of a role-tagged text (see ``_tagged``), as the parser computes them."""

    def featurize(tagged: str) -> list[str]:
        role, _, text = tagged.partition("\t")
        return featurizer.features(featurizer.prepare(text), role)

    return featurize


def borrowed(data_dir: Path) -> dict[str, list[Example]]:
    """Examples from the project's other hand-written sets, by source (absent ones skipped).

    Chat-like router seed complaints (not questions, not ``khac``) are ``submit_feedback``;
    spam and off-topic posts are ``other``. They teach the vocabulary of many more problems
    and of spam than our own set has room for.
    """
    out: dict[str, list[Example]] = {}
    seed = data_dir / "router_seed"
    if seed.is_dir():
        rows = [e for e in load_examples(seed) if e.label != "khac" and e.style in SEED_STYLES]
        out["router_seed"] = [
            Example(f"citizen\t{e.text}", "submit_feedback")
            for e in rows
            if not _QUESTION.search(e.text)
        ]
    for name, folder, label in (("spam", "spam", "spam"), ("off_topic", "relevance", "irrelevant")):
        if (data_dir / folder).is_dir():
            rows = [e for e in load_examples(data_dir / folder) if e.label == label]
            out[name] = [Example(f"citizen\t{e.text}", "other") for e in rows]
    return out


def balanced_weights(examples: Sequence[Example], weights: Sequence[float]) -> list[float]:
    """Sample weights under which every intent weighs the same in total.

    The estimators weigh classes by their counts; borrowed examples would make
    ``submit_feedback`` and ``other`` count many but weigh little, so their class weights are
    undone here and the classes balanced on the weighted mass instead.
    """
    mass: dict[str, float] = {}
    count: dict[str, int] = {}
    for e, w in zip(examples, weights, strict=True):
        mass[e.label] = mass.get(e.label, 0.0) + w
        count[e.label] = count.get(e.label, 0) + 1
    return [w * count[e.label] / mass[e.label] for e, w in zip(examples, weights, strict=True)]


def train_nlu_files(
    data_dir: Path,
    out_dir: Path,
    reference: ReferenceData,
    *,
    router_dir: Path | None = None,
    borrow: bool = True,
) -> dict[str, Any]:
    """Train on ``data_dir/train.jsonl`` (and, with ``borrow``, the sets beside ``data_dir``),
    save, measure on ``data_dir/test.jsonl``, write the card."""
    train = load_records(data_dir / "train.jsonl")
    extra = borrowed(data_dir.parent) if borrow else {}
    examples = [_tagged(r) for r in train] + [e for rows in extra.values() for e in rows]
    weights = [1.0] * len(train) + [BORROWED_WEIGHT] * (len(examples) - len(train))
    featurize = featurize_tagged(NluFeaturizer.from_reference(reference))
    version = datetime.now(UTC).strftime("nlu-%Y%m%d%H%M")
    model, info = train_linear(
        examples, INTENTS, version, candidates=CANDIDATES, featurize=featurize,
        weights=balanced_weights(examples, weights),
    )  # fmt: skip
    info |= {
        "feature_set": FEATURE_SET,
        "label_counts": dict(sorted(Counter(r.intent for r in train).items())),
        "sources": {"nlu_train": len(train)} | {k: len(v) for k, v in extra.items()},
    }
    model.save(out_dir, STEM, info)
    parser = NluParser.load(out_dir, reference, router_dir=router_dir)  # what was written loads
    test_path = data_dir / "test.jsonl"
    metrics = measure(parser, load_records(test_path)) if test_path.is_file() else {}
    (out_dir / "CARD.md").write_text(card(info, metrics, parser.version), encoding="utf-8")
    log.info("train.nlu_done version=%s", version)
    return {"info": info, "metrics": metrics}


# --- measuring -------------------------------------------------------------------------------


def parse_all(parser: NluParser, records: Sequence[NluRecord], plain: bool) -> list[NluResult]:
    return [
        parser.parse(strip_diacritics(r.text) if plain else r.text, role=r.role) for r in records
    ]


def slot_scores(records: Sequence[NluRecord], results: Sequence[NluResult]) -> dict[str, Any]:
    """Per slot: exact matches among the messages that have it, and spurious predictions."""
    out: dict[str, Any] = {}
    for slot in SLOTS:
        gold = [
            (r.slots.get(slot), p.slots.get(slot)) for r, p in zip(records, results, strict=True)
        ]
        having = [(g, p) for g, p in gold if g is not None]
        out[slot] = {
            "n": len(having),
            "exact": round(sum(g == p for g, p in having) / len(having), 4) if having else None,
            "spurious": sum(g is None and p is not None for g, p in gold),
        }
    whole = sum(r.slots == p.slots for r, p in zip(records, results, strict=True))
    out["all_slots_exact"] = round(whole / len(records), 4) if records else None
    return out


def measure(parser: NluParser, records: Sequence[NluRecord], runs: int = 3) -> dict[str, Any]:
    """Intent and slot metrics, as written and without diacritics, and parses per second."""
    examples = [Example(r.text, r.intent) for r in records]
    out: dict[str, Any] = {}
    for name, plain in (("as_written", False), ("no_diacritics", True)):
        results = parse_all(parser, records, plain)

        def predict(
            _texts: Sequence[str], res: list[NluResult] = results
        ) -> list[tuple[str, float]]:
            return [(p.intent, p.confidence) for p in res]

        out[name] = {
            "intent": evaluate(predict, examples, INTENTS),
            "slots": slot_scores(records, results),
            "errors": [
                {"id": r.id, "text": r.text, "gold": r.intent, "got": p.intent}
                for r, p in zip(records, results, strict=True)
                if r.intent != p.intent
            ],
        }
    out["parses_per_second"] = round(speed(parser, records, runs))
    return out


def speed(parser: NluParser, records: Sequence[NluRecord], runs: int = 3) -> float:
    """Median parses per second over ``runs`` passes (one thread, models warm)."""
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for r in records:
            parser.parse(r.text, role=r.role)
        rates.append(len(records) / (time.perf_counter() - t0))
    return statistics.median(rates)


# --- the model card --------------------------------------------------------------------------


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def metrics_tables(metrics: dict[str, Any]) -> str:
    """Markdown tables of ``measure``'s output (used by the card and ``eval/nlu_eval.py``)."""
    sets = [k for k in ("as_written", "no_diacritics") if k in metrics]
    summary = _table(
        ["test set", "n", "intent accuracy", "macro-F1", "ECE", "all slots exact"],
        [(s, metrics[s]["intent"]["n"], _fmt(metrics[s]["intent"]["accuracy"]),
          _fmt(metrics[s]["intent"]["macro_f1"]), _fmt(metrics[s]["intent"]["ece"]),
          _fmt(metrics[s]["slots"]["all_slots_exact"])) for s in sets],
    )  # fmt: skip
    recall = _table(
        ["intent", *(f"recall, {s}" for s in sets), *(f"F1, {s}" for s in sets)],
        [(i, *(_fmt(metrics[s]["intent"]["per_class_recall"][i]) for s in sets),
          *(_fmt(metrics[s]["intent"]["per_class_f1"][i]) for s in sets)) for i in INTENTS],
    )  # fmt: skip
    slots = _table(
        ["slot", "n", *(f"exact, {s}" for s in sets), *(f"spurious, {s}" for s in sets)],
        [(k, metrics[sets[0]]["slots"][k]["n"],
          *(_fmt(metrics[s]["slots"][k]["exact"]) for s in sets),
          *(metrics[s]["slots"][k]["spurious"] for s in sets)) for k in SLOTS],
    )  # fmt: skip
    confusions = _table(
        ["test set", "true", "predicted", "count"],
        [(s, c["true"], c["predicted"], c["count"])
         for s in sets for c in metrics[s]["intent"]["worst_confusions"][:5]] or [("–",) * 4],
    )  # fmt: skip
    return (
        f"{summary}\n\nPer intent:\n\n{recall}\n\nSlots (exact match among the messages that "
        f"have the slot; spurious = predicted where the gold has none):\n\n{slots}\n\n"
        f"Worst confusions:\n\n{confusions}\n\n"
        f"Speed: {metrics.get('parses_per_second', '–')} parses/s (one thread, median of 3 "
        "passes over the test set, models loaded)."
    )


def card(info: dict[str, Any], metrics: dict[str, Any], version: str) -> str:
    cv = ", ".join(f"{k} {v:.3f}" for k, v in info["cv_macro_f1"].items())
    counts = ", ".join(f"{k} {v}" for k, v in info["label_counts"].items())
    tables = metrics_tables(metrics) if metrics else "(no `test.jsonl` beside the training file)"
    sources = ", ".join(
        f"{_SOURCES[k]} ({n}, weight {1 if k == 'nlu_train' else BORROWED_WEIGHT})"
        for k, n in info["sources"].items()
    )
    return _CARD.format(
        version=version, trained=info["trained_at"], n=info["sources"]["nlu_train"],
        counts=counts, sources=sources, features=f"{info['features']:,}",
        estimator=info["estimator"], cv=cv, tables=tables,
    )  # fmt: skip


_SOURCES = {
    "nlu_train": "`eval/data/nlu/train.jsonl`",
    "router_seed": "chat-style complaints of `eval/data/router_seed/` as `submit_feedback`",
    "spam": "`eval/data/spam/spam.jsonl` as `other`",
    "off_topic": "`eval/data/relevance/irrelevant.jsonl` as `other`",
}


_CARD = """# Model card: chatbot NLU (`models/nlu`)

Tells what a chat message (Telegram, Zalo, web chat) asks for: `greeting_help`,
`dossier_status`, `submit_feedback`, `feedback_status`, `procedure_question`,
`analytics_question` or `other`, with the slots `dossier_code`, `feedback_ref`, `procedure`
and `category`. Used through `nlp.nlu.NluParser`; `langnghe nlu` runs it on JSON lines.

- **Version**: `{version}` (trained {trained})
- **Rebuild**: `langnghe train nlu` (reads `eval/data/nlu/train.jsonl`, measures on
  `eval/data/nlu/test.jsonl`, writes this folder); `python eval/nlu_eval.py` re-measures.
- **Intent model**: TF-IDF over syllables, syllable bigrams and character 3–5-grams, all
  without diacritics, plus cues (length, role, '?', command, procedure or category named);
  codes are placeholders, teencode is expanded (feature set `nlu-1`, {features} features).
  `{estimator}` chosen by 5-fold cross-validation on the training pool (macro-F1: {cv});
  softmax temperature fitted on out-of-fold scores. A text and its diacritic-free copy score
  alike.
- **Rules** (certain, confidence 1.0): bot commands and whole messages from short lists
  ("chào bot ạ", "ok cảm ơn", "phản ánh" typed from a menu; `nlp/data/nlu_lexicon.json`);
  a dossier code → `dossier_status`, a feedback reference → `feedback_status`, unless the
  model reads a complaint.
- **Slots** (`nlp/nlu_slots.py`): codes and references by regular expressions in any case
  and spacing (`pa 2026 123` → `PA-2026-000123`: the "PA" prefix and a 20xx year make it
  unambiguous; without "PA" nothing is taken); `procedure` from the aliases of
  `core/refdata/procedures.json` and chat phrasings, the first named; `category`: the
  router's (`models/router`) when its confidence ≥ 0.5 for complaints, keywords for
  analytics questions.
- **Files**: `nlu.npz` (weights), `nlu.json` (classes, vocabulary, temperature, checksum).
  Inference needs numpy only (the router it asks on complaints too).
- **License**: GPL-3.0-or-later, like the project: the data is the project's own.

## Training data
`eval/data/nlu/train.jsonl`, {n} messages written for the project (see its README): {counts}.
Borrowed from the project's other hand-written sets, with a lower weight, to teach the
vocabulary of many more problems, spam and off-topic posts: all sources are {sources}.
Sample weights make every intent weigh the same in total.

## Metrics on `eval/data/nlu/test.jsonl`
Written separately from the training file, with other phrasings, never trained or tuned on
(its README tells the one change made after the first measurement). "no_diacritics" is the
same set with every diacritic removed.

{tables}

## Limits
Both sets were written by the project, not collected from users: real messages will be more
varied, and the numbers are optimistic. Intents are single-label; a message that both greets
and asks ("chào ad, hồ sơ của tôi sao rồi") gets the request's intent. Period slots ("tuần
này") come with issue 6. A complaint's category is the router's, trained on complaints, so a
vague complaint gets no category; analytics categories come from a keyword list and miss
categories named in other words.
"""
