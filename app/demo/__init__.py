"""Demo data: a few weeks of realistic feedback, dated relative to today."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from app.container import Container
from core.types import LOCAL_TZ
from services.importer import ImportReport, Row, import_rows

#: A ward's e-documents written for the demo (decisions, letters, plans, procedure guides).
DEMO_DOCUMENTS = Path(__file__).resolve().parent / "documents"
#: Dossiers of the one-stop shop in every state (on time, late, finished, rejected …).
DEMO_DOSSIERS = Path(__file__).resolve().parent / "dossiers.jsonl"


def load_demo(container: Container, path: Path) -> ImportReport:
    """Import the demo file; ``days_ago``/``hour`` become real dates so the data looks recent.

    Ids are fixed, so loading twice adds nothing.
    """
    now = datetime.now(LOCAL_TZ)
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        day = (now - timedelta(days=int(rec.pop("days_ago", 0)))).date()
        at = datetime(day.year, day.month, day.day, int(rec.pop("hour", 9)), 0, tzinfo=LOCAL_TZ)
        rec["received_at"] = min(at, now).isoformat()
        rows.append(Row(n, rec))
    report = import_rows(container.feedback, rows, default_channel="web")
    container.worker.drain()
    return report
