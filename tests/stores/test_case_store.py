"""The case store on SQLite and PostgreSQL: queue order, filters, text search without case or
diacritics, triage columns, corrections, due dates, export batches, notifications."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.accounts import Role
from core.cases import CaseFilter, RoutingCorrection
from core.chat import ChatChannel
from core.errors import InvalidInput, NotFound
from core.types import LOCAL_TZ, Channel, FeedbackStatus
from stores.sql.case_store import SqlCaseStore, like_pattern
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.tables import FeedbackRow
from tests.case_factories import NOW, RECEIVED, add_case, staff_account
from tests.factories import feedback_in

S = FeedbackStatus


@pytest.fixture
def cases(database: Database) -> SqlCaseStore:
    return SqlCaseStore(database)


def refs(page_items: object) -> list[str]:
    return [c.reference for c in page_items]  # type: ignore[attr-defined]


def test_queue_is_most_urgent_first_then_oldest(store: SqlFeedbackStore, cases: SqlCaseStore
                                                 ) -> None:  # fmt: skip
    low = add_case(store, "a", urgency="low")
    old_normal = add_case(store, "b", urgency="normal", received_at=RECEIVED - timedelta(days=1))
    new_normal = add_case(store, "c", urgency="normal")
    critical = add_case(store, "d", urgency="critical", status=S.ROUTED)
    staff_high = add_case(store, "e", urgency="low")
    cases.set_priority(staff_high.id, "high", NOW)  # staff's priority overrides the urgency
    add_case(store, "f", status=S.IN_PROGRESS)  # not in the queue by default
    page = cases.find(CaseFilter(), NOW)
    assert refs(page.items) == [
        critical.reference, staff_high.reference, old_normal.reference,
        new_normal.reference, low.reference,
    ]  # fmt: skip
    assert page.total == 5
    first = page.items[1]
    assert (first.effective_priority, first.priority_source) == ("high", "staff")
    assert page.items[0].priority_source == "model"


def test_sorts_by_age_due_and_newest(store: SqlFeedbackStore, cases: SqlCaseStore) -> None:
    a = add_case(store, "a", received_at=RECEIVED - timedelta(hours=2), urgency="critical")
    b = add_case(store, "b", received_at=RECEIVED)
    undated = add_case(store, "c", received_at=RECEIVED - timedelta(hours=5))
    cases.set_due(b.id, NOW - timedelta(days=3))
    cases.set_due(a.id, NOW)
    sorts = ("age", "newest", "due")
    order = {sort: refs(cases.find(CaseFilter(sort=sort), NOW).items) for sort in sorts}
    assert order["age"] == [undated.reference, a.reference, b.reference]
    assert order["newest"] == [b.reference, a.reference, undated.reference]
    assert order["due"] == [b.reference, a.reference, undated.reference]  # no date: last


def test_filters_combine(store: SqlFeedbackStore, cases: SqlCaseStore, database: Database) -> None:
    lan = staff_account(database, "lan", Role.TRIAGE)
    flood = add_case(store, "a", channel=Channel.ZALO)
    add_case(store, "b", category="ha_tang_duong", department="so_xay_dung", ward=None)
    cases.set_assignee(flood.id, lan)
    checks = {
        "category": CaseFilter(category="thoat_nuoc"),
        "ward": CaseFilter(ward="Hiệp Bình"),
        "department": CaseFilter(department="ubnd_hiep_binh"),
        "channel": CaseFilter(channel=Channel.ZALO),
        "assignee": CaseFilter(assignee_id=lan),
        "priority": CaseFilter(priority="normal", category="thoat_nuoc"),
    }
    for name, f in checks.items():
        assert refs(cases.find(f, NOW).items) == [flood.reference], name
    assert cases.find(CaseFilter(unassigned=True), NOW).total == 1
    assert cases.find(CaseFilter(statuses=(S.RESOLVED,)), NOW).total == 0
    assert cases.find(CaseFilter(priority="critical"), NOW).total == 0


def test_local_date_range_is_inclusive_of_the_last_local_day(
    store: SqlFeedbackStore, cases: SqlCaseStore
) -> None:
    late_evening = datetime(2026, 11, 20, 23, 30, tzinfo=LOCAL_TZ)  # 16:30 UTC, same local day
    next_morning = datetime(2026, 11, 21, 0, 30, tzinfo=LOCAL_TZ)  # still the 20th in UTC
    a = add_case(store, "a", received_at=late_evening)
    add_case(store, "b", received_at=next_morning)
    day = date(2026, 11, 20)
    f = CaseFilter(date_from=day, date_to=day)
    assert refs(cases.find(f, NOW).items) == [a.reference]
    with pytest.raises(InvalidInput):
        CaseFilter(date_from=day, date_to=day - timedelta(days=1))


@pytest.mark.parametrize(
    ("query", "found"),
    [("ngập", True), ("NGAP SAU", True), ("kha  van can", True), ("Đường", True),
     ("duong", True), ("so dien thoai", True), ("0903", False), ("ngap (sau", False),
     ("mất điện", False), (".*", False), ("%", False), ("ng_p", False), ("40cm,", True)],
)  # fmt: skip
def test_text_search_ignores_case_and_diacritics_on_the_redacted_text(
    store: SqlFeedbackStore, cases: SqlCaseStore, query: str, found: bool
) -> None:
    fb = add_case(store, "a")
    assert refs(cases.find(CaseFilter(text=query), NOW).items) == ([fb.reference] if found else [])


def test_text_search_finds_text_typed_without_diacritics(
    store: SqlFeedbackStore, cases: SqlCaseStore
) -> None:
    fb = add_case(store, "a", text="duong ngap", redacted="duong ngap qua troi")
    assert refs(cases.find(CaseFilter(text="ngập"), NOW).items) == [fb.reference]


def test_like_pattern_escapes_what_the_user_typed() -> None:
    assert like_pattern("50%_a/b") == "%50/%/_a//b%"


def test_text_search_reads_the_folded_text_refined_by_the_annotation(
    store: SqlFeedbackStore, cases: SqlCaseStore, database: Database
) -> None:
    fb = add_case(store, "a", redacted="Cống NGHẸT ở hẻm, gọi [số điện thoại]")
    with database.engine.connect() as conn:
        folded = conn.scalar(select(FeedbackRow.search_text).where(FeedbackRow.id == fb.id))
    assert folded == "cong nghet o hem, goi [so dien thoai]"
    assert refs(cases.find(CaseFilter(text="nghẹt"), NOW).items) == [fb.reference]
    assert cases.find(CaseFilter(text="ngập"), NOW).total == 0  # the intake text was replaced


def test_text_search_finds_a_feedback_redacted_at_intake_before_any_annotation(
    store: SqlFeedbackStore, cases: SqlCaseStore
) -> None:
    item = replace(feedback_in("a", "Mất điện"), redacted_text="Mất ĐIỆN  cả khu phố")
    fb = store.add(item).feedback
    store.change_status(fb.id, S.NEEDS_TRIAGE, "system:router", None)
    assert refs(cases.find(CaseFilter(text="mat dien ca"), NOW).items) == [fb.reference]


def test_lists_over_closed_cases_are_newest_first_and_counted_to_a_limit(
    store: SqlFeedbackStore, database: Database
) -> None:
    made = [add_case(store, f"m{i}", received_at=RECEIVED + timedelta(minutes=i),
                     urgency="critical" if i == 0 else "low", status=S.RESOLVED if i % 2 else
                     S.NEEDS_TRIAGE) for i in range(4)]  # fmt: skip
    cases = SqlCaseStore(database, count_limit=2)
    every = CaseFilter(statuses=tuple(FeedbackStatus))
    page = cases.find(every, NOW)
    assert refs(page.items) == [m.reference for m in reversed(made)]
    assert (page.total, page.total_capped) == (2, True)  # "more than 2"
    asked = cases.find(replace(every, sort="urgency", statuses=(S.RESOLVED, S.NEEDS_TRIAGE)), NOW)
    assert refs(asked.items)[0] == made[0].reference  # an order asked for is kept
    closed = cases.find(CaseFilter(statuses=(S.RESOLVED,)), NOW)
    assert (closed.total, closed.total_capped) == (2, False)  # 2 found: not more than the cap
    queue = cases.find(CaseFilter(), NOW)  # open cases only: counted exactly, urgency first
    assert (queue.total, queue.total_capped, queue.items[0].id) == (2, False, made[0].id)
    assert cases.find(replace(every, overdue_only=True), NOW).total_capped is False


def test_overdue_only_and_merged_duplicates(store: SqlFeedbackStore, cases: SqlCaseStore
                                            ) -> None:  # fmt: skip
    late = add_case(store, "a")
    on_time = add_case(store, "b")
    done = add_case(store, "c", status=S.RESOLVED)
    merged = add_case(store, "d")
    for fb, due in (
        (late, NOW - timedelta(hours=1)),
        (on_time, NOW + timedelta(hours=1)),
        (done, NOW - timedelta(days=1)),
        (merged, NOW - timedelta(days=1)),
    ):
        cases.set_due(fb.id, due)  # fmt: skip
    store.mark_duplicate(merged.id, late.id, "staff:lan", None)
    every = tuple(FeedbackStatus)
    f = CaseFilter(statuses=every, overdue_only=True)
    assert refs(cases.find(f, NOW).items) == [late.reference]
    assert cases.get(merged.id, NOW).overdue is False  # the case it joined carries the work
    assert cases.get(done.id, NOW).overdue is False
    assert cases.get(late.id, NOW).overdue is True
    assert cases.find(CaseFilter(statuses=every), NOW).total == 3
    assert cases.find(CaseFilter(statuses=every, include_duplicates=True), NOW).total == 4
    assert cases.merged_into(late.id) == [merged.reference]


def test_pages_and_total(store: SqlFeedbackStore, cases: SqlCaseStore) -> None:
    made = [add_case(store, f"m{i}", received_at=RECEIVED + timedelta(minutes=i)) for i in range(5)]
    page = cases.find(CaseFilter(limit=2, offset=2), NOW)
    assert (page.total, refs(page.items)) == (5, [made[2].reference, made[3].reference])


def test_get_by_reference_has_events_and_assignee(
    store: SqlFeedbackStore, cases: SqlCaseStore, database: Database
) -> None:
    fb = add_case(store, "a", status=S.IN_PROGRESS)
    lan = staff_account(database, "lan", Role.TRIAGE)
    cases.set_assignee(fb.id, lan)
    cases.set_closed(fb.id, NOW)
    case = cases.get(None, NOW, reference=fb.reference)
    assert (case.id, case.assignee_id, case.assignee_name) == (fb.id, lan, "Lan")
    assert [e.to_status for e in case.events] == ["received", "needs_triage", "in_progress"]
    assert case.closed_at == NOW.astimezone(UTC)
    assert case.public_text.endswith("[số điện thoại]")
    with pytest.raises(NotFound):
        cases.get(None, NOW, reference="PA-2026-999999")
    with pytest.raises(NotFound):
        cases.set_assignee(999_999, None)


def test_routing_and_its_correction_are_one_write(
    store: SqlFeedbackStore, cases: SqlCaseStore
) -> None:
    fb = add_case(store, "a")
    correction = RoutingCorrection(fb.id, "Đường ngập [số điện thoại]", "thoat_nuoc",
                                   "ha_tang_duong", "ubnd_hiep_binh", "so_xay_dung",
                                   "staff:lan", NOW)  # fmt: skip
    cases.set_routing(fb.id, "ha_tang_duong", "so_xay_dung", NOW + timedelta(days=7), correction)
    case = cases.get(fb.id, NOW)
    assert (case.category, case.department) == ("ha_tang_duong", "so_xay_dung")
    assert case.due_at == (NOW + timedelta(days=7)).astimezone(UTC)
    stored = cases.corrections()
    assert stored == [correction]
    assert stored[0].is_change is True


def test_due_dates_missing_ones_and_backfill_batches(
    store: SqlFeedbackStore, cases: SqlCaseStore
) -> None:
    a, b, c = (add_case(store, m) for m in ("a", "b", "c"))
    assert cases.set_due(a.id, NOW, only_if_missing=True) is True
    assert cases.set_due(a.id, NOW + timedelta(days=1), only_if_missing=True) is False
    assert cases.get(a.id, NOW).due_at == NOW.astimezone(UTC)
    missing = cases.missing_due(0, 10)
    assert [m.feedback_id for m in missing] == [b.id, c.id]
    assert (missing[0].category, missing[0].urgency, missing[0].priority) == (
        "thoat_nuoc", "normal", None)  # fmt: skip
    assert [m.feedback_id for m in cases.missing_due(b.id, 10)] == [c.id]
    assert cases.due_input(a.id) is None  # it has one
    assert cases.due_input(b.id) == missing[0]
    cases.set_due_many([(b.id, NOW), (c.id, NOW)])
    assert cases.missing_due(0, 10) == []


def test_export_iterates_every_match_in_batches(store: SqlFeedbackStore, cases: SqlCaseStore
                                                ) -> None:  # fmt: skip
    made = [add_case(store, f"m{i}") for i in range(5)]
    add_case(store, "x", category="dien", department="dien_luc_thu_duc")
    f = CaseFilter(category="thoat_nuoc", limit=1)  # the page is ignored
    assert [c.id for c in cases.iter_cases(f, NOW, batch=2)] == [m.id for m in reversed(made)]


def test_notifications_of_a_case(database: Database, store: SqlFeedbackStore,
                                 cases: SqlCaseStore) -> None:  # fmt: skip
    fb = add_case(store, "a")
    other = add_case(store, "b")
    chat = SqlChatStore(database)
    chat.enqueue(ChatChannel.ZALO, "u1", "Dạ, phản ánh đã được chuyển", fb.id)
    chat.enqueue(ChatChannel.ZALO, "u2", "khác", other.id)
    found = cases.notifications(fb.id)
    assert [(n.channel, n.state, n.text, n.sent_at) for n in found] == [
        ("zalo", "pending", "Dạ, phản ánh đã được chuyển", None)]  # fmt: skip


def test_confirm_duplicate_and_account(store: SqlFeedbackStore, cases: SqlCaseStore,
                                       database: Database) -> None:  # fmt: skip
    first, second = add_case(store, "a"), add_case(store, "b")
    store.save_duplicate_candidates(second.id, [(first.id, 0.9)])
    assert cases.confirm_duplicate(second.id, first.id) is True
    assert cases.confirm_duplicate(first.id, second.id) is False
    assert store.duplicate_candidates(second.id)[0].state == "confirmed"
    dep = staff_account(database, "hb", Role.DEPARTMENT, "ubnd_hiep_binh")
    account = cases.account(dep)
    assert account is not None and (account.role, account.department) == (
        Role.DEPARTMENT, "ubnd_hiep_binh")  # fmt: skip
    assert cases.account(dep + 100) is None
    assert cases.references([first.id, second.id]) == {
        first.id: first.reference, second.id: second.reference}  # fmt: skip
