"""Turns the drawn columns of ``eval/synth_feedback.py`` into table rows and status events.

Kept apart from the planning (when, what about) so each stays readable: this module draws what
happened to each case (status, priority, when it was taken in hand and closed, duplicates,
references) and formats the rows (texts, JSON, datetimes); the events of a resolved case read
received → routed → in_progress → resolved with plausible times and actors.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from core.text import fold
from eval import synth_feedback_texts as tx

if TYPE_CHECKING:
    from eval.synth_feedback import FeedbackSynthesizer

FEEDBACK_COLUMNS = (
    "id", "reference", "channel", "channel_message_id", "sender_id", "text", "location_text",
    "received_at", "status", "duplicate_of", "category", "department", "ward", "confidence",
    "redacted_text", "street", "sentiment", "toxicity", "urgency", "is_spam", "is_relevant",
    "annotation_state", "annotation", "annotated_at", "created_at", "priority", "due_at",
    "closed_at", "search_text",
)  # fmt: skip
EVENT_COLUMNS = ("feedback_id", "at", "actor", "from_status", "to_status", "reason")
MODEL_VERSION = "synthetic-1"
STAFF = "staff:synth"
ROUTER = "system:router"
Row = tuple[Any, ...]


def pick(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """Indices into ``shares`` drawn with its weights (normalised)."""
    p = np.array(list(shares.values()), dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def statuses(rng: np.random.Generator, age_days: np.ndarray) -> np.ndarray:
    """Recent reports are mostly open, older ones nearly all closed; the 1 % left open for
    long are mostly stuck at a department (in progress), rarely still waiting for triage."""
    n = len(age_days)
    is_open = rng.random(n) < 0.01 + 0.85 * np.exp(-age_days / 10)
    recent = np.array(["needs_triage", "routed", "in_progress"])[
        rng.choice(3, size=n, p=[0.3, 0.3, 0.4])
    ]
    stale = np.array(["needs_triage", "routed", "in_progress"])[
        rng.choice(3, size=n, p=[0.05, 0.2, 0.75])
    ]
    open_status = np.where(age_days < 14, recent, stale)
    closed_status = np.where(rng.random(n) < 0.93, "resolved", "rejected")
    return np.where(is_open, open_status, closed_status)


def priorities(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    """Staff raised the priority of a few open cases; null elsewhere (the urgency stands)."""
    draw = rng.random(len(status))
    is_open = np.isin(status, ["needs_triage", "routed", "in_progress"])
    out = np.where(draw < 0.01, "critical", np.where(draw < 0.09, "high", ""))
    return np.where(is_open, out, "")


def closed_at(
    rng: np.random.Generator, ts: np.ndarray, status: np.ndarray, sla: np.ndarray, end: float
) -> np.ndarray:
    """Resolved in about half the service level (one in six late), rejected sooner; NaN open."""
    factor = np.where(status == "rejected", 0.15, 0.55) * rng.lognormal(0.0, 0.6, len(ts))
    closed = np.minimum(ts + sla * factor + 600, end)
    return np.where(np.isin(status, ["resolved", "rejected"]), closed, np.nan)


def started_at(
    rng: np.random.Generator, ts: np.ndarray, status: np.ndarray, sla: np.ndarray, end: float,
    closed: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """When staff took a case in hand: early in its service level, before it closed or now."""
    still_open = ts + np.maximum(
        np.minimum(sla * rng.uniform(0.02, 0.2, len(ts)), (end - ts) * 0.5), 5
    )
    started = np.where(status == "resolved", ts + (closed - ts) * 0.3, still_open)
    return np.where(np.isin(status, ["in_progress", "resolved"]), started, np.nan)


def references(years: np.ndarray, counters: dict[int, int]) -> list[str]:
    """``PA-YYYY-NNNNNN`` in receiving order, numbered on from each year's counter."""
    out: list[str] = []
    for year in years.tolist():
        counters[year] = counters.get(year, 0) + 1
        out.append(f"PA-{year}-{counters[year]:06d}")
    return out


def duplicates(
    cols: dict[str, np.ndarray], last_of: dict[tuple[int, int], int], rng: np.random.Generator
) -> list[int | None]:
    """2 % report what an earlier report of the same category in the same ward reported."""
    flagged = (rng.random(len(cols["id"])) < 0.02).tolist()
    keys = zip(cols["cat"].tolist(), cols["ward"].tolist(), strict=True)
    out: list[int | None] = []
    for fid, key, dup in zip(cols["id"].tolist(), keys, flagged, strict=True):
        out.append(last_of.get(key) if dup else None)
        last_of[key] = fid
    return out


def _names(indices: np.ndarray, names: list[str] | tuple[str, ...]) -> list[str]:
    return [names[i] for i in indices.tolist()]


def _times(seconds: np.ndarray) -> list[datetime | None]:
    return [None if math.isnan(s) else datetime.fromtimestamp(s, UTC) for s in seconds.tolist()]


