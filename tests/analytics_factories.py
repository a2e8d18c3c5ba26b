"""Feedback rows written straight into the table, for analytics tests (no model, no worker)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update

from core.types import LOCAL_TZ
from stores.sql.db import Database
from stores.sql.tables import FeedbackRow, RoutingCorrectionRow

_numbers = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """A local (Ho Chi Minh City) time."""
    return datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def report(
    received_at: datetime,
    category: str | None = "thoat_nuoc",
    ward: str | None = "Hiệp Bình",
    channel: str = "zalo",
    sentiment: str | None = "negative",
    **extra: Any,
) -> dict[str, Any]:
    n = next(_numbers)
    row = {
        "reference": f"PA-2026-{n:06d}", "channel": channel, "channel_message_id": f"m-{n}",
        "text": f"báo cáo {n}", "redacted_text": f"Đường ngập sâu, số {n}",
        "received_at": received_at, "status": "routed", "category": category, "ward": ward,
        "sentiment": sentiment, "annotation_state": "done", "department": "ubnd_hiep_binh",
    }  # fmt: skip
    row.update(extra)
    return row


def add_reports(db: Database, rows: list[dict[str, Any]]) -> None:
    """One statement per key set (an executemany would take the first row's keys for all)."""
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_keys.setdefault(tuple(sorted(row)), []).append(row)
    with db.write_connection() as conn:
        for group in by_keys.values():
            conn.execute(insert(FeedbackRow.__table__), group)


def daily(start: datetime, days: int, per_day: int, **fields: Any) -> list[dict[str, Any]]:
    """``per_day`` reports on each of ``days`` days from ``start``."""
    return [
        report(start + timedelta(days=d, minutes=m), **fields)
        for d in range(days)
        for m in range(per_day)
    ]


def correct(db: Database, feedback_id: int, category: str) -> None:
    """What triage does when staff recategorise a report: the row, and the correction."""
    with db.write_connection() as conn:
        conn.execute(
            update(FeedbackRow.__table__)
            .where(FeedbackRow.__table__.c.id == feedback_id)
            .values(category=category)
        )
        conn.execute(insert(RoutingCorrectionRow.__table__).values(
            feedback_id=feedback_id, text="…", old_category=None, new_category=category,
            actor="staff:lan", at=datetime.now(LOCAL_TZ),
        ))  # fmt: skip
