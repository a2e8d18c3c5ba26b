"""Quality and speed of the committed text categorizers (sentiment, toxicity, spam, relevance).

    python eval/textcat_eval.py [--tasks sentiment spam] [--model-dir models]
                                [--shared-dir ../shared/data] [--runs 3]

Tasks: sentiment, toxicity, spam, relevance, and ``vsfc_topic`` (a benchmark of the machinery
on UIT-VSFC topics, not used by the pipeline). For every task and evaluation set (dev splits of
the public corpora, held-out fifths of our own sets, never trained on) it prints accuracy,
macro-F1, per-class F1 and recall, the worst confusions and the reliability table with its ECE;
then throughput in texts per second, both with the features given (what the pipeline does:
``analyze`` once, shared by every model) and including normalisation and feature extraction.
Throughput is the median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp import features, segment
from nlp.normalize import for_model
from nlp.textcat import TextCategorizer
from services.textcat_data import ALL_TASKS, rebuild_of, task_data
from services.textcat_evaluation import FeatureCache, evaluate_sets, predictor


def print_metrics(task: str, name: str, m: dict) -> None:
    print(f"\n## {task} / {name}: n={m['n']} accuracy={m['accuracy']:.3f} "
          f"macro-F1={m['macro_f1']:.3f} ECE={m['ece']:.3f}")  # fmt: skip
    print(f"({m['note']})")
    print("| class | F1 | recall |")
    print("|---|---|---|")
    for c in m["per_class_f1"]:
        print(f"| {c} | {m['per_class_f1'][c]:.3f} | {m['per_class_recall'][c]:.3f} |")
    print("worst confusions (true → predicted: count)")
    for x in m["worst_confusions"][:5]:
        print(f"  {x['true']} → {x['predicted']}: {x['count']}")
    print("reliability (confidence bin: n, mean confidence, accuracy)")
    for b in m["reliability"]:
        print(f"  {b['bin']}: {b['n']}, {b['confidence']:.3f}, {b['accuracy']:.3f}")


def throughput(cat: TextCategorizer, texts: list[str], runs: int) -> tuple[float, float]:
    """(texts/s given the analyze features, texts/s including for_model + analyze)."""
    prepared = [(mt, features.analyze(mt)) for mt in map(for_model, texts)]
    given, full = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        for mt, feats in prepared:
            cat.classify(mt, feats)
        given.append(len(texts) / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for t in texts:
            cat.classify(for_model(t))
        full.append(len(texts) / (time.perf_counter() - t0))
    return statistics.median(given), statistics.median(full)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", nargs="+", choices=ALL_TASKS, default=ALL_TASKS)
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "eval" / "data")
    ap.add_argument("--shared-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--speed-texts", type=int, default=1000)
    args = ap.parse_args()
    segment.warm_up()
    cache = FeatureCache()
    speed = []
    for task in args.tasks:
        cat = TextCategorizer(args.model_dir / task, task, rebuild_of(task))
        cat.warm_up()
        sets = task_data(task, args.data_dir, args.shared_dir).evals
        metrics = evaluate_sets(predictor(cat, cache), sets)
        print(f"\n# {task} (model {cat.model.version})")
        for name, m in metrics.items():
            print_metrics(task, name, m)
        texts = [e.text for es in sets.values() for e in es.examples][: args.speed_texts]
        speed.append((task, len(texts), *throughput(cat, texts, args.runs)))
    print("\n# throughput (median of runs, one CPU thread)")
    print("| task | texts | texts/s, features given | texts/s, incl. for_model + analyze |")
    print("|---|---|---|---|")
    for task, n, given, full in speed:
        print(f"| {task} | {n} | {given:,.0f} | {full:,.0f} |")


if __name__ == "__main__":
    main()
