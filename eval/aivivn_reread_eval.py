"""How far the AIVIVN 2019 labels can be trusted: a blind second reading of a dev sample.

    python eval/aivivn_reread_eval.py [--model-dir models] [--shared-dir ../shared/data]

``eval/data/aivivn_reread/labels.jsonl`` holds a second reader's label (``positive``,
``negative`` or ``unclear``) for 240 texts drawn at random from the AIVIVN dev tenth, keyed by
the first 12 hex digits of the SHA-1 of the text (the corpus itself is not copied here). The
reader saw neither the gold labels nor our models (README there). This prints how often the
reader agrees with the gold label, how the pipeline's answer scores against each, and the
macro-F1 the reader itself would get against the gold labels: the ceiling that label errors
put on the ``aivivn2019_dev`` target.

A second table asks whether the encoder could learn more from AIVIVN itself: the shipped
encoder alone, a logistic head refit on its features from the AIVIVN training rows alone, and
a word and character n-gram model fit on those rows, alone and averaged with the encoder (at
the weight that scores best on dev itself, so an upper bound on what such a blend adds), and
the fine-tuning runs that ``eval/aivivn_ceiling_fit.py`` made on a GPU machine, recorded in
``eval/data/aivivn_ceiling/runs.json`` (this host cannot repeat them in useful time).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nlp import segment
from nlp.encoder import TunedEncoder, softmax
from nlp.linear_training import Example, evaluate
from nlp.normalize import for_model
from nlp.textcat import TextCategorizer
from services.encoder_eval import blend_predictor
from services.textcat_data import read_aivivn, rebuild_of
from services.textcat_evaluation import FeatureCache

LABELS = ROOT / "eval" / "data" / "aivivn_reread" / "labels.jsonl"
RUNS = ROOT / "eval" / "data" / "aivivn_ceiling" / "runs.json"
LOGITS = ROOT / "eval" / "data" / "aivivn_ceiling" / "dev_logits.npz"
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
    print_ceiling(encoder, args.shared_dir)


def print_ceiling(encoder: TunedEncoder, shared: Path) -> None:
    """The encoder's own AIVIVN score, a head refit on AIVIVN alone, and the recorded GPU runs."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    train, dev = read_aivivn(shared)
    gold = [e.label for e in dev]
    dev_x = encoder.pooled([for_model(e.text) for e in dev])
    classes = encoder.classes["sentiment"]
    weight, bias = encoder.files.heads["sentiment"]
    shipped = [classes[i] for i in (dev_x @ weight.T + bias).argmax(axis=1)]
    head = LogisticRegression(C=0.01, max_iter=2000)
    head.fit(encoder.pooled([for_model(e.text) for e in train]), [e.label for e in train])

    def f1(guess: Sequence[str]) -> str:
        return f"{f1_score(gold, guess, labels=list(CLASSES), average='macro'):.3f}"

    grams, grams_p = ngram_probabilities(train, dev)
    positive = list(classes).index("positive")
    encoder_p = softmax(dev_x @ weight.T + bias)
    encoder_p = encoder_p[:, positive] / (encoder_p[:, positive] + encoder_p[:, 0])
    blends = {
        w: f1(["positive" if p > 0.5 else "negative" for p in w * encoder_p + (1 - w) * grams_p])
        for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    }
    best = max(blends, key=lambda w: blends[w])

    runs = json.loads(RUNS.read_text(encoding="utf-8"))
    print(f"\nWhat the encoder learns from AIVIVN (dev tenth, n={len(dev)}, macro-F1):\n")
    print("| model | layers, epochs, learning rate | trained on | dev macro-F1 |")
    print("|---|---|---|---|")
    print(f"| shipped encoder {encoder.version}, int8 | 12, 3, 5e-5 | every head and corpus "
          f"| {f1(shipped)} |")  # fmt: skip
    print(f"| logistic head on the shipped encoder's features | (refit here, C=0.01) "
          f"| AIVIVN training rows only | {f1(list(head.predict(dev_x)))} |")  # fmt: skip
    print(f"| word and character n-gram logistic model (TF-IDF), no encoder | – "
          f"| AIVIVN training rows only | {f1(grams)} |")  # fmt: skip
    print(f"| shipped encoder and the n-gram model averaged, the best of 9 weights "
          f"chosen on dev itself (encoder {best:g}: an upper bound) | – | as above "
          f"| {blends[best]} |")  # fmt: skip
    for run in runs["runs"]:
        tune, epochs, rate = run["candidate"].split(":")
        factor = run["aivivn_factor"]
        trained = {0: "AIVIVN rows only", 1: "every head and corpus, as shipped"}.get(
            factor, f"every corpus, AIVIVN ×{factor:g}"
        )
        score = f"{run['dev']['macro_f1']:.3f}"
        if "dev_int8" in run:
            score += f" (int8: {run['dev_int8']['macro_f1']:.3f})"
        print(f"| fine-tuned on a GPU ({run['seconds']} s), seed {run.get('seed', 0)} "
              f"| {tune}, {epochs}, {rate} | {trained} | {score} |")  # fmt: skip
    with np.load(LOGITS) as saved:
        members = {"shipped": softmax(dev_x @ weight.T + bias)}
        members |= {k: softmax(saved[k]) for k in saved.files}
    every, best, chosen = averaged(members, gold, classes)
    print(f"| the shipped encoder and the {len(members) - 1} seeded GPU models averaged "
          f"(probabilities) | – | as each | {every:.3f} |")  # fmt: skip
    print(f"| the best of their {2 ** len(members) - 1 - len(members)} averages of two or more, "
          f"chosen on dev itself ({len(chosen)} models: an upper bound) | – | as each "
          f"| {best:.3f} |")  # fmt: skip
    print(f"\n_{runs['what']}_")


