"""Chatbot speed through the Telegram webhook, end to end (issue 5).

    python eval/bench_bot.py [--quick] [--runs 3] [--rate 50] [--seconds 15] [--profile]

Builds a fresh LANGNGHE_HOME (SQLite with the demo dossiers, embedded Qdrant with the demo
documents indexed by real e5), starts our app in a subprocess with the Telegram channel pointed
at a fake Bot API (``eval/fake_telegram_server.py``, in this process's event loop), then posts
Telegram-shaped updates (unique update and chat ids) to ``POST /webhooks/telegram``. A turn
lasts from posting the update to the fake receiving the ``sendMessage`` for that chat.

Phases, repeated ``--runs`` times (the tables show the median of the runs):
1. dossier status ("hồ sơ <code> tới đâu rồi", with and without diacritics) at a fixed offered
   rate, open loop;
2. dossier status at the maximum rate the server sustains: a closed loop keeping
   ``--in-flight`` turns open;
3. procedure answers ("làm giấy khai sinh cần gì" …: the catalogue plus a cited guide passage,
   found by e5 + BM25 search) at a fixed rate.

``--profile`` samples the server's thread stacks during the first run (a small py-spy:
``eval/bench_bot_server.py``) and prints where a turn spends its time. ``--home DIR`` keeps the
home, so a second benchmark skips the indexing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.bench_bot_server import (
    PROFILE_ENV,
    cpu_seconds,
    free_port,
    peak_rss_mib,
    print_profile,
    read_profile,
    start_server,
)
from eval.fake_telegram_server import TOKEN, LoadGenerator, Outcome, TimingTelegram

T = TypeVar("T")
SECRET = "bench_secret-Thu-Duc"
TARGETS = {"dossier_p95_ms": 100.0, "turns_per_s": 50.0, "procedure_p95_ms": 500.0}

CODES = ["H29.202-250315-0012", "H29.202-250310-0007", "000.00.24.H29-240315-0012",
         "H29.205-250402-0031", "G22.99-250101-0003", "000.00.24.H29-250220-0045",
         "H29.202-250318-0021", "000.00.24.H29-250301-0102", "H29.205-250320-0015"]  # fmt: skip
DOSSIER_TEMPLATES = ["hồ sơ {} tới đâu rồi", "ho so {} toi dau roi", "hs {} sao rồi",
                     "cho hỏi hồ sơ {} của tôi đang ở bước nào", "kiem tra ho so {}",
                     "hồ sơ {} xong chưa ạ"]  # fmt: skip
PROCEDURES = ["làm giấy khai sinh cần gì", "lam giay khai sinh can gi",
              "đăng ký kết hôn cần giấy tờ gì", "xin giấy phép xây dựng nhà ở cần những gì",
              "lệ phí cấp phiếu lý lịch tư pháp bao nhiêu", "lam can cuoc mat bao lau",
              "đăng ký thường trú cần gì", "chứng thực bản sao ở đâu",
              "dang ky ho kinh doanh can giay to gi",
              "lịch tiếp công dân của phường thế nào"]  # fmt: skip


def dossier_texts(seed: int = 5) -> list[str]:
    texts = [t.format(c.lower() if n % 4 == 3 else c)
             for n, (t, c) in enumerate(itertools.product(DOSSIER_TEMPLATES, CODES))]  # fmt: skip
    random.Random(seed).shuffle(texts)
    return texts


def is_dossier_answer(text: str) -> bool:
    return text.startswith("Dạ, hồ sơ ")


def is_procedure_answer(text: str) -> bool:
    return text.startswith(("Dạ, thủ tục ", "Dạ, theo "))


# --- the home and the server ----------------------------------------------------------------


def bench_env(home: Path, fake_url: str, profile: Path | None) -> dict[str, str]:
    """Our settings only: LANGNGHE_* of the caller's shell must not point at a real system."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANGNGHE_")}
    env.update(LANGNGHE_HOME=str(home), LANGNGHE_LOG_LEVEL="WARNING",
               LANGNGHE_TELEGRAM_TOKEN=TOKEN, LANGNGHE_TELEGRAM_WEBHOOK_SECRET=SECRET,
               LANGNGHE_TELEGRAM_BASE_URL=fake_url)  # fmt: skip
    if profile is not None:
        env[PROFILE_ENV] = str(profile)
    return env


def prepare_home(home: Path) -> None:
    """Demo dossiers into SQLite and the demo documents into embedded Qdrant (e5, once)."""
    from app.container import Container
    from app.demo import DEMO_DOCUMENTS, DEMO_DOSSIERS
    from app.settings import Settings
    from services.dossiers import load_demo_dossiers

    container = Container(Settings(home=home, _env_file=None))  # type: ignore[call-arg]
    try:
        container.db.migrate()
        load_demo_dossiers(container.dossiers, DEMO_DOSSIERS, date.today())
        t0 = time.perf_counter()
        report = container.document_indexer().index_paths([DEMO_DOCUMENTS])
        took = time.perf_counter() - t0
        print(f"demo documents: {report.indexed} indexed, {report.unchanged} unchanged, "
              f"{report.chunks} chunks, {took:.0f} s", file=sys.stderr)  # fmt: skip
    finally:
        container.close()


