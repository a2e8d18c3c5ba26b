"""Intake throughput and latency of ``POST /api/v1/feedback`` under a local load generator.

    python eval/bench_api.py [--requests 2000] [--concurrency 8] [--runs 3]

Starts ``langnghe serve`` on a free loopback port with a fresh SQLite home, warms it up,
then sends varied messages from an asyncio httpx client (each request stores the feedback
and waits for its routing, as a channel would). Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.messages import varied_messages

LANGNGHE = str(Path(sys.executable).with_name("langnghe"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LANGNGHE_HOME": home, "LANGNGHE_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([LANGNGHE, "serve", "--port", str(port)], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


async def load(
    base: str, bodies: list[dict[str, object]], concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue: asyncio.Queue[dict[str, object]] = asyncio.Queue()
    for b in bodies:
        queue.put_nowait(b)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            t0 = time.perf_counter()
            r = await client.post(f"{base}/api/v1/feedback", json=body)
            latencies.append(time.perf_counter() - t0)
            if r.status_code != 201:
                raise SystemExit(f"unexpected {r.status_code}: {r.text[:200]}")

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        return time.perf_counter() - t0, latencies


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    msgs = varied_messages(args.requests * (args.runs + 1), seed=11)
    rows = []
    with tempfile.TemporaryDirectory() as home:
        port = free_port()
        server = start_server(home, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for run in range(args.runs + 1):  # run 0 warms up
                chunk = msgs[run * args.requests : (run + 1) * args.requests]
                bodies = [
                    {"text": m["text"], "channel_message_id": f"bench-{run}-{m['id']}"}
                    for m in chunk
                ]
                wall, lat = asyncio.run(load(base, bodies, args.concurrency))
                if run:
                    lat.sort()
                    rows.append((len(lat) / wall, lat[len(lat) // 2], lat[int(len(lat) * 0.95)],
                                 lat[int(len(lat) * 0.99)]))  # fmt: skip
        finally:
            server.terminate()
            server.wait(30)
    rps, p50, p95, p99 = (statistics.median(r[i] for r in rows) for i in range(4))
    print(f"POST /api/v1/feedback: {args.requests} requests × {args.runs} runs, "
          f"concurrency {args.concurrency}, SQLite, median of runs")  # fmt: skip
    print("| metric | value |")
    print("|---|---|")
    print(f"| requests/s | {rps:.0f} |")
    print(f"| p50 latency | {p50 * 1000:.1f} ms |")
    print(f"| p95 latency | {p95 * 1000:.1f} ms |")
    print(f"| p99 latency | {p99 * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
