"""How far fine-tuning e5-small goes on AIVIVN 2019 (a GPU experiment, not a test).

The shipped encoder scores macro-F1 0.911 on the AIVIVN dev tenth (the pipeline 0.901, target
0.92). A logistic head refit on its features from AIVIVN alone scores no higher (0.910), so the
question is whether the representation itself can do better. Three kinds of training answer it:

* ``aivivn_only``: the 12 layers and a sentiment head trained on the AIVIVN rows alone (and
  their no-diacritics twins): the most this encoder gives for this corpus when nothing else
  pulls on it;
* ``all_aivivn_x2``: the shipped recipe (every head, every corpus) with the AIVIVN rows counted
  twice and one more epoch: a model the pipeline could ship. Its files are written to
  ``OUT/all_aivivn_x2_seed0`` in ``services.encoder_fit``'s format (``langnghe train encoder
  --fitted``);
* seeded runs (``--seeds 1 2 3 4``): the shipped recipe and ``aivivn_only`` again with other seeds,
  to see how much of a score is the seed and what averaging several models gives. Every run's
  sentiment logits on the dev tenth go to ``OUT/dev_logits.npz`` (``run_key`` names them), which
  ``eval/aivivn_reread_eval.py`` averages with the shipped encoder.

Each is scored on the dev tenth in float (torch); the shipped int8 graph scores within a few
tenths of a point of that. Steps:

    $ python eval/aivivn_ceiling_fit.py export .gpu                    # here
    $ python3 eval/aivivn_ceiling_fit.py fit .gpu OUT --device cuda     # on the GPU machine
    $ python3 eval/aivivn_ceiling_fit.py fit .gpu OUT --device cuda \
          --names shipped_recipe aivivn_only --seeds 1 2 3 4 --budget 430   # the seeded runs

``export`` writes ``.gpu/bundle`` (``langnghe train encoder --export-bundle``'s bundle) and
``.gpu/aivivn.npz`` (which bundle rows are AIVIVN's, the dev tenth's ids and labels). The device
tool sends at most 64 MiB of working tree: the tracked files and ``.gpu`` are more, so move
``models/`` aside (``fit`` reads none of it) for the call and back after it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.encoder_fit import (
    CLASSES,
    Rows,
    TrainSettings,
    fit,
    head_scores,
    read_bundle,
    write_fitted,
)

log = logging.getLogger("aivivn_ceiling")
SENTIMENT = list(CLASSES).index("sentiment")
EXPERIMENTS: tuple[tuple[str, str, float, int], ...] = (
    # name, tune:epochs:learning_rate, AIVIVN weight factor (0: AIVIVN rows alone), seed
    ("all_aivivn_x2", "12:4:5e-5", 2.0, 0),
    ("aivivn_only", "12:3:5e-5", 0.0, 0),
    ("aivivn_only", "12:5:5e-5", 0.0, 0),
    ("aivivn_only", "12:3:1e-4", 0.0, 0),
    # how much of a score is the seed, and what averaging several models would give
    *(("shipped_recipe", "12:3:5e-5", 1.0, seed) for seed in (1, 2)),
    *(("aivivn_only", "12:3:5e-5", 0.0, seed) for seed in (1, 2, 3, 4)),
)


def export(out: Path) -> None:
    """The bundle and the AIVIVN rows' mask and dev tenth (needs the project and the corpora)."""
    from app.cli_support import load_settings
    from app.settings import PROJECT_DIR
    from nlp.e5_tokenizer import E5Tokenizer
    from nlp.e5_weights import E5Weights
    from nlp.normalize import for_model, strip_diacritics
    from services.encoder_fit import write_bundle
    from services.textcat_data import read_aivivn
    from services.train_encoder import _gathered, tokenized

    shared = load_settings().data_dir
    settings = TrainSettings()
    data = _gathered(PROJECT_DIR / "eval" / "data", shared, settings)
    weights = E5Weights.load()
    write_bundle(out / "bundle", tokenized(data, weights, settings), weights, settings)
    train, dev = read_aivivn(shared)
    texts = {for_model(e.text) for e in train}
    texts |= {strip_diacritics(t) for t in texts}
    mask = np.array([r.text in texts for r in data.rows])
    tokenizer, keep = E5Tokenizer(weights), settings.max_tokens - 2
    ids = [[weights.bos, *tokenizer.encode("query: " + for_model(e.text))[:keep], weights.eos]
           for e in dev]  # fmt: skip
    labels = np.array([CLASSES["sentiment"].index(e.label) for e in dev], np.int64)
    np.savez_compressed(out / "aivivn.npz", train_mask=mask, labels=labels,
                        ids=np.fromiter((i for x in ids for i in x), np.int32),
                        offsets=np.cumsum([0, *map(len, ids)]).astype(np.int64))  # fmt: skip
    print(f"{len(data.rows)} rows ({int(mask.sum())} AIVIVN), {len(dev)} dev texts → {out}")


