"""Duplicate detection on hand-labelled pairs (``eval/data/duplicates/pairs.jsonl``).

A pair is predicted duplicate when both reports are about the same place (same ward when both
are known, else the same street), within the time window, and the cosine of their embeddings
reaches the threshold — the rule of ``services.duplicates``. Prints precision, recall and F1
per threshold, the errors per kind of pair at the configured threshold, and embedding speed.

    python eval/duplicates_eval.py
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np

from app.container import Container
from app.settings import Settings
from core.types import AnnotationState, Channel, Feedback, FeedbackStatus, StoredVector
from services.duplicates import DuplicateSettings, same_place

PAIRS = ROOT / "eval" / "data" / "duplicates" / "pairs.jsonl"


def feedback(side: dict[str, str | None], at: datetime) -> Feedback:
    return Feedback(
        id=0, reference="PA-0", channel=Channel.API, channel_message_id="x", sender_id=None,
        text=str(side["text"]), received_at=at, status=FeedbackStatus.ROUTED, location_text=None,
        latitude=None, longitude=None, annotation_state=AnnotationState.DONE, annotation=None,
        annotation_error=None, category=None, department=None, ward=side.get("ward"),
        confidence=None, duplicate_of=None, has_contact=False, street=side.get("street"),
    )  # fmt: skip


def main() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    container = Container(Settings(log_level="WARNING"))
    embedder = container.embedder
    embedder.warm_up()
    texts = [p[s]["text"] for p in pairs for s in ("a", "b")]
    t0 = time.perf_counter()
    vectors = embedder.passages(texts)
    rate = len(texts) / (time.perf_counter() - t0)
    settings = DuplicateSettings()
    t = datetime(2026, 11, 1, tzinfo=UTC)
    rows = []
    for i, p in enumerate(pairs):
        a, b = feedback(p["a"], t), feedback(p["b"], t + timedelta(hours=p["hours_apart"]))
        stored = StoredVector(1, "PA-1", a.ward, a.street, a.received_at, vectors[2 * i])
        eligible = (
            same_place(b, stored) and p["hours_apart"] <= settings.window.total_seconds() / 3600
        )
        cosine = float(vectors[2 * i] @ vectors[2 * i + 1])
        rows.append((p["duplicate"], eligible, cosine, p["kind"]))
    print(f"{len(pairs)} labelled pairs, embedder {type(embedder).__name__} ({rate:.0f} texts/s)\n")
    print("| threshold | precision | recall | F1 |")
    print("|---|---|---|---|")
    for threshold in np.arange(0.80, 0.97, 0.02):
        tp = sum(d and e and c >= threshold for d, e, c, _ in rows)
        fp = sum((not d) and e and c >= threshold for d, e, c, _ in rows)
        fn = sum(d and not (e and c >= threshold) for d, e, c, _ in rows)
        prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        mark = " ←" if abs(threshold - settings.threshold) < 0.01 else ""
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        print(f"| {threshold:.2f}{mark} | {prec:.3f} | {rec:.3f} | {f1:.3f} |")
    print(f"\nerrors per kind at threshold {settings.threshold:.2f}\n")
    print("| kind | pairs | wrong |")
    print("|---|---|---|")
    kinds = sorted({k for *_, k in rows})
    for kind in kinds:
        mine = [(d, e and c >= settings.threshold) for d, e, c, k in rows if k == kind]
        print(f"| {kind} | {len(mine)} | {sum(d != pred for d, pred in mine)} |")


if __name__ == "__main__":
    main()
