"""Quality and speed of the committed urgency classifier on the held-out fifth of its labelled set.

    python eval/urgency_eval.py [--model-dir models/urgency] [--probe] [--no-speed]

For (a) the held-out part as written, (b) the same with diacritics removed, and for each of the
shipped classifier (rules + model), the model alone and (c) the rules alone, prints accuracy,
macro-F1, per-class recall, the worst confusions, recall and precision of ``critical`` and the
critical texts that were missed; then how often each rule fired. The held-out part is never
trained on (``nlp.linear_training.is_held_out``). The same measures follow on the fresh set
(``eval/data/urgency_fresh``, 200 texts written by someone who had not seen the rules, the model
or its data; never trained on; see its README for what was changed after its first run) and on
further sets written the same way (``eval/data/urgency_fresh2``, 150 texts, hard-to-spot
dangers; ``urgency_fresh3``, 160, long messages and symptoms; ``urgency_fresh4`` onwards, 160
each, a wide spread; every ``eval/data/urgency_fresh*`` folder is read, in number order, except
those the model now trains on, named in ``eval/data/urgency/adopted.json``). Each README
records its first, blind run and every change after it.
``--probe`` also runs the rules over the router's seed set (not labelled for urgency) and lists
the texts they call critical, to read for false alarms. The speed section times the rules alone
and the classifier with features precomputed (texts per second).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.blind_sets import blind_sets, set_number
from nlp import features
from nlp.linear_training import load_examples, split_held_out, without_diacritics
from nlp.normalize import for_model
from nlp.urgency import UrgencyClassifier
from nlp.urgency_rules import UrgencyRules
from services.train_urgency import adopted_sets, evaluate_urgency

SYSTEMS = (
    ("rules + model (shipped)", "held_out"),
    ("model alone", "model_alone"),
    ("rules alone", "rules_alone"),
)


def print_system(title: str, m: dict) -> None:
    c = m["critical"]
    print(f"\n## {title}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f}")
    print(f"critical: recall={c['recall']:.3f} precision={c['precision']:.3f} "
          f"(of {c['n_critical']}; false alarms {c['false_alarms']})")  # fmt: skip
    print("| level | recall | F1 |\n|---|---|---|")
    for level, r in m["per_class_recall"].items():
        print(f"| {level} | {r:.3f} | {m['per_class_f1'][level]:.3f} |")
    worst = ", ".join(f"{x['true']}→{x['predicted']}: {x['count']}" for x in m["worst_confusions"])
    print(f"worst confusions (true → predicted: count): {worst}")
    for x in c["missed"]:
        print(f"  MISSED critical → {x['predicted']}: {x['text'][:110]}")


def print_rule_counts(title: str, counts: dict) -> None:
    print(f"\n## rules on the {title}")
    print("| rule | fired | on critical | on high | on normal | on low | cancelled |")
    print("|---|---|---|---|---|---|---|")
    for rule, c in counts.items():
        cancelled = ", ".join(
            f"{k.removeprefix('cancelled_by_')} {v}"
            for k, v in c.items()
            if k.startswith("cancelled")
        )
        on = [c.get(f"fired_on_{lvl}", 0) for lvl in ("critical", "high", "normal", "low")]
        print(f"| {rule} | {c.get('fired', 0)} | " + " | ".join(map(str, on)) + f" | {cancelled} |")


def print_all(metrics: dict, what: str, rule_counts: bool = False) -> None:
    """Every system on a set as written and without diacritics (and which rules fired)."""
    for suffix, variant in (("", what), ("_without_diacritics", f"{what}, no diacritics")):
        for title, key in SYSTEMS:
            print_system(f"{title}, {variant}", metrics[key + suffix])
        if rule_counts:
            print_rule_counts(variant, metrics["rule_counts" + suffix])


def probe(rules: UrgencyRules) -> None:
    seed = load_examples(ROOT / "eval" / "data" / "router_seed")
    texts = [e.text for e in seed] + [e.text for e in without_diacritics(seed)]
    flagged = []
    for t in texts:
        verdict = rules.evaluate(for_model(t))
        if verdict.level == "critical":
            flagged.append((verdict.fired, t))
    print(f"\n## probe: rules call {len(flagged)} of {len(texts)} router-seed texts critical "
          "(as written and without diacritics; not labelled for urgency: read them)")  # fmt: skip
    for fired, t in flagged:
        print(f"  {','.join(fired)}: {t[:110]}")


def speed(clf: UrgencyClassifier, texts: list[str], rounds: int = 5) -> None:
    """Texts per CPU second (best of ``rounds``): CPU time, so other work on the machine
    does not count against us."""
    model_texts = [for_model(t) for t in texts]
    feats = [features.analyze(t) for t in model_texts]
    rules = clf.rules

    def best(fn: Callable[[], object], rounds: int = rounds) -> float:
        times = []
        for _ in range(rounds):
            t0 = time.process_time()
            fn()
            times.append(time.process_time() - t0)
        return len(texts) / max(min(times), 1e-9)

    r = best(lambda: [rules.evaluate(t) for t in model_texts])
    c = best(lambda: [clf.assess(t, f) for t, f in zip(model_texts, feats, strict=True)])
    a = best(lambda: [features.analyze(t) for t in model_texts], rounds=1)
    print(f"\n## speed ({len(texts)} texts, texts per CPU second, best of {rounds})")
    print(f"rules alone: {r:,.0f}/s; classifier with precomputed features: {c:,.0f}/s; "
          f"nlp.features.analyze alone: {a:,.0f}/s")  # fmt: skip


# Blind sets, in the order they were written (each README tells its history): urgency_fresh,
# urgency_fresh2, urgency_fresh3, ... — a new one is picked up by its folder name. Those the
# model now trains on (``eval/data/urgency/adopted.json``) are left out: they are no test of it.
ADOPTED = {d.name for d in adopted_sets(ROOT / "eval" / "data" / "urgency")}
FRESH_DIRS = [d for d in blind_sets("urgency") if d.name not in ADOPTED]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models" / "urgency")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "eval" / "data" / "urgency")
    ap.add_argument("--fresh-dir", type=Path, nargs="*", default=FRESH_DIRS)
    ap.add_argument("--probe", action="store_true", help="list router-seed texts rules flag")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    examples = load_examples(args.data_dir)
    _, held_out = split_held_out(examples)
    if ADOPTED:
        names = sorted(ADOPTED, key=lambda name: set_number(name, "urgency"))
        print(f"blind sets the model trains on, not scored here: {', '.join(names)}\n")
    print_all(evaluate_urgency(args.model_dir, held_out), "held-out part", rule_counts=True)
    for fresh in args.fresh_dir:
        if fresh.is_dir():
            print_all(evaluate_urgency(args.model_dir, load_examples(fresh)), f"{fresh.name} set")
    clf = UrgencyClassifier(args.model_dir)
    clf.warm_up()
    if args.probe:
        probe(clf.rules)
    if not args.no_speed:
        speed(clf, [e.text for e in examples])


if __name__ == "__main__":
    main()
