"""Speed of the whole annotation pipeline, in process: batch throughput, single-message latency,
peak memory, and where the time goes (per stage).

    python eval/bench_pipeline.py [--n 2000] [--single 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.container import Container
from app.settings import Settings
from core.types import TextInput
from eval.machine import describe
from eval.messages import varied_messages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--single", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    pipeline = Container(Settings(log_level="WARNING")).pipeline
    t0 = time.perf_counter()
    pipeline.warm_up()
    warm = time.perf_counter() - t0
    msgs = [TextInput(str(m["text"])) for m in varied_messages(args.n + args.single, seed=21)]
    batch, singles = msgs[: args.n], msgs[args.n :]
    rates, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        pipeline.annotate_batch(batch)
        rates.append(len(batch) / (time.perf_counter() - t0))
        cpu.append((time.process_time() - c0) / len(batch))
    latencies = []
    for item in singles:
        t0 = time.perf_counter()
        pipeline.annotate(item)
        latencies.append(time.perf_counter() - t0)
    latencies.sort()
    stages = pipeline.timings() if hasattr(pipeline, "timings") else {}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"whole annotation pipeline, {args.n} varied messages × {args.runs} runs (median)")
    print(f"machine: {describe()}\n")
    print("| metric | value |")
    print("|---|---|")
    print(f"| batch throughput | {statistics.median(rates):.0f} messages/s |")
    print(f"| CPU time per message, batch (all threads) | {statistics.median(cpu) * 1000:.1f} ms |")
    print(f"| single message p50 | {latencies[len(latencies) // 2] * 1000:.1f} ms |")
    print(f"| single message p95 | {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms |")
    print(f"| warm-up (model loading) | {warm:.1f} s |")
    print(f"| peak memory (max RSS) | {peak:.0f} MiB |")
    if stages:
        total = sum(stages.values())
        print("\nwhere the time goes (all runs; in a batch the encoder reads one chunk in a")
        print(
            "background thread while the others annotate the next, so its time overlaps theirs)\n"
        )
        print("| stage | share | ms/message |")
        print("|---|---|---|")
        count = args.n * args.runs + args.single
        for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(f"| {name} | {seconds / total:.0%} | {seconds / count * 1000:.2f} |")


if __name__ == "__main__":
    main()
