"""Exact match of the officials' question parser (``nlp.analytics_query``) on its test set.

    python eval/analytics_query_eval.py [--test eval/data/analytics_questions/test.jsonl]
                                        [--errors 15]

Each test line is ``{"id", "text", "today", "slots"}``; the questions were written by hand and
never used to tune the rules. For the questions as written and with every diacritic removed it
prints the exact match of the whole slot dict and, per slot, the share of questions where the
slot is right (absent when gold has none), with the parser's misreadings. Target: whole-dict
exact match ≥ 0.90 in both.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.reference import ReferenceData
from nlp.analytics_query import parse_analytics
from nlp.normalize import strip_diacritics

SLOTS = ("metric", "category", "ward", "period", "channel", "comparison")
TARGET = 0.90


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def measure(records: list[dict[str, Any]], reference: ReferenceData, plain: bool) -> dict:
    exact, per_slot, errors = 0, dict.fromkeys(SLOTS, 0), []
    for r in records:
        text = strip_diacritics(r["text"]) if plain else r["text"]
        got = parse_analytics(text, date.fromisoformat(r["today"]), reference)
        exact += got == r["slots"]
        for slot in SLOTS:
            per_slot[slot] += got.get(slot) == r["slots"].get(slot)
        if got != r["slots"]:
            errors.append((text, r["slots"], got))
    n = len(records)
    return {"exact": exact / n, "slots": {s: v / n for s, v in per_slot.items()}, "errors": errors}


def table(results: dict[str, dict]) -> str:
    names = list(results)
    lines = ["| measure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    lines.append(
        "| whole query exact | " + " | ".join(f"{results[n]['exact']:.3f}" for n in names) + " |"
    )
    for slot in SLOTS:
        values = " | ".join(f"{results[n]['slots'][slot]:.3f}" for n in names)
        lines.append(f"| {slot} | {values} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    default = ROOT / "eval" / "data" / "analytics_questions" / "test.jsonl"
    ap.add_argument("--test", type=Path, default=default)
    ap.add_argument("--errors", type=int, default=15)
    args = ap.parse_args()
    records = load(args.test)
    reference = ReferenceData.load()
    results = {
        name: measure(records, reference, plain=name == "no_diacritics")
        for name in ("as_written", "no_diacritics")
    }
    print(f"\n# analytics question parser, {len(records)} test questions\n")
    print(table(results))
    print("\n## target\n\n| target | test set | value | met |\n|---|---|---|---|")
    for name, res in results.items():
        met = "yes" if res["exact"] >= TARGET else "**no**"
        print(f"| exact ≥ {TARGET} | {name} | {res['exact']:.3f} | {met} |")
    for name, res in results.items():
        print(f"\n## misread, {name}: {len(res['errors'])} (first {args.errors})")
        for text, gold, got in res["errors"][: args.errors]:
            wrong = {k: (gold.get(k), got.get(k)) for k in SLOTS if gold.get(k) != got.get(k)}
            print(f"  {text[:80]} → {wrong}")


if __name__ == "__main__":
    main()
