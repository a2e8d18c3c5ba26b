"""The triage workflow on real stores (SQLite and PostgreSQL): access per role, every action
audited, corrections kept as labels, the citizen told through the notification outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.accounts import Principal, Role
from core.cases import CaseFilter
from core.chat import ChatChannel
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.reference import ReferenceData
from core.types import FeedbackStatus
from stores.sql.db import Database
from tests.case_factories import (
    FLOOD,
    FLOOD_REDACTED,
    NOW,
    RECEIVED,
    TriageRig,
    staff_account,
    triage_rig,
)
from tests.factories import feedback_in

S = FeedbackStatus
TRIAGE = Principal("account", 1, "lan", Role.TRIAGE)
DEPT = Principal("account", 2, "hb", Role.DEPARTMENT, "ubnd_hiep_binh")
OTHER_DEPT = Principal("account", 3, "sxd", Role.DEPARTMENT, "so_xay_dung")
OFFICIAL = Principal("account", 4, "chu_tich", Role.OFFICIAL)
API = Principal("api_client", 5, "portal", Role.API)


@pytest.fixture
def rig(database: Database, reference: ReferenceData) -> TriageRig:
    return triage_rig(database, reference)


def test_department_accounts_see_only_their_department(rig: TriageRig) -> None:
    ours = rig.add("a")
    theirs = rig.add("b", category="ha_tang_duong", department="so_xay_dung")
    assert {c.reference for c in rig.triage.queue(TRIAGE, CaseFilter()).items} == {
        ours.reference, theirs.reference}  # fmt: skip
    assert [c.reference for c in rig.triage.queue(DEPT, CaseFilter()).items] == [ours.reference]
    assert rig.triage.queue(DEPT, CaseFilter(department="so_xay_dung")).total == 0
    with pytest.raises(NotFound) as hidden:
        rig.triage.case(DEPT, theirs.reference)
    with pytest.raises(NotFound) as missing:
        rig.triage.case(DEPT, "PA-2026-999999")
    assert hidden.value.code == missing.value.code == "feedback.not_found"
    with pytest.raises(NotFound):
        rig.triage.set_priority(DEPT, theirs.reference, "high")
    assert rig.triage.case(OFFICIAL, theirs.reference).may_change is False


@pytest.mark.parametrize("who", [OFFICIAL, API])
def test_read_only_roles_change_nothing(rig: TriageRig, who: Principal) -> None:
    fb = rig.add()
    attempts = [
        lambda: rig.triage.recategorize(who, fb.reference, "dien"),
        lambda: rig.triage.confirm_routing(who, fb.reference),
        lambda: rig.triage.set_priority(who, fb.reference, "high"),
        lambda: rig.triage.set_ward(who, fb.reference, "Linh Xuân"),
        lambda: rig.triage.set_content(who, fb.reference, "spam"),
        lambda: rig.triage.assign(who, fb.reference, None),
        lambda: rig.triage.change_status(who, fb.reference, "in_progress", None),
        lambda: rig.triage.merge(who, fb.reference, fb.reference),
        lambda: rig.triage.bulk(who, [fb.reference], "priority", "high"),
        lambda: rig.triage.original_text(who, fb.reference, "gọi lại cho người dân"),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()
    assert rig.triage.queue(who, CaseFilter()).total == 1
    assert rig.actions(fb.reference) == []


def test_case_view_has_routing_history_due_and_notifications(rig: TriageRig) -> None:
    fb = rig.add("a", status=S.ROUTED)
    rig.links.link(fb.id, ChatChannel.ZALO, "zalo-user")
    rig.triage.change_status(TRIAGE, fb.reference, "in_progress", "đang xử lý")
    rig.triage.set_priority(TRIAGE, fb.reference, "critical", "nước vào nhà")
    view = rig.triage.case(TRIAGE, fb.reference)
    assert view.explanation == ("ngập",)
    assert [a.label for a in view.alternatives] == ["moi_truong"]
    assert [h.action for h in view.history] == [
        "status", "status", "status", "feedback.priority_set"]  # fmt: skip
    assert (view.history[-1].from_value, view.history[-1].to_value) == (None, "critical")
    assert (view.priority, view.priority_source) == ("critical", "staff")
    assert view.due_at == RECEIVED + timedelta(hours=12)  # drainage, critical
    assert view.overdue is True
    assert [n.channel for n in view.notifications] == ["zalo"]
    assert "đang được" in view.notifications[0].text
    assert (view.may_change, view.may_view_original) == (True, True)


def test_original_text_needs_a_reason_and_is_audited(rig: TriageRig) -> None:
    fb = rig.add()
    with pytest.raises(InvalidInput, match="why"):
        rig.triage.original_text(TRIAGE, fb.reference, "  ")
    assert rig.triage.original_text(DEPT, fb.reference, "gọi lại", ip="10.0.0.7") == FLOOD
    entry = rig.audit.for_target("feedback", fb.reference)[-1]
    assert (entry.action, entry.actor, entry.reason, entry.ip) == (
        "feedback.original_viewed", "staff:hb", "gọi lại", "10.0.0.7")  # fmt: skip


def test_recategorize_keeps_a_label_routes_and_tells_the_citizen(rig: TriageRig) -> None:
    fb = rig.add("a", category="ha_tang_duong", department="so_xay_dung")
    rig.links.link(fb.id, ChatChannel.TELEGRAM, "42")
    case = rig.triage.recategorize(TRIAGE, fb.reference, "thoat_nuoc", note="ngập, không phải ổ gà")
    assert (case.category, case.department, case.status) == (
        "thoat_nuoc", "ubnd_hiep_binh", S.ROUTED)  # fmt: skip
    assert case.due_at == RECEIVED + timedelta(hours=120)
    [correction] = rig.cases.corrections()
    assert (correction.text, correction.old_category, correction.new_category) == (
        FLOOD_REDACTED, "ha_tang_duong", "thoat_nuoc")  # fmt: skip
    assert correction.actor == "staff:lan"
    assert rig.actions(fb.reference) == ["feedback.recategorized", "feedback.status_changed"]
    details = rig.audit.for_target("feedback", fb.reference)[0].details
    assert details["from"]["category"] == "ha_tang_duong"
    assert details["to"] == {"category": "thoat_nuoc", "department": "ubnd_hiep_binh"}
    [told] = rig.outbox(fb.id)
    assert fb.reference in told and "Ủy ban nhân dân phường Hiệp Bình" in told


def test_a_category_change_asks_for_a_recount_of_its_day(
    rig: TriageRig, caplog: pytest.LogCaptureFixture
) -> None:
    days: list[datetime] = []
    rig.triage._on_counts_changed = days.append
    fb = rig.add("a", category="ha_tang_duong", department="so_xay_dung")
    rig.triage.recategorize(TRIAGE, fb.reference, "thoat_nuoc")
    rig.triage.confirm_routing(TRIAGE, fb.reference)  # same category: nothing to recount
    assert days == [fb.received_at]

    def broken(_at: datetime) -> None:
        raise RuntimeError("database away")

    rig.triage._on_counts_changed = broken
    case = rig.triage.recategorize(TRIAGE, fb.reference, "moi_truong")
    assert case.category == "moi_truong"  # the change stands; the job recounts later
    assert "triage.recount_hook_failed" in caplog.text


def test_recategorize_with_a_department_and_refusals(rig: TriageRig) -> None:
    fb = rig.add("a", status=S.IN_PROGRESS)
    case = rig.triage.recategorize(TRIAGE, fb.id, "ha_tang_duong", department="so_xay_dung")
    assert (case.department, case.status) == ("so_xay_dung", S.IN_PROGRESS)  # not re-routed
    with pytest.raises(InvalidInput):
        rig.triage.recategorize(TRIAGE, fb.id, "ngap_lut")
    with pytest.raises(InvalidInput):
        rig.triage.recategorize(TRIAGE, fb.id, "dien", department="khong_co")
    pending = rig.store.add(feedback_in("p")).feedback  # the router has not run yet
    with pytest.raises(Conflict):
        rig.triage.recategorize(TRIAGE, pending.reference, "dien")


def test_handing_a_case_to_another_department_drops_an_assignee_who_cannot_see_it(
    rig: TriageRig,
) -> None:
    fb, other = rig.add("a"), rig.add("b")
    hb = staff_account(rig.db, "hb", Role.DEPARTMENT, "ubnd_hiep_binh")
    lan = staff_account(rig.db, "lan", Role.TRIAGE)
    rig.triage.assign(TRIAGE, fb.reference, hb)
    rig.triage.assign(TRIAGE, other.reference, lan)
    moved = rig.triage.recategorize(TRIAGE, fb.reference, "dien")  # to the power company
    kept = rig.triage.recategorize(TRIAGE, other.reference, "dien")
    assert (moved.department, moved.assignee_id, kept.assignee_id) == (
        "dien_luc_thu_duc",
        None,
        lan,
    )
    assert rig.actions(fb.reference)[-2] == "feedback.assigned"


def test_confirm_routing_stores_a_label_equal_to_the_model_and_routes(rig: TriageRig) -> None:
    fb = rig.add()
    case = rig.triage.confirm_routing(DEPT, fb.reference)
    assert case.status is S.ROUTED
    [label] = rig.cases.corrections()
    assert (label.old_category, label.new_category, label.is_change) == (
        "thoat_nuoc", "thoat_nuoc", False)  # fmt: skip
    assert rig.actions(fb.reference)[0] == "feedback.routing_confirmed"


def test_every_status_view_is_newest_first_and_scoped(rig: TriageRig) -> None:
    old = rig.add("a", status=S.RESOLVED)
    new = rig.add("b", received_at=RECEIVED + timedelta(hours=1))
    rig.add("c", category="ha_tang_duong", department="so_xay_dung",
            received_at=RECEIVED + timedelta(hours=2))  # fmt: skip
    page = rig.triage.queue(DEPT, CaseFilter(statuses=tuple(S)))
    assert [c.reference for c in page.items] == [new.reference, old.reference]
    assert (page.total, page.total_capped) == (2, False)


def test_priority_reorders_the_queue_and_moves_the_due_date(rig: TriageRig) -> None:
    first, second = rig.add("a"), rig.add("b", received_at=RECEIVED + timedelta(hours=1))
    case = rig.triage.set_priority(TRIAGE, second.reference, "HIGH", "trường học gần đó")
    assert case.due_at == second.received_at + timedelta(hours=48)
    queue = rig.triage.queue(TRIAGE, CaseFilter())
    assert [c.reference for c in queue.items] == [second.reference, first.reference]
    cleared = rig.triage.set_priority(TRIAGE, second.reference, None)
    assert (cleared.priority, cleared.effective_priority) == (None, "normal")
    assert cleared.due_at == second.received_at + timedelta(hours=120)
    with pytest.raises(InvalidInput):
        rig.triage.set_priority(TRIAGE, first.reference, "urgent")
    entry = rig.audit.for_target("feedback", second.reference)[-1]
    assert (entry.details["from"], entry.details["to"]) == ("high", None)


def test_a_corrected_ward_takes_the_table_department_along_and_is_recounted(
    rig: TriageRig,
) -> None:
    days: list[datetime] = []
    rig.triage._on_counts_changed = days.append
    fb = rig.add("a")  # drainage in Hiệp Bình: the table gave the ward's people's committee
    hb = staff_account(rig.db, "hb", Role.DEPARTMENT, "ubnd_hiep_binh")
    rig.triage.assign(TRIAGE, fb.reference, hb)
    case = rig.triage.set_ward(TRIAGE, fb.reference, "phuong linh xuan", "Võ Văn Ngân là Linh Xuân")
    assert (case.ward, case.department, case.assignee_id) == ("Linh Xuân", "ubnd_linh_xuan", None)
    assert case.status is S.NEEDS_TRIAGE  # where it is, not whether it was triaged
    assert days == [fb.received_at]
    assert rig.triage.queue(TRIAGE, CaseFilter(ward="Linh Xuân")).total == 1
    assert rig.triage.queue(TRIAGE, CaseFilter(ward="Hiệp Bình")).total == 0
    with pytest.raises(NotFound):  # the old ward's department no longer sees it
        rig.triage.case(DEPT, fb.reference)
    entry = next(e for e in rig.audit.for_target("feedback", fb.reference)
                 if e.action == "feedback.ward_set")  # fmt: skip
    assert (entry.details["from"], entry.details["to"], entry.reason) == (
        {"ward": "Hiệp Bình", "department": "ubnd_hiep_binh"},
        {"ward": "Linh Xuân", "department": "ubnd_linh_xuan"},
        "Võ Văn Ngân là Linh Xuân",
    )
    unknown = rig.triage.set_ward(TRIAGE, fb.reference, None)  # the city's default unit
    assert (unknown.ward, unknown.department) == (None, "thoat_nuoc_do_thi")
    again = rig.triage.set_ward(TRIAGE, fb.reference, "  ")
    assert (again.ward, again.department) == (None, "thoat_nuoc_do_thi")
    assert days == [fb.received_at] * 2  # unchanged ward: nothing to recount


def test_a_department_staff_chose_stays_when_the_ward_is_corrected(rig: TriageRig) -> None:
    fb = rig.add("a", category="ha_tang_duong", department="so_xay_dung")  # not the table's
    case = rig.triage.set_ward(OTHER_DEPT, fb.reference, "Tam Binh")
    assert (case.ward, case.department) == ("Tam Bình", "so_xay_dung")


def test_ward_corrections_refused(rig: TriageRig) -> None:
    fb = rig.add("a")
    with pytest.raises(InvalidInput) as unknown:
        rig.triage.set_ward(TRIAGE, fb.reference, "Phường 25")
    assert unknown.value.code == "refdata.unknown_ward"
    theirs = rig.add("b", category="ha_tang_duong", department="so_xay_dung")
    with pytest.raises(NotFound):
        rig.triage.set_ward(DEPT, theirs.reference, "Linh Xuân")
    pending = rig.store.add(feedback_in("p")).feedback
    with pytest.raises(Conflict):  # the router would overwrite it with what it reads
        rig.triage.set_ward(TRIAGE, pending.reference, "Linh Xuân")
    assert rig.triage.case(TRIAGE, fb.reference).feedback.ward == "Hiệp Bình"
    assert "feedback.ward_set" not in rig.actions(fb.reference)


def test_staff_say_whether_a_text_is_fine_abusive_or_spam(rig: TriageRig) -> None:
    days: list[datetime] = []
    rig.triage._on_counts_changed = days.append
    fb = rig.add("a")
    assert fb.withheld is None
    abusive = rig.triage.set_content(TRIAGE, fb.reference, "Abusive", "chửi thề")
    assert (abusive.toxicity, abusive.is_spam, abusive.withheld) == ("offensive", False, "abusive")
    assert days == []  # still counted in the statistics
    spam = rig.triage.set_content(DEPT, fb.reference, "spam")
    assert (spam.is_spam, spam.withheld) == (True, "spam")
    assert days == [fb.received_at]  # spam leaves the counts of its day
    fine = rig.triage.set_content(TRIAGE, fb.reference, "ok")
    assert (fine.toxicity, fine.is_spam, fine.withheld) == ("clean", False, None)
    assert days == [fb.received_at] * 2
    entries = [e for e in rig.audit.for_target("feedback", fb.reference)
               if e.action == "feedback.content_flagged"]  # fmt: skip
    assert [(e.details["from"]["flag"], e.details["to"]["flag"]) for e in entries] == [
        ("ok", "abusive"), ("abusive", "spam"), ("spam", "ok")]  # fmt: skip
    assert entries[0].reason == "chửi thề"
    with pytest.raises(InvalidInput) as bad:
        rig.triage.set_content(TRIAGE, fb.reference, "xoá")
    assert bad.value.code == "triage.bad_flag"
    with pytest.raises(Forbidden):
        rig.triage.set_content(OFFICIAL, fb.reference, "spam")
    pending = rig.store.add(feedback_in("p")).feedback
    with pytest.raises(Conflict):
        rig.triage.set_content(TRIAGE, pending.reference, "spam")


def test_assignment_rules(rig: TriageRig) -> None:
    fb = rig.add()
    lan = staff_account(rig.db, "lan", Role.TRIAGE)
    hb = staff_account(rig.db, "hb", Role.DEPARTMENT, "ubnd_hiep_binh")
    sxd = staff_account(rig.db, "sxd", Role.DEPARTMENT, "so_xay_dung")
    chief = staff_account(rig.db, "chief", Role.OFFICIAL)
    gone = staff_account(rig.db, "gone", Role.TRIAGE, active=False)
    assert rig.triage.assign(TRIAGE, fb.reference, hb).assignee_name == "Hb"
    with pytest.raises(Forbidden):  # a department account assigns within its department
        rig.triage.assign(DEPT, fb.reference, lan)
    assert rig.triage.assign(DEPT, fb.reference, hb, "anh Hải xử lý").assignee_id == hb
    for account, code in ((sxd, "triage.assignee_cannot_see"), (chief, "triage.assignee_read_only"),
                          (gone, "triage.unknown_assignee")):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            rig.triage.assign(TRIAGE, fb.reference, account)
        assert refused.value.code == code
    assert rig.triage.assign(TRIAGE, fb.reference, None).assignee_id is None
    assert rig.triage.queue(TRIAGE, CaseFilter(unassigned=True)).total == 1
    entry = rig.audit.for_target("feedback", fb.reference)[-1]
    assert entry.details == {"from": {"id": hb, "name": "Hb"}, "to": {"id": None, "name": None}}


def test_status_change_tells_the_chat_citizen_and_closes_the_case(rig: TriageRig) -> None:
    fb = rig.add("a", status=S.IN_PROGRESS)
    rig.links.link(fb.id, ChatChannel.ZALO, "zalo-user")
    with pytest.raises(InvalidInput, match="say what was done"):
        rig.triage.change_status(TRIAGE, fb.reference, "resolved", "")
    case = rig.triage.change_status(TRIAGE, fb.reference, S.RESOLVED, "Đã nạo vét cống")
    assert (case.status, case.closed_at) == (S.RESOLVED, NOW.astimezone(UTC))
    [told] = rig.outbox(fb.id)
    assert "đã được xử lý xong" in told and "Đã nạo vét cống" in told
    reopened = rig.triage.change_status(TRIAGE, fb.reference, "in_progress", "chưa xong")
    assert (reopened.status, reopened.closed_at) == (S.IN_PROGRESS, None)
    assert len(rig.outbox(fb.id)) == 2
    with pytest.raises(Conflict):
        rig.triage.change_status(TRIAGE, fb.reference, "routed", None)
    with pytest.raises(InvalidInput):
        rig.triage.change_status(TRIAGE, fb.reference, "done", None)
    entry = rig.audit.for_target("feedback", fb.reference)[0]
    assert (entry.action, entry.reason) == ("feedback.status_changed", "Đã nạo vét cống")
    assert entry.details == {"from": "in_progress", "to": "resolved"}


def test_merge_into_an_earlier_case_confirms_the_candidate(rig: TriageRig) -> None:
    first = rig.add("a")
    second = rig.add("b", received_at=RECEIVED + timedelta(hours=2))
    rig.store.save_duplicate_candidates(second.id, [(first.id, 0.93)])
    with pytest.raises(InvalidInput, match="earlier"):
        rig.triage.merge(TRIAGE, first.reference, second.reference)
    with pytest.raises(InvalidInput):
        rig.triage.merge(TRIAGE, first.reference, first.reference)
    merged = rig.triage.merge(TRIAGE, second.reference, first.reference, "cùng điểm ngập")
    assert merged.duplicate_of == first.id
    assert rig.store.duplicate_candidates(second.id)[0].state == "confirmed"
    assert [c.reference for c in rig.triage.queue(TRIAGE, CaseFilter()).items] == [first.reference]
    view = rig.triage.case(TRIAGE, first.reference)
    assert view.merged == (second.reference,)
    assert rig.triage.case(TRIAGE, second.reference).duplicate_of == first.reference
    entry = rig.audit.for_target("feedback", second.reference)[-1]
    assert (entry.action, entry.details) == (
        "feedback.merged",
        {"from": None, "to": first.reference},
    )


def test_bulk_reports_each_case(rig: TriageRig) -> None:
    ours = rig.add("a")
    theirs = rig.add("b", category="ha_tang_duong", department="so_xay_dung")
    keys = [ours.reference, theirs.reference, "PA-2026-999999", "xyz", ours.reference]
    result = rig.triage.bulk(DEPT, keys, "priority", "high")
    assert [(i.key, i.ok, i.code) for i in result.items] == [
        (ours.reference, True, None),
        (theirs.reference, False, "feedback.not_found"),
        ("PA-2026-999999", False, "feedback.not_found"),
        ("xyz", False, "feedback.bad_key"),
    ]
    assert (result.succeeded, result.failed) == (1, 3)
    status = rig.triage.bulk(TRIAGE, [ours.reference, theirs.reference], "status", "resolved",
                             note="xong")  # fmt: skip
    assert [i.code for i in status.items] == ["feedback.illegal_transition"] * 2
    moved = rig.triage.bulk(TRIAGE, [ours.id, theirs.id], "category", "dien")
    assert moved.succeeded == 2
    assert rig.triage.bulk(TRIAGE, [ours.id], "assign", "").succeeded == 1
    spam = rig.triage.bulk(TRIAGE, [ours.id, theirs.id], "content", "SPAM", note="quảng cáo")
    assert spam.succeeded == 2
    assert rig.triage.case(TRIAGE, ours.id).feedback.withheld == "spam"
    for action, value in (("delete", None), ("category", "ngap_lut"), ("assign", "lan"),
                          ("status", "done"), ("priority", "urgent"),
                          ("content", "hide")):  # fmt: skip
        with pytest.raises(InvalidInput):
            rig.triage.bulk(TRIAGE, [ours.id], action, value)
    with pytest.raises(InvalidInput):
        rig.triage.bulk(TRIAGE, [], "priority", "high")


def test_overdue_per_role(rig: TriageRig) -> None:
    ours = rig.add("a")
    theirs = rig.add("b", category="ha_tang_duong", department="so_xay_dung")
    for fb in (ours, theirs):
        rig.cases.set_due(fb.id, NOW - timedelta(hours=1))
    assert {c.reference for c in rig.triage.overdue(TRIAGE)} == {ours.reference, theirs.reference}
    assert [c.reference for c in rig.triage.overdue(DEPT)] == [ours.reference]
    assert [c.reference for c in rig.triage.overdue(OTHER_DEPT)] == [theirs.reference]
    assert rig.triage.queue(TRIAGE, CaseFilter(overdue_only=True)).total == 2


def test_csv_export_is_redacted_excel_ready_and_scoped(rig: TriageRig) -> None:
    fb = rig.add("a", redacted='=HYPERLINK("x") ngập, gọi [số điện thoại]')
    rig.add("b", category="ha_tang_duong", department="so_xay_dung", redacted="ổ gà")
    rig.cases.set_due(fb.id, NOW - timedelta(hours=1))
    text = "".join(rig.triage.export_csv(DEPT, CaseFilter(limit=1)))
    assert text.startswith("\ufeffreference,received_at,channel,category,department,ward,status,")
    lines = text.removeprefix("\ufeff").splitlines()
    assert len(lines) == 2  # the header and our department's one case (the page is ignored)
    assert lines[1].startswith(f"{fb.reference},2026-11-20 08:30,api,thoat_nuoc,ubnd_hiep_binh,"
                               "Hiệp Bình,needs_triage,normal,2026-11-25 11:00,true,")  # fmt: skip
    assert "'=HYPERLINK" in lines[1] and "0903" not in text
    every = "".join(rig.triage.export_csv(TRIAGE, CaseFilter(text="o ga")))
    assert every.count("\n") == 2 and "ổ gà" in every
    exports = [e for e in rig.audit.recent() if e.action == "cases.exported"]
    assert [e.details["filter"] for e in exports] == [{"text": "o ga"}, {}]
    rig.triage.set_content(TRIAGE, fb.reference, "spam")
    spam = "".join(rig.triage.export_csv(DEPT, CaseFilter())).splitlines()[1]
    assert spam.endswith(",true,spam,") and "HYPERLINK" not in spam  # the reason, not the text
