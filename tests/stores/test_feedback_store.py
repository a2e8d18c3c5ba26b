"""The SQL store on SQLite and on the local PostgreSQL (the ``database`` fixture runs both)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from core.errors import Conflict, NotFound
from core.types import LOCAL_TZ, AnnotationState, Channel, Contact, FeedbackQuery, FeedbackStatus
from stores.sql.feedback_store import SqlFeedbackStore
from tests.factories import annotation, feedback_in


def test_add_stores_a_new_feedback_with_a_reference_and_an_event(store: SqlFeedbackStore) -> None:
    result = store.add(feedback_in())
    fb = result.feedback
    assert result.created
    assert fb.reference == "PA-2026-000001"
    assert fb.status is FeedbackStatus.RECEIVED
    assert fb.annotation_state is AnnotationState.PENDING
    assert fb.received_at == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
    assert fb.received_at.tzinfo is not None
    assert [(e.from_status, e.to_status) for e in fb.events] == [(None, "received")]


def test_references_count_per_year(store: SqlFeedbackStore) -> None:
    refs = [store.add(feedback_in(f"m-{i}")).feedback.reference for i in range(3)]
    next_year = datetime(2027, 1, 1, 0, 5, tzinfo=LOCAL_TZ)
    refs.append(store.add(feedback_in("m-ny", received_at=next_year)).feedback.reference)
    assert refs == ["PA-2026-000001", "PA-2026-000002", "PA-2026-000003", "PA-2027-000001"]


def test_repeated_delivery_returns_the_existing_record(store: SqlFeedbackStore) -> None:
    first = store.add(feedback_in("tg-42"))
    again = store.add(feedback_in("tg-42", text="a different body"))
    assert not again.created
    assert again.feedback.id == first.feedback.id
    assert again.feedback.text == first.feedback.text
    assert store.find(FeedbackQuery()).total == 1


def test_same_message_id_on_another_channel_is_another_feedback(store: SqlFeedbackStore) -> None:
    a = store.add(feedback_in("77", channel=Channel.TELEGRAM))
    b = store.add(feedback_in("77", channel=Channel.ZALO))
    assert a.created and b.created and a.feedback.id != b.feedback.id


def test_concurrent_deliveries_of_one_message_store_one_record(store: SqlFeedbackStore) -> None:
    results = []
    barrier = threading.Barrier(6)

    def deliver() -> None:
        barrier.wait()
        results.append(store.add(feedback_in("race-1")))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.created for r in results) == 1
    assert len({r.feedback.id for r in results}) == 1
    assert store.find(FeedbackQuery()).total == 1


def test_contact_is_stored_apart_and_only_when_given(store: SqlFeedbackStore) -> None:
    with_contact = store.add(feedback_in("c1", contact=Contact(phone="0909123456"))).feedback
    without = store.add(feedback_in("c2")).feedback
    assert with_contact.has_contact and not without.has_contact


def test_save_annotation_routes_and_records_who_did_it(store: SqlFeedbackStore) -> None:
    fid = store.add(feedback_in()).feedback.id
    assert list(store.pending_annotation(10)) == [fid]
    store.save_annotation(fid, annotation(ward="Hiệp Bình"), FeedbackStatus.ROUTED, "system:router")
    fb = store.get(fid)
    assert fb.status is FeedbackStatus.ROUTED
    assert (fb.category, fb.department, fb.ward) == ("thoat_nuoc", "ubnd_hiep_binh", "Hiệp Bình")
    assert (
        fb.annotation is not None and fb.annotation["alternatives"][0]["category"] == "moi_truong"
    )
    assert fb.events[-1].actor == "system:router"
    assert list(store.pending_annotation(10)) == []


def test_annotation_does_not_override_a_status_staff_already_set(store: SqlFeedbackStore) -> None:
    fid = store.add(feedback_in()).feedback.id
    store.change_status(fid, FeedbackStatus.REJECTED, "staff:an", "spam")
    store.save_annotation(fid, annotation(), FeedbackStatus.ROUTED, "system:router")
    fb = store.get(fid)
    assert fb.status is FeedbackStatus.REJECTED
    assert fb.category == "thoat_nuoc"


def test_annotation_failure_is_recorded_and_the_message_kept(store: SqlFeedbackStore) -> None:
    fid = store.add(feedback_in()).feedback.id
    store.save_annotation_failure(fid, "RuntimeError: model exploded")
    fb = store.get(fid)
    assert fb.annotation_state is AnnotationState.FAILED
    assert fb.annotation_error == "RuntimeError: model exploded"
    assert fb.status is FeedbackStatus.RECEIVED and fb.text


def test_workflow_allows_only_legal_transitions(store: SqlFeedbackStore) -> None:
    fid = store.add(feedback_in()).feedback.id
    with pytest.raises(Conflict):
        store.change_status(fid, FeedbackStatus.RESOLVED, "staff:an", None)
    store.save_annotation(fid, annotation(), FeedbackStatus.ROUTED, "system:router")
    store.change_status(fid, FeedbackStatus.IN_PROGRESS, "staff:an", "đã tiếp nhận")
    fb = store.change_status(fid, FeedbackStatus.RESOLVED, "staff:an", "đã khơi thông cống")
    assert [e.to_status for e in fb.events] == ["received", "routed", "in_progress", "resolved"]
    assert fb.events[-1].reason == "đã khơi thông cống"
    assert fb.events[-1].from_status == "in_progress"


def test_missing_feedback_is_not_found(store: SqlFeedbackStore) -> None:
    with pytest.raises(NotFound):
        store.get(999)
    with pytest.raises(NotFound):
        store.get_by_reference("PA-2026-999999")


def test_find_filters_and_pages(store: SqlFeedbackStore) -> None:
    base = datetime(2026, 11, 1, 9, 0, tzinfo=LOCAL_TZ)
    ids = []
    for i in range(5):
        fid = store.add(feedback_in(f"f-{i}", received_at=base + timedelta(days=i))).feedback.id
        ids.append(fid)
    store.save_annotation(
        ids[0], annotation("thoat_nuoc", ward="Hiệp Bình"), FeedbackStatus.ROUTED, "r"
    )
    store.save_annotation(
        ids[1], annotation("tieng_on", ward="An Khánh"), FeedbackStatus.NEEDS_TRIAGE, "r"
    )

    assert store.find(FeedbackQuery(status=FeedbackStatus.NEEDS_TRIAGE)).items[0].id == ids[1]
    assert [f.id for f in store.find(FeedbackQuery(category="thoat_nuoc")).items] == [ids[0]]
    assert [f.id for f in store.find(FeedbackQuery(ward="An Khánh")).items] == [ids[1]]
    window = FeedbackQuery(
        received_from=base + timedelta(days=1), received_to=base + timedelta(days=3)
    )
    assert [f.id for f in store.find(window).items] == [ids[2], ids[1]]
    page = store.find(FeedbackQuery(limit=2, offset=2))
    assert page.total == 5
    assert [f.id for f in page.items] == [ids[2], ids[1]]


def test_mark_duplicate_links_to_the_first_report_and_records_it(store: SqlFeedbackStore) -> None:
    first = store.add(feedback_in("d1")).feedback
    second = store.add(feedback_in("d2")).feedback
    third = store.add(feedback_in("d3")).feedback
    fb = store.mark_duplicate(second.id, first.id, "staff:an", "cùng vụ ngập")
    assert fb.duplicate_of == first.id
    assert fb.status is FeedbackStatus.RECEIVED
    assert fb.events[-1].reason == f"duplicate of {first.reference}: cùng vụ ngập"
    # A duplicate of a duplicate points at the first report, never at a chain.
    assert store.mark_duplicate(third.id, second.id, "staff:an", None).duplicate_of == first.id
    with pytest.raises(Conflict):
        store.mark_duplicate(first.id, second.id, "staff:an", None)
    with pytest.raises(NotFound):
        store.mark_duplicate(first.id, 999, "staff:an", None)


def test_annotation_fields_and_vector_are_stored(store: SqlFeedbackStore) -> None:
    fid = store.add(feedback_in("v1")).feedback.id
    vec = np.zeros(8, dtype=np.float32)
    vec[2] = 1.0
    ann = replace(annotation(ward="Hiệp Bình"), embedding=vec, embedding_model="test-e5")
    store.save_annotation(fid, ann, FeedbackStatus.ROUTED, "system:router")
    fb = store.get(fid)
    assert (fb.sentiment, fb.toxicity, fb.urgency) == ("negative", "clean", "high")
    assert (fb.is_spam, fb.is_relevant) == (False, True)
    assert fb.public_text == "Đường ngập, gọi [số điện thoại]"
    since = datetime(2026, 11, 1, tzinfo=LOCAL_TZ)
    [stored] = store.vectors_since(since, open_only=True, ward="Hiệp Bình")
    assert stored.feedback_id == fid and stored.vector[2] == pytest.approx(1.0)
    assert store.vectors_since(since, open_only=True, ward="An Khánh") == []
    store.change_status(fid, FeedbackStatus.IN_PROGRESS, "staff", None)
    store.change_status(fid, FeedbackStatus.RESOLVED, "staff", None)
    assert store.vectors_since(since, open_only=True) == []
    assert len(store.vectors_since(since, open_only=False)) == 1


def test_vectors_of_one_model_are_read_apart(store: SqlFeedbackStore) -> None:
    # e5's name with the text it read is 52 characters: more than the column once held
    long_name = "multilingual-e5-small/onnx-int8-t128/places-blanked"
    for mid, model, width in (("m1", long_name, 384), ("m2", "lexical-char-hash-1024", 1024)):
        fid = store.add(feedback_in(mid)).feedback.id
        ann = replace(annotation(), embedding=np.ones(width, np.float32), embedding_model=model)
        store.save_annotation(fid, ann, FeedbackStatus.ROUTED, "system:router")
    since = datetime(2026, 11, 1, tzinfo=LOCAL_TZ)
    [e5] = store.vectors_since(since, open_only=True, model=long_name)
    assert e5.vector.shape == (384,)
    assert e5.text == "duong ngap, goi [so dien thoai]"  # the folded redacted text
    assert store.vectors_since(since, open_only=True, model="other") == []


def test_vectors_of_reports_without_a_ward_are_read_apart(store: SqlFeedbackStore) -> None:
    for mid, ward in (("w1", "Hiệp Bình"), ("w2", None)):
        fid = store.add(feedback_in(mid)).feedback.id
        ann = replace(annotation(ward=ward), embedding=np.ones(4, np.float32))
        store.save_annotation(fid, ann, FeedbackStatus.ROUTED, "system:router")
    since = datetime(2026, 11, 1, tzinfo=LOCAL_TZ)
    [unplaced] = store.vectors_since(since, open_only=True, without_ward=True)
    assert unplaced.ward is None
    assert len(store.vectors_since(since, open_only=True)) == 2


def test_duplicate_candidates_are_replaced_not_accumulated(store: SqlFeedbackStore) -> None:
    a, b, c = (store.add(feedback_in(f"dc{i}")).feedback for i in range(3))
    store.save_duplicate_candidates(c.id, [(a.id, 0.93), (b.id, 0.91)])
    store.save_duplicate_candidates(c.id, [(b.id, 0.95)])
    [only] = store.duplicate_candidates(c.id)
    assert (only.candidate_id, only.candidate_reference, only.state) == (
        b.id,
        b.reference,
        "proposed",
    )
    assert only.score == pytest.approx(0.95)


def test_public_text_is_never_the_raw_text(store: SqlFeedbackStore) -> None:
    fb = store.add(feedback_in("raw", text="Gọi tôi 0909123456")).feedback
    assert "0909123456" not in fb.public_text
