"""Dossier status look-up for citizens, and the import of one-stop-shop exports into our table.

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

import csv
import enum
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.dossier_ports import DossierSource, DossierStore, SaveOutcome
from core.dossiers import (
    Dossier,
    DossierStatus,
    canonical_dossier_code,
    dossier_from_record,
    is_dossier_code,
)
from core.errors import ExternalServiceError, InvalidInput, LangngheError, NotFound
from core.types import LOCAL_TZ
from services.importer import Row

log = logging.getLogger(__name__)

#: The columns an import keeps; every other column (applicant name, phone, ID…) is dropped.
FIELDS = (
    "code", "procedure", "procedure_key", "receiving_unit", "handling_unit", "received_at",
    "due_at", "finished_at", "status", "current_step", "note", "steps",
)  # fmt: skip


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


# --- Import --------------------------------------------------------------------------------


@dataclass
class DossierImportReport:
    """Counts of one import run; ``rejected`` rows carry their line, code and reason."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    dropped_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"read {self.read} dossiers: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected"
        )
        if self.dropped_columns:
            text += f"; dropped columns (never stored): {', '.join(self.dropped_columns)}"
        return text


def read_dossier_rows(path: Path, dropped: set[str] | None = None) -> Iterator[Row]:
    """Rows of a CSV (with a header) or JSON-lines file (``.csv``, ``.jsonl``, ``.json``).

    Only ``FIELDS`` are kept; the names of the other columns are added to ``dropped``.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".json"):
        raise InvalidInput(
            f"{path.name}: use a .csv, .jsonl or .json file", code="import.bad_format"
        )
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path.name} is not UTF-8: {exc}", code="import.encoding") from exc
    sink = dropped if dropped is not None else set()
    return _csv_rows(raw, sink) if suffix == ".csv" else _jsonl_rows(raw, sink)


def _key(name: str) -> str:
    return "_".join(name.strip().lower().split())


def _kept(record: dict[str, Any], dropped: set[str]) -> dict[str, Any]:
    kept = {}
    for name, value in record.items():
        key = _key(str(name))
        if key in FIELDS:
            kept[key] = value
        else:
            dropped.add(str(name).strip())
    return kept


def _csv_rows(raw: str, dropped: set[str]) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    if "code" not in {_key(h) for h in reader.fieldnames or []}:
        raise InvalidInput("the CSV header has no 'code' column", code="import.missing_column")
    for record in reader:
        if None in record:
            yield Row(reader.line_num, {}, "row has more cells than the header")
            continue
        fields = _kept(record, dropped)
        steps = (fields.get("steps") or "").strip()
        try:
            fields["steps"] = json.loads(steps) if steps else None
        except json.JSONDecodeError as exc:
            yield Row(reader.line_num, fields, f"steps is not JSON: {exc.msg}")
            continue
        yield Row(reader.line_num, fields)


def _jsonl_rows(raw: str, dropped: set[str]) -> Iterator[Row]:
    for n, text in enumerate(raw.splitlines(), 1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row(n, {}, f"malformed JSON: {exc.msg}")
            continue
        if not isinstance(record, dict):
            yield Row(n, {}, "line is not a JSON object")
            continue
        yield Row(n, _kept(record, dropped))


def import_dossiers(
    store: DossierStore, rows: Iterable[Row], on_row: Callable[[], None] | None = None
) -> DossierImportReport:
    """Save every valid row keyed by its canonical code; collect the others with a reason.

    A database failure stops the run (it is not the row's fault); a bad row never does.
    """
    report = DossierImportReport()
    for row in rows:
        report.read += 1
        try:
            if row.error:
                raise InvalidInput(row.error, code="import.unreadable_row")
            outcome = store.save(dossier_from_record(row.fields))
        except InvalidInput as exc:
            report.rejected.append({"line": row.line, "code": exc.code, "reason": exc.message,
                                    "dossier_code": row.fields.get("code")})  # fmt: skip
        else:
            _count(report, outcome)
        if on_row is not None:
            on_row()
    log.info("dossier.imported %s", report.summary())
    return report


def _count(report: DossierImportReport, outcome: SaveOutcome) -> None:
    if outcome is SaveOutcome.NEW:
        report.new += 1
    elif outcome is SaveOutcome.UPDATED:
        report.updated += 1
    else:
        report.unchanged += 1


def import_dossier_file(
    store: DossierStore, path: Path, on_row: Callable[[], None] | None = None
) -> DossierImportReport:
    """``import_dossiers`` over a file, reporting the columns it dropped."""
    dropped: set[str] = set()
    report = import_dossiers(store, read_dossier_rows(path, dropped), on_row)
    report.dropped_columns = sorted(dropped)
    return report


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