# --- the load generator ---------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseResult:
    turns: int
    lost: int
    wrong: int
    per_s: float
    p50: float
    p95: float
    p99: float
    webhook_p95: float
    cpu_ms: float  # server CPU time per answered turn

    @classmethod
    def of(cls, outcomes: Sequence[Outcome], start: float, cpu: float) -> PhaseResult:
        lat = sorted(o.latency for o in outcomes if o.latency is not None)
        end = max(o.done_at for o in outcomes)
        return cls(
            turns=len(outcomes),
            lost=len(outcomes) - len(lat),
            wrong=sum(o.latency is not None and not o.correct for o in outcomes),
            per_s=len(lat) / (end - start),
            p50=1000 * pct(lat, 0.5),
            p95=1000 * pct(lat, 0.95),
            p99=1000 * pct(lat, 0.99),
            webhook_p95=1000 * pct(sorted(o.webhook for o in outcomes), 0.95),
            cpu_ms=1000 * cpu / (len(lat) or 1),
        )

    def cells(self) -> list[str]:
        values = (self.per_s, self.p50, self.p95, self.p99, self.webhook_p95, self.cpu_ms)
        return [f"{v:.1f}" for v in values] + [f"{self.lost:g}", f"{self.wrong:g}"]


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    return values[max(0, math.ceil(q * len(values)) - 1)] if values else math.nan


