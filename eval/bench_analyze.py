"""Throughput and peak memory of ``langnghe analyze`` on 10,000 varied messages.

    python eval/bench_analyze.py [--n 10000] [--runs 3]

Runs the real command as a subprocess (start-up included and reported apart), prints a table
with the median of the runs.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.machine import describe
from eval.messages import varied_messages

LANGNGHE = str(Path(sys.executable).with_name("langnghe"))


def run_once(payload: str, n: int, home: str) -> tuple[float, float, float]:
    """(wall seconds for n messages, wall seconds for an empty input, peak RSS MiB)."""
    env = {**os.environ, "LANGNGHE_HOME": home, "LANGNGHE_LOG_LEVEL": "WARNING"}
    t0 = time.perf_counter()
    subprocess.run([LANGNGHE, "analyze"], input="", text=True, env=env, check=True,
                   capture_output=True)  # fmt: skip
    startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    proc = subprocess.run([LANGNGHE, "analyze"], input=payload, text=True, env=env, check=True,
                          capture_output=True)  # fmt: skip
    total = time.perf_counter() - t0
    lines = proc.stdout.count("\n")
    if lines != n:
        raise SystemExit(f"expected {n} output lines, got {lines}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return total, startup, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    msgs = varied_messages(args.n)
    payload = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in msgs)
    chars = statistics.mean(len(str(m["text"])) for m in msgs)
    results = []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(args.runs):
            results.append(run_once(payload, args.n, home))
    total = statistics.median(r[0] for r in results)
    startup = statistics.median(r[1] for r in results)
    peak = max(r[2] for r in results)
    print(f"langnghe analyze: {args.n} messages (mean {chars:.0f} chars), {args.runs} runs, median")
    print(f"machine: {describe()}\n")
    print("| metric | value |")
    print("|---|---|")
    print(f"| wall time, whole command | {total:.2f} s |")
    print(f"| start-up (empty input) | {startup:.2f} s |")
    print(f"| messages/s, whole command | {args.n / total:.0f} |")
    print(f"| messages/s, excluding start-up | {args.n / max(total - startup, 1e-9):.0f} |")
    print(f"| peak memory (max RSS) | {peak:.0f} MiB |")


if __name__ == "__main__":
    main()
