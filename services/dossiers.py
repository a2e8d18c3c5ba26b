"""Dossier status look-up for citizens, and the demo dossiers (the import of one-stop-shop
exports lives in ``services.dossier_import`` and is re-exported here).

The bot asks "hồ sơ H29.202-250315-0012 của tôi tới đâu rồi?"; ``DossierService.lookup``
answers a ``DossierView``: where the dossier is, whether it is late and what the citizen should
do next, as codes the bot turns into Vietnamese. Nothing personal ever reaches it: the table
holds no applicant data, and an import drops any column that is not one of ``FIELDS``.

    >>> service = DossierService(SqlDossierStore(db), source=HttpDossierSource(url, key))
    >>> view = service.lookup("h29.202 - 250315 - 0012")
    >>> view.status, view.is_late, view.days_left, view.next_action
    (<DossierStatus.IN_PROGRESS: 'in_progress'>, False, 3, <NextAction.WAIT: 'wait'>)
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.dossier_ports import DossierSource, DossierStore
from core.dossiers import (
    Dossier,
    DossierStatus,
    canonical_dossier_code,
    is_dossier_code,
)
from core.errors import ExternalServiceError, InvalidInput, LangngheError, NotFound
from core.types import LOCAL_TZ
from services.dossier_import import (
    FIELDS,
    DossierImportReport,
    import_dossier_file,
    import_dossiers,
    read_dossier_rows,
)
from services.importer import Row

__all__ = [
    "FIELDS",
    "DossierImportReport",
    "DossierService",
    "DossierView",
    "NextAction",
    "import_dossier_file",
    "import_dossiers",
    "load_demo_dossiers",
    "read_dossier_rows",
]

log = logging.getLogger(__name__)


class NextAction(enum.StrEnum):
    """What the citizen should do now; the bot's catalogue words each one."""

    WAIT = "wait"
    SUPPLEMENT = "supplement"  # bring the missing papers
    COLLECT_RESULT = "collect_result"
    NONE = "none"  # finished or withdrawn: nothing left to do
    CONTACT_UNIT = "contact_unit"  # rejected, or late: ask the handling unit


@dataclass(frozen=True, slots=True)
class DossierView:
    """What a citizen may be told about a dossier (no personal data, no internal notes)."""

    code: str
    procedure: str
    procedure_key: str | None
    handling_unit: str
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    status: DossierStatus
    current_step: str
    is_late: bool
    days_left: int | None
    next_action: NextAction

    @classmethod
    def of(cls, d: Dossier, now: datetime) -> DossierView:
        """The view of ``d`` at ``now`` (lateness and days left move with the clock)."""
        late = d.is_late(now)
        return cls(
            code=d.code, procedure=d.procedure, procedure_key=d.procedure_key,
            handling_unit=d.handling_unit, received_at=d.received_at, due_at=d.due_at,
            finished_at=d.finished_at, status=d.status, current_step=d.current_step,
            is_late=late, days_left=d.days_left(now.astimezone(LOCAL_TZ).date()),
            next_action=_next_action(d.status, late),
        )  # fmt: skip


def _next_action(status: DossierStatus, late: bool) -> NextAction:
    if status is DossierStatus.SUPPLEMENT_REQUESTED:
        return NextAction.SUPPLEMENT
    if status is DossierStatus.READY:
        return NextAction.COLLECT_RESULT
    if status in (DossierStatus.FINISHED, DossierStatus.WITHDRAWN):
        return NextAction.NONE
    if status is DossierStatus.REJECTED or late:
        return NextAction.CONTACT_UNIT
    return NextAction.WAIT


def _now() -> datetime:
    return datetime.now(LOCAL_TZ)


class DossierService:
    """Look-ups by code: the live system first (when there is one), our table otherwise.

    What the live system answers is saved, so the table stays a recent copy when it is down.
    """

    def __init__(
        self,
        store: DossierStore,
        source: DossierSource | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.store = store
        self._source = source
        self._clock = clock

    def lookup(self, code_text: str) -> DossierView:
        """The dossier a citizen typed the code of, in any case and spacing."""
        code = canonical_dossier_code(code_text)
        if not is_dossier_code(code):
            raise InvalidInput(f"{code_text!r} is not a dossier code", code="dossier.code_invalid")
        dossier = self._live(code) or self.store.get(code)
        if dossier is None:
            raise NotFound(f"dossier {code} is unknown", code="dossier.not_found")
        return DossierView.of(dossier, self._clock())

    def _live(self, code: str) -> Dossier | None:
        if self._source is None:
            return None
        try:
            dossier = self._source.fetch(code)
        except ExternalServiceError as exc:
            log.warning("dossier.source_failed code=%s error=%s", code, exc)
            return None
        if dossier is not None:
            self._keep(dossier)
        return dossier

    def _keep(self, dossier: Dossier) -> None:
        try:
            self.store.save(dossier)
        except LangngheError as exc:  # the citizen still gets the live answer
            log.warning("dossier.save_failed code=%s error=%s", dossier.code, exc)


# --- Demo data -----------------------------------------------------------------------------

_DEMO_TIMES = {"received": time(8, 30), "due": time(17, 0), "started": time(9, 0),
               "finished": time(15, 30)}  # fmt: skip


def load_demo_dossiers(
    target: DossierService | DossierStore, path: Path, today: date
) -> DossierImportReport:
    """Import the demo file, whose dates are days relative to ``today`` so they never go stale.

    ``received_days_ago``, ``due_in_days`` (negative: overdue), ``finished_days_ago`` and, in
    steps, ``started_days_ago`` / ``finished_days_ago`` become dates at office hours.
    """
    store = target.store if isinstance(target, DossierService) else target
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            rows.append(Row(n, _absolute(json.loads(line), today)))
    return import_dossiers(store, rows)


def _absolute(record: dict[str, Any], today: date) -> dict[str, Any]:
    out = dict(record)
    out["received_at"] = _day(today, -out.pop("received_days_ago"), "received")
    if "due_in_days" in out:
        out["due_at"] = _day(today, out.pop("due_in_days"), "due")
    if "finished_days_ago" in out:
        out["finished_at"] = _day(today, -out.pop("finished_days_ago"), "finished")
    out["steps"] = [_absolute_step(s, today) for s in out.get("steps", [])]
    return out


def _absolute_step(step: dict[str, Any], today: date) -> dict[str, Any]:
    out = dict(step)
    out["started_at"] = _day(today, -out.pop("started_days_ago"), "started")
    if "finished_days_ago" in out:
        out["finished_at"] = _day(today, -out.pop("finished_days_ago"), "finished")
    return out


def _day(today: date, offset: int, moment: str) -> str:
    day = today + timedelta(days=offset)
    return datetime.combine(day, _DEMO_TIMES[moment], tzinfo=LOCAL_TZ).isoformat()