def averaged(
    members: dict[str, np.ndarray], gold: Sequence[str], classes: Sequence[str]
) -> tuple[float, float, tuple[str, ...]]:
    """Macro-F1 of the mean probability of every member, and of the best subset of two or more
    (chosen on the same labels: an upper bound); negative or positive, whichever is likelier."""
    from itertools import combinations

    from sklearn.metrics import f1_score

    neg, pos = list(classes).index("negative"), list(classes).index("positive")

    def f1(names: Sequence[str]) -> float:
        p = sum(members[n] for n in names) / len(names)
        guess = np.where(p[:, pos] > p[:, neg], "positive", "negative").tolist()
        return float(f1_score(gold, guess, labels=list(CLASSES), average="macro"))

    subsets = [c for r in range(2, len(members) + 1) for c in combinations(members, r)]
    scores = {c: f1(c) for c in subsets}
    chosen = max(scores, key=lambda c: scores[c])
    return scores[tuple(members)], scores[chosen], chosen  # every member: the largest subset


def ngram_probabilities(
    train: Sequence[Example], dev: Sequence[Example]
) -> tuple[list[str], np.ndarray]:
    """A word 1–3 and character 1–5 gram TF-IDF logistic model fit on the AIVIVN training
    rows: its dev answers and probabilities of positive (what n-grams add to the encoder)."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 5), min_df=2, sublinear_tf=True, max_features=300_000
    )
    train_t, dev_t = [for_model(e.text) for e in train], [for_model(e.text) for e in dev]
    train_x = hstack([words.fit_transform(train_t), chars.fit_transform(train_t)]).tocsr()
    dev_x = hstack([words.transform(dev_t), chars.transform(dev_t)]).tocsr()
    model = LogisticRegression(C=3.0, max_iter=2000).fit(train_x, [e.label for e in train])
    p = model.predict_proba(dev_x)[:, list(model.classes_).index("positive")]
    return ["positive" if x > 0.5 else "negative" for x in p], p


if __name__ == "__main__":
    main()
