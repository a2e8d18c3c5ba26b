"""Quality and speed of the tuned encoder, alone and as the pipeline uses it (blended).

    python eval/encoder_eval.py [--model-dir models] [--shared-dir ../shared/data] [--runs 3]

For every head and evaluation set (the dev splits and held-out fifths the linear models use,
never trained on) it prints accuracy and macro-F1 of the linear model alone, the encoder
alone, the pipeline's answer (linear, blended with the encoder where the linear answer is
below ``ENCODER_BELOW``) and the blend of every text; then the issue's targets against the
pipeline's answer, the per-class detail of that answer, and the encoder's speed.

The UIT-VSFC topic is a benchmark scored by accuracy, not a pipeline field: its answer is
``services.encoder_eval.accuracy_predictor`` (the blend with the training prior restored, see
there), printed in a second table; the target is checked against it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.messages import varied_messages
from eval.textcat_eval import print_metrics
from nlp import segment
from nlp.encoder import ENCODER_BELOW, TunedEncoder
from nlp.normalize import for_model
from nlp.profanity import ProfanityLexicon
from nlp.textcat import TextCategorizer
from services.encoder_eval import (
    ACCURACY_HEADS,
    ACCURACY_KIND,
    accuracy_predictor,
    blend_predictor,
    encoder_predictor,
)
from services.textcat_data import rebuild_of, task_data
from services.textcat_evaluation import FeatureCache, evaluate_sets, predictor
from services.train_encoder import HEADS

# (head, set, metric, target) from the issue
TARGETS = [
    ("sentiment", "uit_vsfc_dev", "accuracy", 0.93),
    ("sentiment", "uit_vsfc_dev", "macro_f1", 0.82),
    ("topic", "uit_vsfc_dev", "accuracy", 0.89),
    ("toxicity", "vihsd_dev", "macro_f1", 0.68),
    ("sentiment", "aivivn2019_dev", "macro_f1", 0.92),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "eval" / "data")
    ap.add_argument("--shared-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    segment.warm_up()
    encoder = TunedEncoder(args.model_dir / "encoder")
    encoder.warm_up()
    cache = FeatureCache()
    profanity = ProfanityLexicon.load()
    print(f"model {encoder.version}; the pipeline blends where the linear answer is below "
          f"{ENCODER_BELOW}, then calls a profane text at least offensive (profanity lexicon "
          f"{profanity.version})\n")  # fmt: skip
    print("| head | set | n | linear | encoder | pipeline (blend if unsure) | blend every text |")
    print("|---|---|---|---|---|---|---|")
    pipeline_metrics: dict[tuple[str, str], dict] = {}
    accuracy_rows: list[str] = []
    for head, task in HEADS.items():
        linear = TextCategorizer(args.model_dir / task, task, rebuild_of(task))
        linear.warm_up()
        kinds = {
            "linear": predictor(linear, cache),
            "encoder": encoder_predictor(encoder, head),
            "pipeline": blend_predictor(encoder, head, linear, cache, profanity=profanity),
            "all": blend_predictor(encoder, head, linear, cache, below=1.01, profanity=profanity),
        }
        evals = task_data(task, args.data_dir, args.shared_dir).evals
        measured = {kind: evaluate_sets(predict, evals) for kind, predict in kinds.items()}
        if head in ACCURACY_HEADS:
            decided = evaluate_sets(accuracy_predictor(encoder, head, linear, cache), evals)
            for name, m in decided.items():
                plain = measured["all"][name]
                accuracy_rows.append(
                    f"| {head} | {name} | {plain['accuracy']:.3f} / {plain['macro_f1']:.3f} "
                    f"| {m['accuracy']:.3f} / {m['macro_f1']:.3f} |"
                )
                pipeline_metrics[(head, name)] = m
        for name, es in evals.items():
            if not es.examples:
                continue
            cells = [f"{m[name]['accuracy']:.3f} / {m[name]['macro_f1']:.3f}"
                     for m in measured.values()]  # fmt: skip
            pipeline_metrics.setdefault((head, name), measured["pipeline"][name])
            print(f"| {head} | {name} | {len(es.examples)} | " + " | ".join(cells) + " |")
    print("\n(cells: accuracy / macro-F1)\n")
    print(f"## benchmarks scored by accuracy: {ACCURACY_KIND}\n")
    print("Both models were trained to count rare classes more; for accuracy the answer is the "
          "most probable class under the training prior (every text blended).\n")  # fmt: skip
    print(f"| head | set | blend every text | {ACCURACY_KIND} |")
    print("|---|---|---|---|")
    print("\n".join(accuracy_rows))
    print(f"\n## targets (the pipeline's answer; {', '.join(ACCURACY_HEADS)}: {ACCURACY_KIND})\n")
    print("| head | set | metric | target | measured | met |")
    print("|---|---|---|---|---|---|")
    for head, name, metric, target in TARGETS:
        value = pipeline_metrics[(head, name)][metric]
        print(f"| {head} | {name} | {metric} | {target:.2f} | {value:.3f} | "
              f"{'yes' if value >= target else 'no'} |")  # fmt: skip
    print("\nAIVIVN 2019: a blind second reader disagrees with ~10% of the gold labels of a dev "
          "sample, so about 0.90 is what reading the texts right scores; see "
          "`eval/aivivn_reread_eval.py`.")  # fmt: skip
    for (head, name), m in pipeline_metrics.items():
        kind = ACCURACY_KIND if head in ACCURACY_HEADS else "pipeline"
        print_metrics(f"{kind} {head}", name, m)
    speed(encoder, args.runs)


def speed(encoder: TunedEncoder, runs: int) -> None:
    texts = [for_model(str(m["text"])) for m in varied_messages(1000, seed=5)]
    rates = []
    for _ in range(runs):
        t0 = time.perf_counter()
        encoder.probabilities(texts)
        rates.append(len(texts) / (time.perf_counter() - t0))
    singles = []
    for t in texts[:200]:
        t0 = time.perf_counter()
        encoder.probabilities([t])
        singles.append(time.perf_counter() - t0)
    singles.sort()
    print("\n## encoder speed (1000 varied civic messages, all heads at once)\n")
    print("| metric | value |")
    print("|---|---|")
    print(
        f"| 1000 texts, one a run, median of {runs} runs | {statistics.median(rates):.0f} texts/s |"
    )
    print(f"| single text p50 / p95 | {singles[100] * 1000:.1f} / {singles[190] * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
