"""Import of one-stop-shop dossier exports (CSV or JSON lines) into our dossier table.

Idempotent: rows are keyed by their canonical dossier code, so a re-run reports them as
unchanged. Nothing personal is stored: every column that is not one of ``FIELDS`` (applicant
name, phone, ID number…) is dropped on reading and only its name is reported.

    >>> report = import_dossier_file(SqlDossierStore(db), Path("motcua.csv"))
    >>> report.summary()
    'read 120 dossiers: 118 new, 0 updated, 0 unchanged, 2 rejected; dropped columns ...'
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.dossier_ports import DossierStore, SaveOutcome
from core.dossiers import dossier_from_record
from core.errors import InvalidInput
from services.importer import Row, read_records

log = logging.getLogger(__name__)

#: The columns an import keeps; every other column (applicant name, phone, ID…) is dropped.
FIELDS = (
    "code", "procedure", "procedure_key", "receiving_unit", "handling_unit", "received_at",
    "due_at", "finished_at", "status", "current_step", "note", "steps",
)  # fmt: skip


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
    fmt = "csv" if suffix == ".csv" else "jsonl"
    return (_dossier_row(row, sink, fmt) for row in read_records(raw, fmt, _require_code))


def _key(name: str) -> str:
    return "_".join(name.strip().lower().split())


def _require_code(header: list[str]) -> None:
    if "code" not in {_key(h) for h in header}:
        raise InvalidInput("the CSV header has no 'code' column", code="import.missing_column")


def _dossier_row(row: Row, dropped: set[str], fmt: str) -> Row:
    """Keep ``FIELDS``; in CSV, ``steps`` is a JSON list in a cell (JSON lines carry a list)."""
    if row.error:
        return row
    fields = _kept(row.fields, dropped)
    if fmt != "csv":
        return Row(row.line, fields)
    steps = (fields.get("steps") or "").strip()
    try:
        fields["steps"] = json.loads(steps) if steps else None
    except json.JSONDecodeError as exc:
        return Row(row.line, fields, f"steps is not JSON: {exc.msg}")
    return Row(row.line, fields)


def _kept(record: dict[str, Any], dropped: set[str]) -> dict[str, Any]:
    kept = {}
    for name, value in record.items():
        key = _key(str(name))
        if key in FIELDS:
            kept[key] = value
        else:
            dropped.add(str(name).strip())
    return kept


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
