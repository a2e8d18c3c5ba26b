"""Duplicate detection on hand-labelled pairs (``eval/data/duplicates/pairs.jsonl``).

A pair is predicted duplicate by the rule of ``services.duplicates``: same place (same ward when
both are known, and the same street where both name one; else the same street), within the
time window, and similar vectors (a lower bar when the router put both in the same category;
none for texts that read nearly alike but were surely routed to two categories).
Vectors and categories are the pipeline's own (``AnnotationPipeline.annotate_batch``: the text
with its personal data and places blanked, the configured embedder ``LANGNGHE_EMBEDDER``).
Prints precision, recall and F1 per threshold, the errors per kind of pair at the configured
thresholds (with the labelled places and with those the pipeline found), and the pipeline's
speed.
The thresholds were chosen on this set: it is a development set, not a test. The same follows
for each ``eval/data/duplicates_fresh*/pairs.jsonl``: pairs written by someone who had not seen
the detector or these pairs.

    python eval/duplicates_eval.py
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np

from app.container import Container
from app.settings import Settings
from core.text import fold
from core.types import AnnotationState, Channel, Feedback, FeedbackStatus, StoredVector, TextInput
from eval.blind_sets import blind_sets
from services.duplicates import DuplicateSettings, reads_alike, same_place

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
    container = Container(Settings(log_level="WARNING"))
    container.pipeline.warm_up()
    sets = [("development pairs (the thresholds were chosen on them)", PAIRS)]
    for path in blind_sets("duplicates", "pairs.jsonl"):
        sets.append((f"{path.parent.name} (a blind test set: see its README)", path))
    for title, path in sets:
        if path.is_file():
            print(f"\n### {title}\n")
            score([json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x],
                  container)  # fmt: skip


def score(pairs: list[dict], container: Container) -> None:
    pipeline = container.pipeline
    texts = [p[s]["text"] for p in pairs for s in ("a", "b")]
    t0 = time.perf_counter()
    annotations = pipeline.annotate_batch([TextInput(text) for text in texts])
    rate = len(texts) / (time.perf_counter() - t0)
    vectors = [a.embedding for a in annotations]
    routed = [(a.routing.category, a.routing.confidence) for a in annotations]
    settings = DuplicateSettings()
    hours = settings.window.total_seconds() / 3600
    t = datetime(2026, 11, 1, tzinfo=UTC)
    rows, found_rows = [], []
    for i, p in enumerate(pairs):
        pair = (routed[2 * i], routed[2 * i + 1])
        cosine = float(vectors[2 * i] @ vectors[2 * i + 1])
        labelled = (p["a"], p["b"])
        found = tuple({"text": a.normalized_text, "ward": a.place.ward, "street": a.place.street}
                      for a in annotations[2 * i : 2 * i + 2])  # fmt: skip
        for sides, out in ((labelled, rows), (found, found_rows)):
            a, b = feedback(sides[0], t), feedback(sides[1], t + timedelta(hours=p["hours_apart"]))
            stored = StoredVector(1, "PA-1", a.ward, a.street, a.received_at, vectors[2 * i],
                                  text=fold(a.text))  # fmt: skip
            eligible = same_place(b, stored) and p["hours_apart"] <= hours
            out.append((p["duplicate"], eligible, cosine, p["kind"], pair))
    print(f"{len(pairs)} labelled pairs, embeddings {pipeline.embedding_model} (the whole "
          f"pipeline: {rate:.0f} texts/s)\n")  # fmt: skip
    print("| threshold (same category) | precision | recall | F1 |")
    print("|---|---|---|---|")
    for high in np.arange(settings.threshold - 0.2, settings.threshold + 0.25, 0.05):
        s = replace(settings, threshold=float(high))
        pred = [e and reads_alike(c, *pair, s) for d, e, c, _, pair in rows]
        tp = sum(p and r[0] for p, r in zip(pred, rows, strict=True))
        fp = sum(p and not r[0] for p, r in zip(pred, rows, strict=True))
        fn = sum(r[0] and not p for p, r in zip(pred, rows, strict=True))
        prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        mark = " ←" if abs(high - settings.threshold) < 0.01 else ""
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        print(f"| {high:.3f} ({s.same_category_threshold:.3f}){mark} | {prec:.3f} | {rec:.3f} | "
              f"{f1:.3f} |")  # fmt: skip
    print(f"\nerrors per kind at the configured thresholds {settings.threshold:.3f} / "
          f"{settings.same_category_threshold:.3f}\n")  # fmt: skip
    print("| kind | pairs | wrong | wrong, places as the pipeline found them |")
    print("|---|---|---|---|")
    for kind in sorted({r[3] for r in rows}):
        wrong = [
            sum(d != (e and reads_alike(c, *pair, settings))
                for d, e, c, k, pair in table if k == kind)
            for table in (rows, found_rows)
        ]  # fmt: skip
        n = sum(r[3] == kind for r in rows)
        print(f"| {kind} | {n} | {wrong[0]} | {wrong[1]} |")
    for title, table in (("labelled", rows), ("as the pipeline found them", found_rows)):
        pred = [e and reads_alike(c, *pair, settings) for d, e, c, _, pair in table]
        tp = sum(p and r[0] for p, r in zip(pred, table, strict=True))
        prec = tp / max(sum(pred), 1)
        rec = tp / max(sum(r[0] for r in table), 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        print(f"\nplaces {title}: precision {prec:.3f}, recall {rec:.3f}, F1 {f1:.3f}")


if __name__ == "__main__":
    main()
