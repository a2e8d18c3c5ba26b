"""The server side of the chatbot benchmark (``eval/bench_bot.py``): our app in its own
process, its CPU time and memory, and where its threads spend a turn.

    python eval/bench_bot_server.py PORT       # what ``langnghe serve`` runs, on 127.0.0.1

py-spy is not installed and cProfile sees one thread, while a Telegram turn crosses the event
loop (uvicorn, python-telegram-bot, httpx) and worker threads (the dialogue core). With
``LANGNGHE_BENCH_PROFILE`` set, ``StackSampler`` reads every thread's stack a few hundred
times a second between SIGUSR1 and SIGUSR2; ``bench_bot.py --profile`` prints the tables.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import CodeType

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
#: Set in the server's environment to the folder the sampler writes to.
PROFILE_ENV = "LANGNGHE_BENCH_PROFILE"
#: Our packages' files (the frames a "self" row is attributed to).
OURS = tuple(f"{ROOT}/{p}/" for p in ("api", "app", "bots", "core", "indexer", "nlp",
                                      "services", "stores"))  # fmt: skip
#: Frames that mean "this thread waits for work" when they are the innermost one (with
#: uvloop, an idle event loop sits in ``runners.py:run``, inside the C loop).
IDLE = {("selectors.py", "select"), ("threading.py", "wait"), ("thread.py", "_worker"),
        ("queue.py", "get"), ("runners.py", "run")}  # fmt: skip
#: Frames every busy stack has: dropped from the inclusive table.
PLUMBING = ("asyncio/", "threading.py", "concurrent/futures/", "uvicorn/server.py",
            "uvicorn/main.py", "bench_bot_server.py", "contextvars",
            "click/")  # fmt: skip


def serve(port: int) -> None:
    """The server process: what ``langnghe serve`` runs, plus the optional stack sampler."""
    import uvicorn

    from app.cli_support import load_settings, setup_logging
    from app.container import Container
    from app.web import build_app

    settings = load_settings()
    setup_logging(settings)
    if os.environ.get(PROFILE_ENV):
        StackSampler(Path(os.environ[PROFILE_ENV])).install()
    app = build_app(Container(settings))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def start_server(env: dict[str, str], port: int, client: httpx.AsyncClient
                       ) -> subprocess.Popen[bytes]:  # fmt: skip
    command = [sys.executable, str(Path(__file__).resolve()), str(port)]
    proc = subprocess.Popen(command, env=env, cwd=env["LANGNGHE_HOME"])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                return proc
        except httpx.HTTPError:
            await asyncio.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


# --- where the server's time goes -----------------------------------------------------------


class StackSampler:
    """A small py-spy inside the server: every ``interval`` it reads all threads' stacks
    (``sys._current_frames``) and counts, per function, the samples it was on a busy stack.

    SIGUSR1 starts (and resets) sampling, SIGUSR2 writes ``<out>/<k>.json`` (k = 0, 1, …).
    A thread waiting in C (a query, numpy, a lock) still counts at its Python caller, which
    is the point: the table shows wall time of threads, not only bytecode.

    >>> StackSampler(Path("/tmp/profile")).install()   # then kill -USR1 / -USR2 <pid>
    """

    def __init__(self, out: Path, interval: float = 0.005) -> None:
        self._out, self._interval = out, interval
        self._begin, self._dump = threading.Event(), threading.Event()
        self._written = 0

    def install(self) -> None:
        self._out.mkdir(parents=True, exist_ok=True)
        signal.signal(signal.SIGUSR1, lambda *_: self._begin.set())
        signal.signal(signal.SIGUSR2, lambda *_: self._dump.set())
        threading.Thread(target=self._loop, name="bench-sampler", daemon=True).start()

    def _loop(self) -> None:
        active, since = False, 0.0
        while True:
            if self._begin.is_set():
                self._begin.clear()
                active, since, self._rounds = True, time.perf_counter(), 0
                self._busy, self._incl, self._self = Counter(), Counter(), Counter()
            if self._dump.is_set() and active:
                self._dump.clear()
                self._write(time.perf_counter() - since)
                active = False
            if active:
                self._sample()
            time.sleep(self._interval)

    def _sample(self) -> None:
        self._rounds += 1
        names = {t.ident: t.name for t in threading.enumerate()}
        me = threading.get_ident()
        for ident, frame in sys._current_frames().items():
            if ident == me:
                continue
            codes: list[CodeType] = []
            while frame is not None:
                codes.append(frame.f_code)
                frame = frame.f_back  # type: ignore[assignment]
            top = (Path(codes[0].co_filename).name, codes[0].co_name)
            if top in IDLE:
                continue
            self._busy[_thread_group(names.get(ident, "?"))] += 1
            self._self[f"{_where(codes[0])} ← {_caller(codes)}"] += 1
            for place in {_where(c) for c in codes}:
                self._incl[place] += 1

    def _write(self, seconds: float) -> None:
        keep = {k: v for k, v in self._incl.items() if not any(p in k for p in PLUMBING)}
        data = {
            "seconds": seconds,
            "rounds": self._rounds,
            "busy": dict(self._busy),
            "inclusive": Counter(keep).most_common(40),
            "self": self._self.most_common(20),
        }
        (self._out / f"{self._written}.json").write_text(json.dumps(data))
        self._written += 1


def _where(code: CodeType) -> str:
    path = code.co_filename
    for marker in ("site-packages/", "lib/python3.11/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{code.co_name}"


def _caller(codes: list[CodeType]) -> str:
    """The nearest frame of our own code above the innermost one, else of a library."""
    ours = [c for c in codes[1:] if c.co_filename.startswith(OURS)]
    if ours:
        return _where(ours[0])
    outside = [c for c in codes[1:] if c.co_filename != codes[0].co_filename]
    return _where(outside[0]) if outside else "?"


def _thread_group(name: str) -> str:
    if name == "MainThread":
        return "event loop (uvicorn, PTB, httpx to the Bot API)"
    if name.startswith(("asyncio_", "uvloop_")):
        return "worker threads (asyncio.to_thread: accept, dialogue)"
    return name


def print_profile(name: str, data: dict[str, object], turns: int) -> None:
    per = float(data["seconds"]) / max(1, int(data["rounds"])) * 1000 / max(1, turns)  # type: ignore[arg-type]
    print(f"\n#### where a turn spends its time: {name} ({turns} turns, sampled)\n")
    rounds = max(1, int(data["rounds"]))  # type: ignore[call-overload]
    print("| threads | busy ms per turn | busy threads on average |\n|---|---|---|")
    for group, n in sorted(data["busy"].items(), key=lambda kv: -kv[1]):  # type: ignore[attr-defined]
        print(f"| {group} | {n * per:.1f} | {n / rounds:.2f} |")
    print("\n| function (inclusive, all threads) | ms per turn |\n|---|---|")
    for place, n in data["inclusive"][:25]:  # type: ignore[index]
        print(f"| `{place}` | {n * per:.1f} |")
    print("\n| innermost function (self) ← our caller | ms per turn |\n|---|---|")
    for place, n in data["self"][:15]:  # type: ignore[index]
        print(f"| `{place}` | {n * per:.1f} |")


async def read_profile(path: Path) -> dict[str, object]:
    for _ in range(100):
        if path.is_file():
            return dict(json.loads(path.read_text()))
        await asyncio.sleep(0.1)
    raise SystemExit(f"the server wrote no profile {path}")


if __name__ == "__main__":
    serve(int(sys.argv[1]))
