"""Quality of the committed category router on the held-out fifth of the seed set.

    python eval/router_eval.py [--model-dir models/router]

Prints accuracy, macro-F1, per-class F1 and recall, the worst confusions and a reliability
table, for the text as written and with diacritics removed. The held-out part is never
trained on (``nlp.linear_training.is_held_out``). Then the same for the fresh sets
(``eval/data/router_fresh*``, each written by someone who had not seen the seed set or the
model; their READMEs say whether anything was changed after their first runs), except those
the router now trains on, named in ``eval/data/router_seed/adopted.json``. Last, on the vague
reports of ``eval/data/router_vague_tune`` (used to tune) and ``eval/data/router_vague`` (blind),
how many wait for triage (below the routing threshold), go to "khac" or go to another category,
against clear reports of the same set.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.settings import Settings
from core.reference import ReferenceData
from eval.blind_sets import blind_sets
from nlp.linear_training import adopted_sets, load_examples, split_held_out
from nlp.normalize import strip_diacritics
from services.training import evaluate_router, router_predictor, triage_shares

# blind sets the router now trains on (``eval/data/router_seed/adopted.json``): no test of it
ADOPTED_SETS = {d.name for d in adopted_sets(ROOT / "eval" / "data" / "router_seed")}
FRESH_DIRS = [d for d in blind_sets("router") if d.name not in ADOPTED_SETS]
# vague reports ("Khu này dạo này nhiều chuyện quá") should wait for triage (below the routing
# threshold) or go to "khac", whose desk triages; clear ones should be routed
VAGUE = [
    ROOT / "eval" / "data" / name / "fresh.jsonl" for name in ("router_vague_tune", "router_vague")
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models" / "router")
    ap.add_argument("--seed-dir", type=Path, default=ROOT / "eval" / "data" / "router_seed")
    ap.add_argument(
        "--fresh-dir",
        type=Path,
        nargs="*",
        default=FRESH_DIRS,
    )
    args = ap.parse_args()
    reference = ReferenceData.load()
    _, held_out = split_held_out(load_examples(args.seed_dir))
    show(evaluate_router(args.model_dir, reference, held_out))
    for folder in args.fresh_dir:
        if folder.is_dir():
            fresh = evaluate_router(args.model_dir, reference, load_examples(folder))
            tag = folder.name.replace("router_", "")
            show({name.replace("held_out", tag): m for name, m in fresh.items()})
    for path in VAGUE:
        if path.is_file():
            show_triage(args.model_dir, reference, path, Settings().routing_threshold)


def show_triage(model_dir: Path, reference: ReferenceData, path: Path, threshold: float) -> None:
    """What the router does with vague reports (they should wait for triage or go to "khac") and
    with the clear ones of the same set, as written and without diacritics."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    predict = router_predictor(model_dir, reference)
    print(f"\n## triage: {path.parent.name}, {len(rows)} texts, routing threshold {threshold}")
    print("| typed | kind | n | wait (below threshold) | to khac | to another category |")
    print("|---|---|---|---|---|---|")
    for typed, texts in (
        ("as written", [r["text"] for r in rows]),
        ("without diacritics", [strip_diacritics(r["text"]) for r in rows]),
    ):
        answers: dict[str, list[tuple[str, float]]] = {"vague": [], "clear": []}
        for r, answer in zip(rows, predict(texts), strict=True):
            answers[r["kind"]].append(answer)
        for kind, n in triage_shares(answers, threshold).items():
            total = sum(n.values())
            print(f"| {typed} | {kind} | {total} | {n['wait']} | {n['khac']} | {n['routed']} |")


def show(metrics: dict) -> None:
    for name, m in metrics.items():
        print(f"\n## {name}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f} "
              f"ECE={m['ece']:.3f}")  # fmt: skip
        print("| category | F1 | recall |")
        print("|---|---|---|")
        worst = sorted(m["per_class_f1"], key=m["per_class_f1"].__getitem__)
        for c in worst:
            print(f"| {c} | {m['per_class_f1'][c]:.3f} | {m['per_class_recall'][c]:.3f} |")
        print("\nworst confusions (true → predicted: count)")
        for x in m["worst_confusions"]:
            print(f"  {x['true']} → {x['predicted']}: {x['count']}")
        print("\nreliability (confidence bin: n, mean confidence, accuracy)")
        for b in m["reliability"]:
            print(f"  {b['bin']}: {b['n']}, {b['confidence']:.3f}, {b['accuracy']:.3f}")


if __name__ == "__main__":
    main()
