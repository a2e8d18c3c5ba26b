"""How far the AIVIVN 2019 labels can be trusted: a blind second reading of a dev sample.

    python eval/aivivn_reread_eval.py [--model-dir models] [--shared-dir ../shared/data]

``eval/data/aivivn_reread/labels.jsonl`` holds a second reader's label (``positive``,
``negative`` or ``unclear``) for 240 texts drawn at random from the AIVIVN dev tenth, keyed by
the first 12 hex digits of the SHA-1 of the text (the corpus itself is not copied here). The
reader saw neither the gold labels nor our models (README there). This prints how often the
reader agrees with the gold label, how the pipeline's answer scores against each, and the
macro-F1 the reader itself would get against the gold labels: the ceiling that label errors
put on the ``aivivn2019_dev`` target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp import segment
from nlp.encoder import TunedEncoder
from nlp.linear_training import Example, evaluate
from nlp.textcat import TextCategorizer
from services.encoder_eval import blend_predictor
from services.textcat_data import read_aivivn, rebuild_of
from services.textcat_evaluation import FeatureCache

LABELS = ROOT / "eval" / "data" / "aivivn_reread" / "labels.jsonl"
CLASSES = ("negative", "positive")


def text_id(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval of a proportion ``k / n``."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models")
    ap.add_argument("--shared-dir", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    reader = {r["id"]: r["reader"] for r in map(json.loads, LABELS.read_text().splitlines())}
    _, dev = read_aivivn(args.shared_dir)  # the dev tenth that ``task_data`` evaluates on
    gold = [e for e in dev if text_id(e.text) in reader]
    if len(gold) != len(reader):
        sys.exit(f"only {len(gold)} of {len(reader)} re-read texts found in the AIVIVN dev tenth")
    said = {e.text: reader[text_id(e.text)] for e in gold}
    segment.warm_up()
    encoder = TunedEncoder(args.model_dir / "encoder")
    linear = TextCategorizer(args.model_dir / "sentiment", "sentiment", rebuild_of("sentiment"))
    pipeline = blend_predictor(encoder, "sentiment", linear, FeatureCache())
    answer = dict(zip(said, (label for label, _ in pipeline(list(said))), strict=True))
    clear = [Example(t, r) for t, r in said.items() if r != "unclear"]

    agree = sum(said[e.text] == e.label for e in gold)
    lo, hi = wilson(agree, len(gold))
    rows = [
        ("reader vs gold", evaluate(lambda ts: [(said[t], 1.0) for t in ts], gold, CLASSES)),
        ("pipeline vs gold", evaluate(lambda ts: [(answer[t], 1.0) for t in ts], gold, CLASSES)),
        ("pipeline vs reader (clear texts)",
         evaluate(lambda ts: [(answer[t], 1.0) for t in ts], clear, CLASSES)),
    ]  # fmt: skip
    print(f"AIVIVN 2019 dev: {len(gold)} texts drawn at random, re-read blind "
          f"({len(gold) - len(clear)} unclear, counted as disagreeing with gold)\n")  # fmt: skip
    print("| comparison | n | accuracy | macro-F1 |")
    print("|---|---|---|---|")
    for name, m in rows:
        print(f"| {name} | {m['n']} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} |")
    print(f"\nreader agrees with gold on {agree}/{len(gold)} = {agree / len(gold):.3f} "
          f"(95% interval {lo:.3f}–{hi:.3f})\n")  # fmt: skip
    print("| gold | reader | count |")
    print("|---|---|---|")
    for (g, r), n in sorted(Counter((e.label, said[e.text]) for e in gold).items()):
        print(f"| {g} | {r} | {n} |")
    wrong = [e for e in gold if answer[e.text] != e.label]
    sided = Counter("reader" if said[e.text] == answer[e.text] else "gold" for e in wrong)
    print(f"\nof the pipeline's {len(wrong)} disagreements with gold, the reader sides with the "
          f"pipeline on {sided['reader']} and with gold on {sided['gold']}")  # fmt: skip


if __name__ == "__main__":
    main()
