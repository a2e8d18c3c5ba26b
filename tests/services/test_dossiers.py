"""Dossier look-up (code forms, lateness, live source then table) and the dossier import."""

from __future__ import annotations

import json
import logging
from dataclasses import fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from core.dossier_ports import SaveOutcome
from core.dossiers import Dossier, DossierStatus, DossierStep
from core.errors import ExternalServiceError, InvalidInput, NotFound
from core.types import LOCAL_TZ
from services.dossiers import (
    DossierService,
    NextAction,
    import_dossier_file,
    load_demo_dossiers,
)
from stores.http.dossier_source import HttpDossierSource
from stores.sql.db import Database
from stores.sql.dossier_store import SqlDossierStore
from tests.stores.test_dossier_store import CODE, at, make_dossier

DEMO = Path(__file__).resolve().parents[2] / "app" / "demo" / "dossiers.jsonl"
HEADER = "code,procedure,procedure_key,received_at,due_at,status,current_step,steps"


def _clean(db: Database) -> Database:
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM dossier_step"))
        conn.execute(text("DELETE FROM dossier"))
    return db


@pytest.fixture
def store(sqlite_db: Database) -> SqlDossierStore:
    """SQLite only: the store itself is checked on both databases in tests/stores."""
    return SqlDossierStore(sqlite_db)


def service_at(store: SqlDossierStore, now: datetime, source: object = None) -> DossierService:
    return DossierService(store, source, clock=lambda: now)  # type: ignore[arg-type]


