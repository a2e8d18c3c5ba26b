"""The dossier table on SQLite and on the local PostgreSQL (the ``database`` fixture runs both)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from core.dossier_ports import SaveOutcome
from core.dossiers import Dossier, DossierStatus, DossierStep
from core.types import LOCAL_TZ
from stores.sql.db import Database
from stores.sql.dossier_store import SqlDossierStore

CODE = "H29.202-250315-0012"


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=LOCAL_TZ)


def make_dossier(code: str = CODE, **changes: object) -> Dossier:
    dossier = Dossier(
        code=code,
        procedure="Đăng ký khai sinh",
        procedure_key="birth_registration",
        receiving_unit="Bộ phận Một cửa UBND phường Hiệp Bình",
        handling_unit="UBND phường Hiệp Bình",
        received_at=at(15, 8, 30),
        due_at=at(20, 17),
        finished_at=None,
        status=DossierStatus.IN_PROGRESS,
        current_step="Thẩm định hồ sơ",
        steps=(
            DossierStep("Tiếp nhận hồ sơ", "Bộ phận Một cửa", at(15, 8, 30), at(15, 9)),
            DossierStep("Thẩm định hồ sơ", "Công chức Tư pháp - Hộ tịch", at(15, 9)),
        ),
        note="Cần xác minh nơi cư trú",
    )
    return replace(dossier, **changes)  # type: ignore[arg-type]


@pytest.fixture
def dossiers(database: Database) -> SqlDossierStore:
    """An empty dossier table (the PostgreSQL database lives for the whole session)."""
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM dossier_step"))
        conn.execute(text("DELETE FROM dossier"))
    return SqlDossierStore(database)


def _step_rows(database: Database, code: str) -> list[tuple[int, str]]:
    with database.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            text("SELECT ordinal, name FROM dossier_step WHERE dossier_code = :c ORDER BY ordinal"),
            {"c": code},
        )]  # fmt: skip


def _updated_at(database: Database, code: str) -> datetime:
    with database.engine.connect() as conn:
        return conn.execute(
            text("SELECT updated_at FROM dossier WHERE code = :c"), {"c": code}
        ).scalar_one()


def test_a_saved_dossier_comes_back_equal_in_local_time(dossiers: SqlDossierStore) -> None:
    dossier = make_dossier()
    assert dossiers.save(dossier) is SaveOutcome.NEW
    loaded = dossiers.get(CODE)
    assert loaded == dossier
    assert loaded is not None
    assert loaded.due_at is not None and loaded.due_at.utcoffset() == LOCAL_TZ.utcoffset(at(20))
    assert [s.name for s in loaded.steps] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ"]
    assert dossiers.count() == 1


def test_an_unknown_code_is_none(dossiers: SqlDossierStore) -> None:
    dossiers.save(make_dossier())
    assert dossiers.get("H29.202-250315-0013") is None


@pytest.mark.parametrize(
    "dossier",
    [
        make_dossier(),
        make_dossier("000.00.24.H29-240315-0012", steps=(), procedure_key=None, due_at=None),
        make_dossier("G22.99-250101-0003", status=DossierStatus.FINISHED, finished_at=at(19, 10)),
    ],
    ids=["with-steps", "no-steps-no-due-date", "finished"],
)
def test_saving_the_same_dossier_again_writes_nothing(
    dossiers: SqlDossierStore, database: Database, dossier: Dossier
) -> None:
    dossiers.save(dossier)
    first = _updated_at(database, dossier.code)
    assert dossiers.save(dossier) is SaveOutcome.UNCHANGED
    assert _updated_at(database, dossier.code) == first
    assert dossiers.get(dossier.code) == dossier


def test_the_same_instants_in_another_time_zone_are_unchanged(dossiers: SqlDossierStore) -> None:
    dossier = make_dossier()
    dossiers.save(dossier)
    in_utc = replace(dossier, received_at=dossier.received_at.astimezone(UTC))
    assert dossiers.save(in_utc) is SaveOutcome.UNCHANGED


def test_a_changed_dossier_is_updated_and_its_steps_replaced(
    dossiers: SqlDossierStore, database: Database
) -> None:
    dossiers.save(make_dossier())
    done = make_dossier(
        status=DossierStatus.FINISHED,
        finished_at=at(19, 15),
        current_step="Đã trả kết quả",
        steps=(DossierStep("Trả kết quả", "Bộ phận Một cửa", at(19, 14), at(19, 15)),),
    )
    assert dossiers.save(done) is SaveOutcome.UPDATED
    assert dossiers.get(CODE) == done
    assert _step_rows(database, CODE) == [(1, "Trả kết quả")]
    assert dossiers.count() == 1


def test_removing_every_step_leaves_none(dossiers: SqlDossierStore, database: Database) -> None:
    dossiers.save(make_dossier())
    assert dossiers.save(make_dossier(steps=())) is SaveOutcome.UPDATED
    assert _step_rows(database, CODE) == []


def test_the_tables_have_no_column_for_personal_data(database: Database) -> None:
    columns = {
        table: {c["name"] for c in inspect(database.engine).get_columns(table)}
        for table in ("dossier", "dossier_step")
    }
    assert columns == {
        "dossier": {"code", "procedure", "procedure_key", "receiving_unit", "handling_unit",
                    "received_at", "due_at", "finished_at", "status", "current_step", "note",
                    "updated_at", "source_hash"},
        "dossier_step": {"dossier_code", "ordinal", "name", "unit", "started_at", "finished_at",
                         "note"},
    }  # fmt: skip


def test_concurrent_saves_of_one_new_dossier_store_it_once(dossiers: SqlDossierStore) -> None:
    outcomes: list[SaveOutcome] = []
    barrier = threading.Barrier(4)

    def save() -> None:
        barrier.wait()
        outcomes.append(dossiers.save(make_dossier()))

    threads = [threading.Thread(target=save) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["new", "unchanged", "unchanged", "unchanged"]
    assert dossiers.count() == 1
