"""The list filters Open311 needs (several statuses, categories, references, a message id),
on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from core.types import Channel, FeedbackQuery, FeedbackStatus
from stores.sql.feedback_store import SqlFeedbackStore
from tests.factories import annotation, feedback_in

# message id, category, status it ends in (received → routed → ...)
ROWS = [
    ("o311-a", "thoat_nuoc", FeedbackStatus.ROUTED),
    ("o311-b", "moi_truong", FeedbackStatus.IN_PROGRESS),
    ("o311-c", "thoat_nuoc", FeedbackStatus.RESOLVED),
    ("o311-d", "tieng_on", FeedbackStatus.REJECTED),
]
_PATH = {
    FeedbackStatus.ROUTED: (),
    FeedbackStatus.IN_PROGRESS: (FeedbackStatus.IN_PROGRESS,),
    FeedbackStatus.RESOLVED: (FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED),
    FeedbackStatus.REJECTED: (FeedbackStatus.REJECTED,),
}


@pytest.fixture
def refs(store: SqlFeedbackStore) -> dict[str, str]:
    """The rows an hour apart, in the order listed; message id → reference."""
    found = {}
    for hour, (mid, category, status) in enumerate(ROWS):
        item = feedback_in(mid, f"Phản ánh {mid}")
        fb = store.add(replace(item, received_at=item.received_at + timedelta(hours=hour)))
        fid = fb.feedback.id
        store.save_annotation(fid, annotation(category), FeedbackStatus.ROUTED, "system:test")
        for step in _PATH[status]:
            store.change_status(fid, step, "staff:lan", None)
        found[mid] = fb.feedback.reference
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (FeedbackQuery(statuses=(FeedbackStatus.RESOLVED, FeedbackStatus.REJECTED)),
         ["o311-d", "o311-c"]),
        (FeedbackQuery(categories=("thoat_nuoc", "tieng_on")), ["o311-d", "o311-c", "o311-a"]),
        (FeedbackQuery(categories=("thoat_nuoc",), statuses=(FeedbackStatus.ROUTED,)),
         ["o311-a"]),
        (FeedbackQuery(channel=Channel.API, channel_message_id="o311-b"), ["o311-b"]),
        (FeedbackQuery(channel_message_id="o311-z"), []),
        (FeedbackQuery(status=FeedbackStatus.IN_PROGRESS, categories=("moi_truong",)),
         ["o311-b"]),
    ],
    ids=["closed", "categories", "category-and-status", "message-id", "no-such-id", "old-status"],
)  # fmt: skip
def test_find_by_several_statuses_categories_and_message_id(
    store: SqlFeedbackStore, refs: dict[str, str], query: FeedbackQuery, expected: list[str]
) -> None:
    page = store.find(query)
    assert [f.reference for f in page.items] == [refs[m] for m in expected]
    assert page.total == len(expected)


def test_find_by_references_ignores_their_case(
    store: SqlFeedbackStore, refs: dict[str, str]
) -> None:
    wanted = (refs["o311-a"].lower(), refs["o311-c"], "PA-1999-000001")
    page = store.find(FeedbackQuery(references=wanted))
    assert [f.reference for f in page.items] == [refs["o311-c"], refs["o311-a"]]


def test_extra_priority_and_due_date_are_read_back(store: SqlFeedbackStore) -> None:
    item = replace(feedback_in("o311-e"), extra={"open311": {"media_url": "https://x.vn/1.jpg"}})
    created = store.add(item).feedback
    assert created.extra == {"open311": {"media_url": "https://x.vn/1.jpg"}}
    again = store.get(created.id)
    assert again.extra == created.extra
    assert (again.priority, again.due_at) == (None, None)