# --- look-up -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["H29.202-250315-0012", "h29.202-250315-0012", " h29.202 - 250315 - 0012 ",
     "H29. 202-250315-\t0012"],
)  # fmt: skip
def test_a_code_is_found_whatever_its_case_and_spacing(store: SqlDossierStore, typed: str) -> None:
    store.save(make_dossier())
    view = service_at(store, at(17, 10)).lookup(typed)
    assert view.code == CODE
    assert view.procedure == "Đăng ký khai sinh"
    assert view.current_step == "Thẩm định hồ sơ"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12345",
        "hồ sơ của tôi",
        "H29.202-2503-0012",
        "PA-2026-000123",
        "A" * 30 + "-250315-0012",
    ],
)
def test_text_without_the_shape_of_a_code_is_invalid(store: SqlDossierStore, typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        service_at(store, at(17)).lookup(typed)
    assert caught.value.code == "dossier.code_invalid"


def test_an_unknown_code_is_not_found(store: SqlDossierStore) -> None:
    store.save(make_dossier())
    with pytest.raises(NotFound) as caught:
        service_at(store, at(17)).lookup("000.00.24.H29-240315-0012")
    assert caught.value.code == "dossier.not_found"


@pytest.mark.parametrize(
    ("now", "late", "days_left", "action"),
    [
        (at(19, 9), False, 1, NextAction.WAIT),
        (at(20, 8), False, 0, NextAction.WAIT),
        (at(20, 16, 59), False, 0, NextAction.WAIT),
        (at(20, 17, 1), True, 0, NextAction.CONTACT_UNIT),
        (at(21, 8), True, -1, NextAction.CONTACT_UNIT),
        # 00:30 on the 20th in Vietnam is still the 19th in UTC: days count in Vietnam.
        (datetime(2025, 3, 19, 17, 30, tzinfo=UTC), False, 0, NextAction.WAIT),
    ],
)
def test_lateness_and_days_left_around_the_due_date(
    store: SqlDossierStore, now: datetime, late: bool, days_left: int, action: NextAction
) -> None:
    store.save(make_dossier(due_at=at(20, 17)))
    view = service_at(store, now).lookup(CODE)
    assert (view.is_late, view.days_left, view.next_action) == (late, days_left, action)


@pytest.mark.parametrize(
    ("changes", "late", "days_left", "action"),
    [
        ({"status": DossierStatus.SUPPLEMENT_REQUESTED}, False, 2, NextAction.SUPPLEMENT),
        ({"status": DossierStatus.RECEIVED}, False, 2, NextAction.WAIT),
        ({"status": DossierStatus.READY}, False, None, NextAction.COLLECT_RESULT),
        ({"status": DossierStatus.FINISHED, "finished_at": at(17, 15)}, False, None,
         NextAction.NONE),
        ({"status": DossierStatus.FINISHED, "finished_at": at(17, 15), "due_at": at(16, 17)},
         True, None, NextAction.NONE),
        ({"status": DossierStatus.REJECTED, "finished_at": at(17, 9)}, False, None,
         NextAction.CONTACT_UNIT),
        ({"status": DossierStatus.WITHDRAWN}, False, None, NextAction.NONE),
        ({"due_at": None}, False, None, NextAction.WAIT),
    ],
    ids=["supplement", "received", "ready", "finished", "finished-late", "rejected", "withdrawn",
         "no-due-date"],
)  # fmt: skip
def test_next_action_follows_the_status(
    store: SqlDossierStore, changes: dict[str, object], late: bool, days_left: int | None,
    action: NextAction,
) -> None:  # fmt: skip
    store.save(make_dossier(**changes))
    view = service_at(store, at(18, 10)).lookup(CODE)
    assert (view.is_late, view.days_left, view.next_action) == (late, days_left, action)


def test_the_view_carries_no_notes_and_no_personal_data() -> None:
    from services.dossiers import DossierView

    assert {f.name for f in fields(DossierView)} == {
        "code", "procedure", "procedure_key", "handling_unit", "received_at", "due_at",
        "finished_at", "status", "current_step", "is_late", "days_left", "next_action",
    }  # fmt: skip


class FakeSource:
    """A live system that answers from a dict, or fails like an unreachable one."""

    def __init__(self, dossiers: dict[str, Dossier] | None = None, fail: bool = False) -> None:
        self.dossiers = dossiers or {}
        self.fail = fail
        self.asked: list[str] = []

    def fetch(self, code: str) -> Dossier | None:
        self.asked.append(code)
        if self.fail:
            raise ExternalServiceError("connection refused", code="dossier.source_failed")
        return self.dossiers.get(code)

    def close(self) -> None: ...


def test_the_live_source_is_asked_first_and_its_answer_kept(store: SqlDossierStore) -> None:
    store.save(make_dossier())
    live = make_dossier(status=DossierStatus.READY, current_step="Chờ trả kết quả")
    source = FakeSource({CODE: live})
    view = service_at(store, at(18), source).lookup("h29.202-250315-0012")
    assert source.asked == [CODE]
    assert (view.status, view.next_action) == (DossierStatus.READY, NextAction.COLLECT_RESULT)
    assert store.get(CODE) == live


def test_a_failing_source_falls_back_to_the_table_with_a_warning(
    store: SqlDossierStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.save(make_dossier())
    with caplog.at_level(logging.WARNING, logger="services.dossiers"):
        view = service_at(store, at(18), FakeSource(fail=True)).lookup(CODE)
    assert view.status is DossierStatus.IN_PROGRESS
    assert "dossier.source_failed" in caplog.text


def test_a_code_the_source_does_not_know_is_looked_up_in_the_table(
    store: SqlDossierStore,
) -> None:
    store.save(make_dossier())
    assert service_at(store, at(18), FakeSource()).lookup(CODE).code == CODE
    with pytest.raises(NotFound):
        service_at(store, at(18), FakeSource()).lookup("G22.99-250101-0003")


def test_the_live_answer_is_given_even_when_it_cannot_be_saved(
    store: SqlDossierStore, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenStore(SqlDossierStore):
        def save(self, dossier: Dossier) -> SaveOutcome:
            raise ExternalServiceError("disk full")

    broken = BrokenStore(store._db)  # type: ignore[attr-defined]
    source = FakeSource({CODE: make_dossier(status=DossierStatus.READY)})
    with caplog.at_level(logging.WARNING, logger="services.dossiers"):
        view = service_at(broken, at(18), source).lookup(CODE)
    assert view.status is DossierStatus.READY
    assert "dossier.save_failed" in caplog.text


def test_an_unreachable_http_source_falls_back_to_the_table(store: SqlDossierStore) -> None:
    store.save(make_dossier())
    source = HttpDossierSource("http://127.0.0.1:9", "key", timeout=0.5)  # discard port: closed
    try:
        assert service_at(store, at(18), source).lookup(CODE).status is DossierStatus.IN_PROGRESS
    finally:
        source.close()


# --- import --------------------------------------------------------------------------------


def _cell(*steps: tuple[str, str]) -> str:
    """A CSV cell holding the steps as JSON: (name, started_at) pairs."""
    records = [{"name": name, "unit": "Một cửa", "started_at": start} for name, start in steps]
    return '"' + json.dumps(records, ensure_ascii=False).replace('"', '""') + '"'


STEPS = _cell(("Tiếp nhận hồ sơ", "15/03/2025 08:30"))
BIRTH = "Đăng ký khai sinh"
END_OF_20TH = datetime(2025, 3, 20, 23, 59, 59, tzinfo=LOCAL_TZ)


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "motcua.csv"
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _row(code: str, status: str = "Đang xử lý", steps: str = STEPS) -> str:
    return (
        f"{code},{BIRTH},birth_registration,15/03/2025 08:30,20/03/2025,{status},Thẩm định,{steps}"
    )


def test_an_import_run_twice_changes_nothing_and_a_changed_row_is_updated(
    database: Database, tmp_path: Path
) -> None:
    store = SqlDossierStore(_clean(database))
    rows = [
        _row("H29.202-250315-0012"),
        _row("000.00.24.H29-240315-0012"),
        _row("g22.99-250101-0003"),
    ]
    first = import_dossier_file(store, _csv(tmp_path, *rows))
    again = import_dossier_file(store, _csv(tmp_path, *rows))
    new_steps = _cell(("Trả kết quả", "2025-03-19T14:00"), ("Lưu hồ sơ", "2025-03-19T15:00"))
    rows[2] = _row("G22.99-250101-0003", "Đã trả kết quả", new_steps)
    changed = import_dossier_file(store, _csv(tmp_path, *rows))
    counts = [
        (r.read, r.new, r.updated, r.unchanged, len(r.rejected)) for r in (first, again, changed)
    ]
    assert counts == [(3, 3, 0, 0, 0), (3, 0, 0, 3, 0), (3, 0, 1, 2, 0)]
    updated = store.get("G22.99-250101-0003")
    assert updated is not None and updated.status is DossierStatus.FINISHED
    assert [s.name for s in updated.steps] == ["Trả kết quả", "Lưu hồ sơ"]
    assert store.count() == 3


def test_applicant_columns_are_dropped_and_never_stored(database: Database, tmp_path: Path) -> None:
    store = SqlDossierStore(_clean(database))
    header = HEADER + ",Họ tên người nộp,applicant_phone,CCCD"
    row = _row("H29.202-250315-0012") + ",Nguyễn Thị Lan,0903123456,079190001234"
    report = import_dossier_file(store, _csv(tmp_path, row, header=header))
    assert (report.new, report.rejected) == (1, [])
    assert report.dropped_columns == ["CCCD", "Họ tên người nộp", "applicant_phone"]
    assert (
        "dropped columns (never stored): CCCD, Họ tên người nộp, applicant_phone"
        in report.summary()
    )
    with database.engine.connect() as conn:
        stored = str(conn.execute(text("SELECT * FROM dossier")).all())
        stored += str(conn.execute(text("SELECT * FROM dossier_step")).all())
    for personal in ("Nguyễn Thị Lan", "0903123456", "079190001234"):
        assert personal not in stored


def test_json_lines_carry_steps_as_a_list(store: SqlDossierStore, tmp_path: Path) -> None:
    record = {"code": "h29.205-250402-0031", "procedure": "Đăng ký thường trú",
              "received_at": "2025-04-02T09:15:00+07:00", "due_at": "2025-04-09T17:00",
              "status": "da tiep nhan", "so_dien_thoai": "0912000111",
              "steps": [{"name": "Tiếp nhận hồ sơ", "unit": "Công an phường Linh Xuân",
                         "started_at": "02/04/2025 09:15",
                         "finished_at": "02/04/2025 09:40"}]}  # fmt: skip
    path = tmp_path / "motcua.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n\n", encoding="utf-8")
    report = import_dossier_file(store, path)
    assert (report.new, report.dropped_columns) == (1, ["so_dien_thoai"])
    dossier = store.get("H29.205-250402-0031")
    assert dossier is not None and dossier.status is DossierStatus.RECEIVED
    assert dossier.steps == (
        DossierStep("Tiếp nhận hồ sơ", "Công an phường Linh Xuân",
                    datetime(2025, 4, 2, 9, 15, tzinfo=LOCAL_TZ),
                    datetime(2025, 4, 2, 9, 40, tzinfo=LOCAL_TZ)),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("label", "status"),
    [("Đã tiếp nhận", "received"), ("Đang xử lý", "in_progress"), ("dang xu ly", "in_progress"),
     ("Yêu cầu bổ sung", "supplement_requested"), ("yeu cau bo sung", "supplement_requested"),
     ("Chờ trả kết quả", "ready"), ("Đã trả kết quả", "finished"), ("da tra ket qua", "finished"),
     ("Từ chối", "rejected"), ("Đã rút", "withdrawn"), ("in_progress", "in_progress"),
     ("SUPPLEMENT_REQUESTED", "supplement_requested")],
)  # fmt: skip
def test_status_labels_of_exports_are_understood(
    store: SqlDossierStore, tmp_path: Path, label: str, status: str
) -> None:
    report = import_dossier_file(store, _csv(tmp_path, _row(CODE, label)))
    assert report.new == 1
    stored = store.get(CODE)
    assert stored is not None and stored.status == status


@pytest.mark.parametrize(
    ("received", "due", "expected_received", "expected_due"),
    [
        ("15/03/2025 08:30", "20/03/2025", at(15, 8, 30), END_OF_20TH),
        ("2025-03-15T08:30:00", "2025-03-20T17:00", at(15, 8, 30), at(20, 17)),
        ("2025-03-15T01:30:00Z", "20/03/2025 17:00", at(15, 8, 30), at(20, 17)),
        ("2025-03-15", "2025-03-20", at(15, 0), END_OF_20TH),
    ],
)  # fmt: skip
def test_dates_are_read_as_vietnam_time(
    store: SqlDossierStore, tmp_path: Path, received: str, due: str,
    expected_received: datetime, expected_due: datetime,
) -> None:  # fmt: skip
    row = f"{CODE},Đăng ký khai sinh,,{received},{due},Đang xử lý,Thẩm định,"
    assert import_dossier_file(store, _csv(tmp_path, row)).new == 1
    stored = store.get(CODE)
    assert stored is not None
    assert (stored.received_at, stored.due_at) == (expected_received, expected_due)


@pytest.mark.parametrize(
    ("row", "code"),
    [
        (f",{BIRTH},,15/03/2025,20/03/2025,Đang xử lý,,", "dossier.code_missing"),
        (f"HS-0012,{BIRTH},,15/03/2025,20/03/2025,Đang xử lý,,", "dossier.code_invalid"),
        (f"{CODE},{BIRTH},,31/02/2025,20/03/2025,Đang xử lý,,", "dossier.bad_date"),
        (f"{CODE},{BIRTH},,15/03/2025,ngày mai,Đang xử lý,,", "dossier.bad_date"),
        (f"{CODE},{BIRTH},,15/03/2025,20/03/2025,Đang chờ,,", "dossier.bad_status"),
        (f"{CODE},{BIRTH},,15/03/2025,20/03/2025,,,", "dossier.field_missing"),
        (f"{CODE},,,15/03/2025,20/03/2025,Đang xử lý,,", "dossier.field_missing"),
        (f"{CODE},{BIRTH},,,20/03/2025,Đang xử lý,,", "dossier.field_missing"),
        (f"{CODE},{BIRTH},Khai sinh,15/03/2025,,Đang xử lý,,", "dossier.bad_procedure_key"),
        (f'{CODE},{BIRTH},,15/03/2025,,Đang xử lý,,"[{{""name"": ""x""}}]"', "dossier.bad_step"),
        (f'{CODE},{BIRTH},,15/03/2025,,Đang xử lý,,"[{{oops"', "import.unreadable_row"),
        (f"{CODE},{BIRTH},,15/03/2025,,Đang xử lý,,,extra cell", "import.unreadable_row"),
    ],
    ids=["no-code", "not-a-code", "no-such-day", "words-for-a-date", "unknown-status", "no-status",
         "no-procedure", "no-received-date", "bad-procedure-key", "step-without-start",
         "steps-not-json", "too-many-cells"],
)  # fmt: skip
def test_a_bad_row_is_rejected_with_its_line_and_the_rest_imported(
    store: SqlDossierStore, tmp_path: Path, row: str, code: str
) -> None:
    good = _row("G22.99-250101-0003")
    report = import_dossier_file(store, _csv(tmp_path, good, row, _row("H29.205-250322-0008")))
    assert (report.read, report.new) == (3, 2)
    assert [(r["line"], r["code"]) for r in report.rejected] == [(3, code)]
    assert set(report.rejected[0]) == {"line", "code", "reason", "dossier_code"}


@pytest.mark.parametrize(
    ("line", "code"),
    [("{not json", "import.unreadable_row"), ('["a list"]', "import.unreadable_row"),
     ('{"code": "H29.202-250315-0012", "procedure": "Đăng ký khai sinh", "received_at": '
      '"2025-03-15", "status": "in_progress", "steps": "Tiếp nhận"}', "dossier.bad_step")],
)  # fmt: skip
def test_bad_json_lines_are_rejected(
    store: SqlDossierStore, tmp_path: Path, line: str, code: str
) -> None:
    path = tmp_path / "motcua.json"
    path.write_text(line + "\n", encoding="utf-8")
    report = import_dossier_file(store, path)
    assert [(r["line"], r["code"]) for r in report.rejected] == [(1, code)]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("motcua.xlsx", "PK", "import.bad_format"),
     ("motcua.csv", "ma_ho_so,status\nH29.202-250315-0012,Đang xử lý\n", "import.missing_column"),
     ("motcua.csv", "code,procedure\nH29,Khai sinh\n".encode("utf-16"), "import.encoding")],
)  # fmt: skip
def test_an_unreadable_file_is_refused_as_a_whole(
    store: SqlDossierStore, tmp_path: Path, name: str, content: str | bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InvalidInput) as caught:
        import_dossier_file(store, path)
    assert caught.value.code == code