def _rows_for(rows: Rows, mask: np.ndarray, factor: float) -> Rows:
    if factor == 0.0:
        part = rows.subset(np.flatnonzero(mask))
        labels = np.full_like(part.labels, -1)
        labels[:, SENTIMENT] = part.labels[:, SENTIMENT]
        return Rows(part.ids, labels, part.weights, part.keys)
    weights = rows.weights.copy()
    weights[mask] *= factor
    return Rows(rows.ids, rows.labels, weights, rows.keys)


def dev_scores(gold: np.ndarray, guess: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    classes = CLASSES["sentiment"]
    two = [classes.index("negative"), classes.index("positive")]
    return {
        "macro_f1": round(float(f1_score(gold, guess, labels=two, average="macro")), 4),
        "accuracy": round(float((gold == guess).mean()), 4),
        "neutral_answers": int((guess == classes.index("neutral")).sum()),
    }


def fit_all(
    gpu: Path, out: Path, device: str, budget: float, only: int | None, names: list[str],
    seeds: list[int],
) -> None:  # fmt: skip
    from nlp.encoder_torch import E5Torch

    started = time.perf_counter()
    rows, weights, base = read_bundle(gpu / "bundle")
    with np.load(gpu / "aivivn.npz") as a:
        mask, gold = a["train_mask"], a["labels"]
        flat, offsets = a["ids"], a["offsets"]
    dev = [flat[offsets[i] : offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]
    if only is not None:  # a quick try: this many rows of each kind
        keep = np.concatenate([np.flatnonzero(mask)[:only], np.flatnonzero(~mask)[:only]])
        rows, mask = rows.subset(keep), mask[keep]
    results: list[dict[str, Any]] = []
    pace: float | None = None  # seconds per training row and epoch, from the first training
    logits: dict[str, np.ndarray] = {}
    for name, candidate, factor, seed in EXPERIMENTS:
        tune, epochs, rate = candidate.split(":")
        s = replace(base, tune=int(tune), epochs=int(epochs), learning_rate=float(rate), seed=seed)
        if (names and name not in names) or (seeds and seed not in seeds):
            continue
        if factor == 0.0:  # no neutral rows: torch weighs the smoothed targets by class weight,
            s = replace(s, label_smoothing=0.0)  # and the absent class's weight is huge
        part = _rows_for(rows, mask, factor)
        if pace is not None:
            need = pace * len(part.ids) * s.epochs * 1.15
            if time.perf_counter() - started + need > budget:
                log.info("skipped %s %s: ~%.0f s needed", name, candidate, need)
                continue
        t0 = time.perf_counter()
        model = E5Torch(weights, s.tune)
        heads, history = fit(model, part, s, device)
        seconds = time.perf_counter() - t0
        pace = pace or seconds / (len(part.ids) * s.epochs)
        scores = head_scores(model, heads, dev, device)["sentiment"]
        logits[run_key(name, candidate, seed)] = scores
        result = {"name": name, "candidate": candidate, "aivivn_factor": factor, "seed": seed,
                  "rows": len(part.ids), "seconds": round(seconds), "history": history,
                  "dev": dev_scores(gold, scores.argmax(axis=1))}  # fmt: skip
        results.append(result)
        print(json.dumps(result), flush=True)
        if factor != 0.0:
            info = {"settings": asdict(s), "history": history, "training_seconds": round(seconds),
                    "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                    "rows": len(part.ids), "selection": [], "chosen": 0,
                    "trained_on": f"every row, AIVIVN rows weighted ×{factor:g}",
                    "device": device}  # fmt: skip
            write_fitted(out / f"{name}_seed{seed}", model.tuned_tensors(), heads, info)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(results, indent=1), "utf-8")
        np.savez_compressed(out / "dev_logits.npz", **logits)


def run_key(name: str, candidate: str, seed: int) -> str:
    """A run's key in ``dev_logits.npz``: ``aivivn_only_12-3-5e-5_seed2``."""
    return f"{name}_{candidate.replace(':', '-')}_seed{seed}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="step", required=True)
    e = sub.add_parser("export")
    e.add_argument("gpu", type=Path)
    f = sub.add_parser("fit")
    f.add_argument("gpu", type=Path)
    f.add_argument("out", type=Path)
    f.add_argument("--device", default="cpu")
    f.add_argument("--budget", type=float, default=480.0, help="seconds for all trainings")
    f.add_argument("--only", type=int, default=None, help="rows of each kind (quick tries)")
    f.add_argument("--names", nargs="*", default=[], help="only these experiments")
    f.add_argument("--seeds", nargs="*", type=int, default=[], help="only these seeds")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.step == "export":
        export(args.gpu)
    else:
        fit_all(args.gpu, args.out, args.device, args.budget, args.only, args.names, args.seeds)


if __name__ == "__main__":
    main()
