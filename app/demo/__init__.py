"""Demo data: a few weeks of realistic feedback, dated relative to today."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.container import Container
from core.types import LOCAL_TZ
from services.importer import ImportReport, Row, import_rows

#: A ward's e-documents written for the demo (decisions, letters, plans, procedure guides).
DEMO_DOCUMENTS = Path(__file__).resolve().parent / "documents"
#: Dossiers of the one-stop shop in every state (on time, late, finished, rejected …).
DEMO_DOSSIERS = Path(__file__).resolve().parent / "dossiers.jsonl"


def load_demo(container: Container, path: Path) -> ImportReport:
    """Import the demo file; ``days_ago``/``hour`` become real dates so the data looks recent.

    Each report also comes back ``HISTORY_WEEKS`` weeks earlier (id suffix ``-h``), so the
    dashboard, spike baselines and forecasts have twelve weeks of history. Ids are fixed, so
    loading twice adds nothing. The daily aggregates are recounted at the end.
    """
    now = datetime.now(LOCAL_TZ)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]  # fmt: skip
    weeks = timedelta(weeks=HISTORY_WEEKS).days
    shifted = [{**r, "id": f"{r['id']}-h", "days_ago": int(r.get("days_ago", 0)) + weeks}
               for r in records]  # fmt: skip
    rows = [Row(n, _dated(dict(rec), now)) for n, rec in enumerate(records + shifted, 1)]
    report = import_rows(container.feedback, rows, default_channel="web")
    container.worker.drain()
    first = min(datetime.fromisoformat(r.fields["received_at"]) for r in rows)
    container.analytics.rebuild_aggregates(since=first.date())
    return report


#: How many weeks earlier the demo reports are repeated as history.
HISTORY_WEEKS = 6


def _dated(rec: dict[str, Any], now: datetime) -> dict[str, Any]:
    day = (now - timedelta(days=int(rec.pop("days_ago", 0)))).date()
    hour = int(rec.pop("hour", 9))
    at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ)
    rec["received_at"] = min(at, now).isoformat()
    return rec