async def fixed_rate(gen: LoadGenerator, texts: list[str], check: Callable[[str], bool],
                     rate: float, seconds: float) -> tuple[list[Outcome], float]:  # fmt: skip
    """Open loop: update ``i`` is posted at ``i / rate`` whatever the server's backlog."""
    start = time.perf_counter()
    tasks = []
    for i in range(round(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(gen.turn(texts[i % len(texts)], check)))
    return list(await asyncio.gather(*tasks)), start


async def closed_loop(gen: LoadGenerator, texts: list[str], check: Callable[[str], bool],
                      in_flight: int, seconds: float) -> tuple[list[Outcome], float]:  # fmt: skip
    """``in_flight`` users each send their next update as soon as the last one is answered."""
    start = time.perf_counter()
    cycle = itertools.cycle(texts)
    outcomes: list[Outcome] = []

    async def user() -> None:
        while time.perf_counter() - start < seconds:
            outcomes.append(await gen.turn(next(cycle), check))

    await asyncio.gather(*(user() for _ in range(in_flight)))
    return outcomes, start


# --- the benchmark --------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    name: str
    offered: str
    run: Callable[[LoadGenerator], Awaitable[tuple[list[Outcome], float]]]


def phases(args: argparse.Namespace) -> list[Phase]:
    dossiers, procedures = dossier_texts(), PROCEDURES
    secs = args.seconds
    return [
        Phase("dossier status, fixed rate", f"{args.rate:g}/s × {secs:g} s",
              lambda g: fixed_rate(g, dossiers, is_dossier_answer, args.rate, secs)),
        Phase("dossier status, max sustained", f"{args.in_flight} in flight × {secs:g} s",
              lambda g: closed_loop(g, dossiers, is_dossier_answer, args.in_flight, secs)),
        Phase("procedure answer, fixed rate", f"{args.procedure_rate:g}/s × {secs:g} s",
              lambda g: fixed_rate(g, procedures, is_procedure_answer, args.procedure_rate,
                                   secs)),
    ]  # fmt: skip


async def warm_up(gen: LoadGenerator) -> None:
    """The first message builds the engine and loads the NLU, toxicity and e5 models."""
    gen.timeout = 180.0
    for text, check in [(dossier_texts()[0], is_dossier_answer),
                        (PROCEDURES[0], is_procedure_answer)]:  # fmt: skip
        outcome = await gen.turn(text, check)
        if not outcome.correct:
            raise SystemExit(f"warm-up turn {text!r} was not answered as expected")
    gen.timeout = 10.0
    await closed_loop(gen, dossier_texts() + PROCEDURES, lambda _t: True, 8, 3.0)


async def bench(home: Path, args: argparse.Namespace) -> dict[str, object]:
    fake = TimingTelegram()
    await fake.start()
    profile = home / "profile" if args.profile else None
    if profile is not None:
        shutil.rmtree(profile, ignore_errors=True)  # a kept home holds the last run's
    port = free_port()
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        proc = await start_server(bench_env(home, fake.base_url, profile), port, client)
        try:
            url = f"http://127.0.0.1:{port}/webhooks/telegram"
            gen = LoadGenerator(client, url, SECRET, fake)
            await warm_up(gen)
            results = await measure(gen, proc.pid, phases(args), args.runs, profile)
            results["rss"] = peak_rss_mib(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            await asyncio.to_thread(proc.wait, 30)
    await fake.stop()
    return results


async def measure(gen: LoadGenerator, pid: int, todo: list[Phase], runs: int,
                  profile: Path | None) -> dict[str, object]:  # fmt: skip
    table: dict[str, list[PhaseResult]] = {p.name: [] for p in todo}
    profiles: dict[str, dict[str, object]] = {}
    load = [os.getloadavg()[0]]
    for run in range(runs):
        for n, phase in enumerate(todo):
            sample = profile is not None and run == 0
            if sample:
                os.kill(pid, signal.SIGUSR1)
            cpu0 = cpu_seconds(pid)
            outcomes, start = await phase.run(gen)
            table[phase.name].append(PhaseResult.of(outcomes, start, cpu_seconds(pid) - cpu0))
            if sample:
                os.kill(pid, signal.SIGUSR2)
                profiles[phase.name] = await read_profile(profile / f"{n}.json")  # type: ignore[operator]
            load.append(os.getloadavg()[0])
            await asyncio.sleep(0.5)  # let stragglers finish before the next phase
    return {"table": table, "profiles": profiles, "load": load, "phases": todo}


def run_loop(main: Coroutine[object, object, T]) -> T:
    """On uvloop, like the server: the stdlib loop serving the fake Bot API and posting in
    one thread stalls ~40 ms on some requests (a delayed-ACK pattern), which is not ours."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


# --- the report ------------------------------------------------------------------------------


def median_row(rows: list[PhaseResult]) -> PhaseResult:
    fields = PhaseResult.__dataclass_fields__
    return PhaseResult(**{f: statistics.median(getattr(r, f) for r in rows) for f in fields})


def print_report(args: argparse.Namespace, results: dict[str, object]) -> None:
    table: dict[str, list[PhaseResult]] = results["table"]  # type: ignore[assignment]
    rows = {name: median_row(r) for name, r in table.items()}
    print(f"### Chatbot turns through POST /webhooks/telegram → fake Bot API sendMessage "
          f"(median of {args.runs} runs)\n")  # fmt: skip
    head = ["phase", "offered load", "turns/s", "p50 ms", "p95 ms", "p99 ms",
            "webhook 200 p95 ms", "server CPU ms/turn", "lost", "wrong"]  # fmt: skip
    print("| " + " | ".join(head) + " |\n" + "|---" * len(head) + "|")
    for phase in results["phases"]:  # type: ignore[attr-defined]
        cells = [phase.name, phase.offered, *rows[phase.name].cells()]
        print("| " + " | ".join(cells) + " |")
    fixed, peak, proc = rows.values()
    print("\n| target (issue 5) | measured | met |\n|---|---|---|")
    checks = [(f"dossier p95 ≤ 100 ms at {args.rate:g}/s", f"{fixed.p95:.1f} ms",
               fixed.p95 <= TARGETS["dossier_p95_ms"] and not fixed.lost),
              ("≥ 50 dossier turns/s sustained", f"{peak.per_s:.1f} turns/s",
               peak.per_s >= TARGETS["turns_per_s"] and not peak.lost),
              ("procedure answer p95 ≤ 500 ms", f"{proc.p95:.1f} ms",
               proc.p95 <= TARGETS["procedure_p95_ms"] and not proc.lost)]  # fmt: skip
    for label, value, met in checks:
        print(f"| {label} | {value} | {'yes' if met else '**no**'} |")
    load: list[float] = results["load"]  # type: ignore[assignment]
    print(f"\nserver peak RSS {results['rss']:.0f} MiB; load average (1 min) {load[0]:.2f} "
          f"before, max {max(load):.2f} during; {os.cpu_count()} CPU cores, Python "
          f"{sys.version.split()[0]}; the load generator and the fake Bot API share one "
          "process and this machine with the server")  # fmt: skip
    profiles: dict[str, dict[str, object]] = results["profiles"]  # type: ignore[assignment]
    for name, data in profiles.items():
        print_profile(name, data, table[name][0].turns - table[name][0].lost)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="5-second phases: ~1 min of load, plus the indexing"
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=None, help="each phase (default 15, quick 5)")
    ap.add_argument("--rate", type=float, default=50.0, help="dossier turns/s offered")
    ap.add_argument("--in-flight", type=int, default=16, help="open turns at max rate")
    ap.add_argument("--procedure-rate", type=float, default=10.0)
    ap.add_argument("--profile", action="store_true", help="sample the server's stacks in run 1")
    ap.add_argument("--home", type=Path, default=None, help="keep the home here (reused)")
    args = ap.parse_args(argv)
    if args.seconds is None:
        args.seconds = 5.0 if args.quick else 15.0
    return args


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        home = (args.home or Path(tmp)).resolve()
        home.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        prepare_home(home)
        results = run_loop(bench(home, args))
    print_report(args, results)
    print(f"\n_eval/bench_bot.py{' --quick' if args.quick else ''}, "
          f"{time.perf_counter() - t0:.0f} s_")  # fmt: skip


if __name__ == "__main__":
    main()
