"""Service-level targets: read from data, due dates at routing and by backfill, overdue list."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.cases import SlaTargets
from core.errors import InvalidInput
from core.reference import ReferenceData
from services.annotation import InProcessAnnotationWorker
from services.sla import SlaService
from stores.sql.case_store import SqlCaseStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.case_factories import NOW, RECEIVED, add_case
from tests.factories import annotation, feedback_in


@pytest.fixture
def sla(sqlite_db: Database) -> SlaService:
    return SlaService(SqlCaseStore(sqlite_db), SlaTargets.load(), clock=lambda: NOW)


def test_targets_cover_every_category_and_urgency_shortens_them(reference: ReferenceData) -> None:
    targets = SlaTargets.load().check(reference.category_codes)
    assert set(targets.by_category) == set(reference.category_codes)
    for code in reference.category_codes:
        normal = targets.hours(code, "normal")
        assert targets.hours(code, "critical") < targets.hours(code, "high") < normal
        assert targets.hours(code, "low") == normal
    assert targets.hours(None, "normal") == targets.default.hours


def test_targets_naming_an_unknown_category_or_a_bad_number_are_refused(tmp_path: Path) -> None:
    doc = {"default": {"hours": 100}, "categories": {"ngap_lut": {"hours": 5}}}
    (tmp_path / "sla.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match="ngap_lut"):
        SlaTargets.load(tmp_path).check(["thoat_nuoc"])
    doc["categories"] = {"thoat_nuoc": {"hours": -1}}
    (tmp_path / "sla.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match="positive"):
        SlaTargets.load(tmp_path)


def test_due_follows_category_and_priority(sla: SlaService) -> None:
    targets = sla.targets
    due = sla.due_for(RECEIVED, "dien", None, "critical")
    assert due == RECEIVED + timedelta(hours=targets.hours("dien", "critical"))
    staff_low = sla.due_for(RECEIVED, "dien", "low", "critical")  # staff's priority wins
    assert staff_low == RECEIVED + timedelta(hours=targets.hours("dien", "normal"))


def test_on_annotated_sets_a_missing_due_date_only(sqlite_db: Database, sla: SlaService) -> None:
    store = SqlFeedbackStore(sqlite_db)
    fb = add_case(store, "a", category="dien", urgency="high")
    sla.on_annotated(fb.id)
    expected = RECEIVED + timedelta(hours=sla.targets.hours("dien", "high"))
    assert store.get(fb.id).due_at == expected
    SqlCaseStore(sqlite_db).set_due(fb.id, NOW)
    sla.on_annotated(fb.id)
    assert store.get(fb.id).due_at == NOW


def test_backfill_gives_every_row_a_due_date(sqlite_db: Database, sla: SlaService) -> None:
    store = SqlFeedbackStore(sqlite_db)
    made = [add_case(store, f"m{i}", category="tieng_on") for i in range(7)]
    unrouted = store.add(feedback_in("raw", received_at=RECEIVED)).feedback  # no category yet
    assert sla.backfill(batch=3) == 8
    assert sla.backfill(batch=3) == 0
    assert store.get(made[-1].id).due_at == RECEIVED + timedelta(hours=72)
    assert store.get(unrouted.id).due_at == RECEIVED + timedelta(hours=sla.targets.default.hours)


def test_overdue_lists_open_late_cases_longest_late_first(
    sqlite_db: Database, sla: SlaService
) -> None:
    store = SqlFeedbackStore(sqlite_db)
    cases = SqlCaseStore(sqlite_db)
    a, b, c = (add_case(store, m) for m in "abc")
    cases.set_due(a.id, NOW - timedelta(hours=1))
    cases.set_due(b.id, NOW - timedelta(days=2))
    cases.set_due(c.id, NOW + timedelta(hours=1))
    assert [x.reference for x in sla.overdue()] == [b.reference, a.reference]
    assert sla.overdue(department="so_xay_dung") == []


class _OneShotPipeline:
    """An annotator that routes everything to drainage (the worker's hook is under test)."""

    def warm_up(self) -> None: ...

    def annotate(self, item: object) -> object:
        return annotation(category="thoat_nuoc", confidence=0.9)


def test_the_annotation_worker_hook_sets_the_due_date(sqlite_db: Database) -> None:
    store = SqlFeedbackStore(sqlite_db)
    calls: list[int] = []
    sla = SlaService(SqlCaseStore(sqlite_db), SlaTargets.load(), clock=lambda: datetime.now(UTC))

    def hook(feedback_id: int) -> None:
        calls.append(feedback_id)
        sla.on_annotated(feedback_id)

    worker = InProcessAnnotationWorker(store, _OneShotPipeline(), 0.5, on_annotated=hook)  # type: ignore[arg-type]
    fb = store.add(feedback_in("w-1", received_at=RECEIVED)).feedback
    worker.start()
    try:
        assert worker.wait(fb.id, 5.0)
    finally:
        worker.stop()
    assert calls == [fb.id]
    assert store.get(fb.id).due_at == RECEIVED + timedelta(hours=48)  # thoat_nuoc, high urgency