def texts(cols: dict[str, np.ndarray], synth: FeedbackSynthesizer) -> dict[str, list[Any]]:
    """Original, redacted and folded (``search_text``) text, street and location of each row."""
    streets = _names(cols["street"], tx.STREETS)
    wards = [synth.wards[i] for i in cols["ward"].tolist()]
    original, redacted, located = [], [], []
    for i, cat in enumerate(cols["cat"].tolist()):
        ward = wards[i] or "Thủ Đức"  # the text names a place; the ward stays unknown
        body = synth.templates[cat][int(cols["template"][i])].format(street=streets[i], ward=ward)
        body = tx.OPENERS[cols["opener"][i]] + body + tx.CLOSERS[cols["closer"][i]]
        if cols["contact"][i]:
            phone = f"09{cols['phone'][i]:08d}"
            original.append(body + tx.CONTACT_ORIGINAL.format(phone=phone))
            body += tx.CONTACT_REDACTED
        else:
            original.append(body)
        redacted.append(body)
        located.append(f"{streets[i]}, phường {wards[i]}" if cols["located"][i] and wards[i]
                       else None)  # fmt: skip
    folded = {r: fold(r) for r in set(redacted)}  # what the store writes beside the text
    return {
        "text": original,
        "redacted": redacted,
        "street": streets,
        "location": located,
        "search": [folded[r] for r in redacted],
    }


def annotation(category: str, confidence: float, department: str | None, ward: str | None,
               urgency: str, sentiment: str) -> str:  # fmt: skip
    """A small annotation in the shape ``Annotation.to_dict`` stores (subset), as JSON text."""
    return json.dumps(
        {"category": category, "confidence": round(confidence, 4), "department": department,
         "ward": ward, "model_version": MODEL_VERSION, "urgency": {"level": urgency},
         "sentiment": {"label": sentiment}, "explanation": []},
        ensure_ascii=False,
    )  # fmt: skip


def rows_and_events(
    cols: dict[str, Any], synth: FeedbackSynthesizer, with_events: bool = True
) -> tuple[list[Row], list[Row]]:
    ids = cols["id"].tolist()
    cats = _names(cols["cat"], synth.categories)
    wards = [synth.wards[i] for i in cols["ward"].tolist()]
    depts = [synth.departments[c][w] for c, w in zip(cols["cat"].tolist(),
             cols["ward"].tolist(), strict=True)]  # fmt: skip
    channels = _names(cols["channel"], list(tx.CHANNEL_SHARE))
    urgency = cols["urgency"].tolist()
    sentiment = _names(cols["sentiment"], list(tx.SENTIMENT_SHARE))
    toxicity = _names(cols["toxicity"], list(tx.TOXICITY_SHARE))
    status, confidence = cols["status"].tolist(), cols["confidence"].tolist()
    priority = [p or None for p in cols["priority"].tolist()]
    received, due, closed = _times(cols["ts"]), _times(cols["due"]), _times(cols["closed"])
    started = _times(cols["started"])
    annotated, created = _times(cols["ts"] + 4.0), _times(cols["ts"] + 1.0)
    words = texts(cols, synth)
    senders = [f"{(s * 0x9E3779B97F4A7C15) & (2**128 - 1):032x}" for s in cols["sender"].tolist()]
    rows: list[Row] = []
    for i, fid in enumerate(ids):
        rows.append((
            fid, cols["reference"][i], channels[i], f"synth-{fid}", senders[i], words["text"][i],
            words["location"][i], received[i], status[i], cols["duplicate_of"][i], cats[i],
            depts[i], wards[i], confidence[i], words["redacted"][i], words["street"][i],
            sentiment[i], toxicity[i], urgency[i], False, True, "done",
            annotation(cats[i], confidence[i], depts[i], wards[i], urgency[i], sentiment[i]),
            annotated[i], created[i], priority[i], due[i], closed[i], words["search"][i],
        ))  # fmt: skip
    if not with_events:
        return rows, []
    events = [ev for row, at in zip(rows, started, strict=True) for ev in events_of(row, at)]
    return rows, events


def events_of(row: Row, started: datetime | None) -> list[Row]:
    """The status history a case in this status went through (``feedback_event`` rows);
    ``started`` is when staff took it in hand (in progress, resolved)."""
    fid, channel, received, status = row[0], row[2], row[7], row[8]
    closed, annotated = row[27], row[23]
    reason = f"{row[10]} ({row[13]:.2f}) → {row[11] or '-'}"
    first = "needs_triage" if status == "needs_triage" else "routed"
    out: list[Row] = [
        (fid, received, f"channel:{channel}", None, "received", None),
        (fid, annotated, ROUTER, "received", first, reason),
    ]
    if status in ("in_progress", "resolved"):
        out.append((fid, started, STAFF, "routed", "in_progress", None))
    if status == "resolved":
        out.append((fid, closed, STAFF, "in_progress", "resolved", "Đã xử lý xong."))
    elif status == "rejected":
        out.append((fid, closed, STAFF, "routed", "rejected", "Không thuộc thẩm quyền."))
    return out
