"""Runs every evaluation and benchmark and writes ``eval/REPORT.md`` (``langnghe eval``).

Each ``eval/*_eval.py`` script prints markdown; this runner collects them in one report with
the date, the commit and the machine, so the numbers in model cards and issue notes can be
traced to a run.

    python eval/report.py [--skip-bench] [--only router,pii]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

EVAL = Path(__file__).resolve().parent
ROOT = EVAL.parent
sys.path.insert(0, str(ROOT))

from eval.machine import describe

# (name, script, arguments) in report order; benchmarks last because they are slow.
SECTIONS = [
    ("router", "router_eval.py", []),
    ("router_e5", "router_e5_eval.py", []),
    ("router_corrections", "router_corrections_eval.py", ["--generate", "600"]),
    ("textcat", "textcat_eval.py", []),
    ("encoder", "encoder_eval.py", []),
    ("aivivn_reread", "aivivn_reread_eval.py", []),
    ("urgency", "urgency_eval.py", []),
    ("places", "places_eval.py", []),
    ("pii", "pii_eval.py", []),
    ("duplicates", "duplicates_eval.py", []),
    ("alqac", "alqac_eval.py", []),
    ("nlu", "nlu_eval.py", []),
    ("analytics_query", "analytics_query_eval.py", []),
    ("embed", "bench_embed.py", []),
    ("pipeline", "bench_pipeline.py", []),
    ("analyze", "bench_analyze.py", ["--runs", "3"]),
    ("search", "bench_search.py", []),
    ("bot", "bench_bot.py", ["--quick"]),
]
BENCHMARKS = {"embed", "pipeline", "analyze", "search", "bot"}


def run(script: str, args: list[str]) -> tuple[str, float, int]:
    t0 = time.perf_counter()
    env = {**os.environ, "LANGNGHE_LOG_LEVEL": "WARNING"}
    proc = subprocess.run(
        [sys.executable, str(EVAL / script), *args],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    out = proc.stdout.strip()
    if proc.returncode != 0:
        out += f"\n\n**failed (exit {proc.returncode})**\n\n```\n{proc.stderr.strip()[-3000:]}\n```"
    return out, time.perf_counter() - t0, proc.returncode


def previous_sections(report: str) -> dict[str, list[str]]:
    """The sections of an earlier report, so ``--only`` replaces some and keeps the rest."""
    starts = []
    for name, script, _ in SECTIONS:
        found = re.search(rf"^## {re.escape(name)}\n\n_(eval/{re.escape(script)}|not available)",
                          report, flags=re.MULTILINE)  # fmt: skip
        if found:
            starts.append((found.start(), name))
    starts.sort()
    out = {}
    for i, (start, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(report)
        out[name] = [*report[start:end].rstrip("\n").split("\n"), ""]
    return out


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=ROOT, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-bench", action="store_true", help="only the quality evaluations")
    ap.add_argument("--only", default="", help="comma-separated section names")
    ap.add_argument("--out", type=Path, default=EVAL / "REPORT.md")
    args = ap.parse_args()
    only = {s for s in args.only.split(",") if s}
    parts = [
        "# langnghe evaluation report",
        "",
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- commit: {commit()}",
        f"- machine: {platform.machine()}, {describe(load=False)}, "
        f"Python {platform.python_version()}",
        "- data: dev splits of ../shared/data and the held-out parts of the project's own sets;"
        " nothing here was trained on.",
        "",
    ]
    failures = 0
    sections: dict[str, list[str]] = {}
    for name, script, script_args in SECTIONS:
        if (only and name not in only) or (args.skip_bench and name in BENCHMARKS):
            continue
        if not (EVAL / script).is_file():
            sections[name] = [
                f"## {name}",
                "",
                f"_not available: eval/{script} does not exist_",
                "",
            ]
            continue
        print(f"running {script} …", file=sys.stderr, flush=True)
        out, seconds, rc = run(script, script_args)
        failures += rc != 0
        sections[name] = [f"## {name}", "", f"_eval/{script}, {seconds:.0f} s_", "", out, ""]
    if only and args.out.is_file():
        kept = previous_sections(args.out.read_text(encoding="utf-8"))
        sections = {n: sections.get(n) or kept.get(n, []) for n, _, _ in SECTIONS}
    for lines in sections.values():
        parts += lines
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print("\n".join(parts))
    print(f"report written to {args.out}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
