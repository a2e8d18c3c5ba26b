"""Quality and speed of personal-data detection (``nlp.pii``) on the hand-labelled set.

    python eval/pii_eval.py [--data eval/data/pii/pii_eval.jsonl] [--errors]

Prints precision and recall per kind (a found span counts when its kind and text equal a
labelled one), for the texts as written and with diacritics removed; then throughput (texts/s,
one thread) and how often the NER tagger ran, on the labelled set, on the router seed texts
(``eval/data/router_seed``) and on the varied benchmark messages (``eval/messages.py``).
The labelled set was written by the same developers as the rules, who read its errors while
writing them: treat it as a development set, not a test. The fresh sets (``eval/data/pii_fresh*``,
150 texts each, written from 2026-11-27 on by helpers who had seen neither the
rules nor the labelled set; their READMEs say what was changed after their first runs) are scored
the same way: the independent measure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.reference import ReferenceData
from eval.blind_sets import blind_sets
from eval.messages import seed_texts, varied_messages
from nlp import segment
from nlp.normalize import normalize, strip_diacritics
from nlp.pii import KINDS, PiiDetector

Example = tuple[str, list[tuple[str, str]]]


def load(path: Path) -> list[Example]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [(r["text"], [(s["kind"], s["text"]) for s in r["spans"]]) for r in rows]


def without_diacritics(examples: list[Example]) -> list[Example]:
    return [
        (strip_diacritics(t), [(k, strip_diacritics(s)) for k, s in spans]) for t, spans in examples
    ]


def score(detector: PiiDetector, examples: list[Example], show_errors: bool) -> None:
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_found: Counter[str] = Counter()
    for text, gold in examples:
        found = Counter((s.kind, s.text) for s in detector.find(text))
        expected = Counter(gold)
        hits = found & expected
        for (kind, _), n in hits.items():
            tp[kind] += n
        for (kind, _), n in expected.items():
            n_gold[kind] += n
        for (kind, _), n in found.items():
            n_found[kind] += n
        if show_errors and found != expected:
            print(f"  - {text}\n    missed {dict(expected - found)} extra {dict(found - expected)}")
    print("| kind | labelled | found | precision | recall |")
    print("|---|---|---|---|---|")
    for kind in (*KINDS, "all"):
        t = sum(tp.values()) if kind == "all" else tp[kind]
        g = sum(n_gold.values()) if kind == "all" else n_gold[kind]
        f = sum(n_found.values()) if kind == "all" else n_found[kind]
        p = f"{t / f:.3f}" if f else "–"
        r = f"{t / g:.3f}" if g else "–"
        print(f"| {kind} | {g} | {f} | {p} | {r} |")


def speed(detector: PiiDetector, texts: list[str], repeats: int) -> dict[str, float]:
    best = float("inf")
    for _ in range(repeats):
        detector.ner_calls = detector.texts_with_ner = detector.texts_seen = 0
        start = time.perf_counter()
        for text in texts:
            detector.find(text)
        best = min(best, time.perf_counter() - start)
    return {
        "texts": len(texts),
        "texts_per_s": len(texts) / best,
        "ner_share": detector.texts_with_ner / len(texts),
        "ner_calls_per_text": detector.ner_calls / len(texts),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT / "eval" / "data" / "pii" / "pii_eval.jsonl")
    ap.add_argument(
        "--fresh",
        type=Path,
        nargs="*",
        default=blind_sets("pii", "fresh.jsonl"),
    )
    ap.add_argument("--errors", action="store_true", help="print every text with a mistake")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    examples = load(args.data)
    detector = PiiDetector.from_reference(ReferenceData.load())
    segment.entities("Nguyễn Văn An ở Thủ Đức")  # load the tagger before timing
    sets = [("as written", examples), ("without diacritics", without_diacritics(examples))]
    for path in args.fresh:
        if path.is_file():
            fresh, folder = load(path), path.parent.name
            sets += [(f"{folder}, as written", fresh)]
            sets += [(f"{folder}, without diacritics", without_diacritics(fresh))]
    for name, data in sets:
        if not data:
            continue
        print(f"\n## {name}: {len(data)} texts, {sum(len(s) for _, s in data)} labelled spans")
        score(detector, data, args.errors)
    seed = [normalize(t) for t in seed_texts()]
    corpora = {
        "labelled set": [t for t, _ in examples],
        "router seed": seed,
        "router seed without diacritics": [strip_diacritics(t) for t in seed],
        "benchmark messages (eval/messages.py)": [
            normalize(str(m["text"])) for m in varied_messages(2000)
        ],
    }
    print("\n## speed (one thread, best of repeats)")
    print("| texts | n | texts/s | texts/s without names | NER ran on | NER calls/text |")
    print("|---|---|---|---|---|---|")
    for name, texts in corpora.items():
        s = speed(detector, texts, args.repeats)
        start = time.perf_counter()
        for text in texts:
            detector.find(text, names=False)
        plain_rate = len(texts) / (time.perf_counter() - start)
        print(
            f"| {name} | {s['texts']} | {s['texts_per_s']:.0f} | {plain_rate:.0f} | "
            f"{s['ner_share']:.1%} | {s['ner_calls_per_text']:.3f} |"
        )


if __name__ == "__main__":
    main()
