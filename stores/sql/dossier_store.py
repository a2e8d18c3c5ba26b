"""The dossier table on SQLAlchemy (SQLite and PostgreSQL, same code).

A dossier is keyed by its canonical code and carries a hash of its record form, so saving the
same dossier again writes nothing and an import run twice reports every row "unchanged".

>>> store = SqlDossierStore(Database("sqlite:///var/langnghe.db"))
>>> store.save(dossier)
<SaveOutcome.NEW: 'new'>
>>> store.get("H29.202-250315-0012").status
<DossierStatus.IN_PROGRESS: 'in_progress'>
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.dossier_ports import SaveOutcome
from core.dossiers import Dossier, DossierStatus, DossierStep, dossier_to_record
from core.types import LOCAL_TZ
from stores.sql.db import Database, sql_errors
from stores.sql.tables import DossierRow, DossierStepRow

log = logging.getLogger(__name__)

_DOSSIERS: Table = DossierRow.__table__  # type: ignore[assignment]
_STEPS: Table = DossierStepRow.__table__  # type: ignore[assignment]
_BY_CODE = select(_DOSSIERS).where(_DOSSIERS.c.code == bindparam("code"))
_STEPS_OF = (
    select(_STEPS).where(_STEPS.c.dossier_code == bindparam("code")).order_by(_STEPS.c.ordinal)
)
_HASH = select(_DOSSIERS.c.source_hash).where(_DOSSIERS.c.code == bindparam("code"))
_HASH_FOR_UPDATE = _HASH.with_for_update()
_INSERT = insert(_DOSSIERS)
_UPDATE = update(_DOSSIERS).where(_DOSSIERS.c.code == bindparam("key"))
_INSERT_STEP = insert(_STEPS)
_DELETE_STEPS = delete(_STEPS).where(_STEPS.c.dossier_code == bindparam("key"))


def source_hash(dossier: Dossier) -> str:
    """A digest of everything we keep of a dossier: equal digests, nothing to write."""
    text = json.dumps(dossier_to_record(dossier), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class SqlDossierStore:
    """``core.dossier_ports.DossierStore`` on a relational database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, code: str) -> Dossier | None:
        with sql_errors("database read"), self._db.engine.connect() as conn:
            row = conn.execute(_BY_CODE, {"code": code}).mappings().one_or_none()
            steps = conn.execute(_STEPS_OF, {"code": code}).mappings().all()
        return None if row is None else _dossier(row, steps)

    def save(self, dossier: Dossier) -> SaveOutcome:
        digest = source_hash(dossier)
        with sql_errors("database write", constraints_pass=False):
            try:
                outcome = self._save(dossier, digest)
            except IntegrityError:
                # Another writer inserted the same new code first: now it is an update.
                outcome = self._save(dossier, digest)
        if outcome is not SaveOutcome.UNCHANGED:
            log.info("dossier.saved code=%s outcome=%s", dossier.code, outcome.value)
        return outcome

    def _save(self, dossier: Dossier, digest: str) -> SaveOutcome:
        stmt = _HASH_FOR_UPDATE if self._db.is_postgres else _HASH
        with self._db.write_connection() as conn:
            current = conn.execute(stmt, {"code": dossier.code}).scalar_one_or_none()
            if current == digest:
                return SaveOutcome.UNCHANGED
            values = _values(dossier, digest)
            if current is None:
                conn.execute(_INSERT, values)
            else:
                conn.execute(_UPDATE, {"key": dossier.code, **values})
                conn.execute(_DELETE_STEPS, {"key": dossier.code})
            _insert_steps(conn, dossier)
        return SaveOutcome.NEW if current is None else SaveOutcome.UPDATED

    def count(self) -> int:
        with self._db.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(_DOSSIERS)) or 0)


def _values(d: Dossier, digest: str) -> dict[str, Any]:
    return {
        "code": d.code,
        "procedure": d.procedure,
        "procedure_key": d.procedure_key,
        "receiving_unit": d.receiving_unit,
        "handling_unit": d.handling_unit,
        "received_at": d.received_at,
        "due_at": d.due_at,
        "finished_at": d.finished_at,
        "status": d.status.value,
        "current_step": d.current_step,
        "note": d.note,
        "updated_at": datetime.now(UTC),
        "source_hash": digest,
    }


def _insert_steps(conn: Connection, d: Dossier) -> None:
    if not d.steps:
        return
    conn.execute(
        _INSERT_STEP,
        [
            {"dossier_code": d.code, "ordinal": n, "name": s.name, "unit": s.unit,
             "started_at": s.started_at, "finished_at": s.finished_at, "note": s.note}
            for n, s in enumerate(d.steps, 1)
        ],
    )  # fmt: skip


def _local(value: datetime | None) -> datetime | None:
    """Stored in UTC, handed back in Vietnam's time: calendar days are counted there."""
    return None if value is None else value.astimezone(LOCAL_TZ)


def _dossier(r: Any, steps: Any) -> Dossier:
    return Dossier(
        code=r["code"],
        procedure=r["procedure"],
        procedure_key=r["procedure_key"],
        receiving_unit=r["receiving_unit"],
        handling_unit=r["handling_unit"],
        received_at=r["received_at"].astimezone(LOCAL_TZ),
        due_at=_local(r["due_at"]),
        finished_at=_local(r["finished_at"]),
        status=DossierStatus(r["status"]),
        current_step=r["current_step"],
        note=r["note"],
        steps=tuple(
            DossierStep(s["name"], s["unit"], s["started_at"].astimezone(LOCAL_TZ),
                        _local(s["finished_at"]), s["note"])
            for s in steps
        ),
    )  # fmt: skip
