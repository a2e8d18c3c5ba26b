"""Quality and speed of the committed chatbot NLU on its test set (never trained on).

    python eval/nlu_eval.py [--model-dir models/nlu] [--test eval/data/nlu/test.jsonl]
                            [--runs 3] [--errors 15]

For the test messages as written and with every diacritic removed it prints intent accuracy,
macro-F1 and ECE, per-intent recall and F1, the worst confusions, exact match per slot
(``dossier_code`` especially) and spurious slots, a few misread messages, and the speed in
parses per second (one thread, median of ``--runs`` passes, models loaded). Targets: intent
accuracy ≥ 0.95 and dossier code exact match ≥ 0.98, with and without diacritics.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.reference import ReferenceData
from nlp import segment
from nlp.nlu import NluParser
from services.train_nlu import load_records, measure, metrics_tables

TARGETS = {"intent accuracy": 0.95, "dossier_code exact": 0.98}


def targets(metrics: dict) -> list[str]:
    lines = ["| target | test set | value | met |", "|---|---|---|---|"]
    for name in ("as_written", "no_diacritics"):
        values = {
            "intent accuracy": metrics[name]["intent"]["accuracy"],
            "dossier_code exact": metrics[name]["slots"]["dossier_code"]["exact"],
        }
        for target, threshold in TARGETS.items():
            value = values[target]
            met = "yes" if value is not None and value >= threshold else "**no**"
            lines.append(f"| {target} ≥ {threshold} | {name} | {value:.3f} | {met} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models" / "nlu")
    ap.add_argument("--test", type=Path, default=ROOT / "eval" / "data" / "nlu" / "test.jsonl")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--errors", type=int, default=15, help="misread messages to list")
    args = ap.parse_args()
    segment.warm_up()
    parser = NluParser.load(args.model_dir, ReferenceData.load())
    records = load_records(args.test)
    metrics = measure(parser, records, runs=args.runs)
    print(f"\n# chatbot NLU (model {parser.version}), {len(records)} test messages\n")
    print(metrics_tables(metrics))
    print("\n## targets\n")
    print("\n".join(targets(metrics)))
    for name in ("as_written", "no_diacritics"):
        errors = metrics[name]["errors"]
        print(f"\n## misread intents, {name}: {len(errors)} (first {args.errors})")
        for e in errors[: args.errors]:
            print(f"  {e['gold']} → {e['got']}: {e['text'][:100]}")


if __name__ == "__main__":
    main()