# --- demo data -----------------------------------------------------------------------------


def test_the_demo_covers_every_procedure_and_situation(store: SqlDossierStore) -> None:
    today = date(2026, 12, 1)
    service = service_at(store, datetime(2026, 12, 1, 12, tzinfo=LOCAL_TZ))
    report = load_demo_dossiers(service, DEMO, today)
    assert (report.rejected, 12 <= report.new <= 15) == ([], True)
    codes = [json.loads(line)["code"] for line in DEMO.read_text(encoding="utf-8").splitlines()]
    views = [service.lookup(code) for code in codes]
    assert {v.procedure_key for v in views} == {
        "birth_registration", "death_registration", "marriage_registration", "permanent_residence",
        "certified_copy", "criminal_record", "household_business", "construction_permit",
        "land_transfer", "citizen_id",
    }  # fmt: skip
    assert CODE in codes and "000.00.24.H29-240315-0012" in codes and "G22.99-250101-0003" in codes
    situations = {(v.status in {"received", "in_progress"}, v.finished_at is not None, v.is_late)
                  for v in views}  # fmt: skip
    assert {
        (True, False, False),
        (True, False, True),
        (False, True, False),
        (False, True, True),
    } <= situations
    actions = {v.next_action for v in views}
    assert {NextAction.SUPPLEMENT, NextAction.CONTACT_UNIT, NextAction.COLLECT_RESULT} <= actions
    assert DossierStatus.REJECTED in {v.status for v in views}


def test_loading_the_demo_again_changes_nothing_until_the_day_changes(
    store: SqlDossierStore,
) -> None:
    first = load_demo_dossiers(store, DEMO, date(2026, 12, 1))
    again = load_demo_dossiers(store, DEMO, date(2026, 12, 1))
    tomorrow = load_demo_dossiers(store, DEMO, date(2026, 12, 2))
    assert (again.unchanged, again.new) == (first.new, 0)
    assert tomorrow.updated == first.new
    dossier = store.get(CODE)
    assert dossier is not None
    assert dossier.received_at == datetime(2026, 11, 30, 8, 30, tzinfo=LOCAL_TZ)


def test_dates_in_the_demo_are_relative_to_today(store: SqlDossierStore) -> None:
    load_demo_dossiers(store, DEMO, date(2026, 12, 1))
    dossier = store.get(CODE)
    assert dossier is not None
    assert replace(dossier, steps=()).received_at.date() == date(2026, 11, 29)
    assert dossier.due_at == datetime(2026, 12, 2, 17, tzinfo=LOCAL_TZ)
