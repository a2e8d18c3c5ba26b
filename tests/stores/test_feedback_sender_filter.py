"""Listing one sender's own feedback ("phản ánh của tôi" in the chatbot), on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from core.types import Channel, FeedbackQuery
from stores.sql.feedback_store import SqlFeedbackStore
from tests.factories import feedback_in

ALICE = "3f9c1a7e0b2d4c6e8f1a2b3c4d5e6f70"  # pseudonyms as intake stores them
BOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90"

SUBMISSIONS = [
    ("z-1", Channel.ZALO, ALICE, "Đường Võ Văn Ngân ngập sâu sau cơn mưa"),
    ("z-2", Channel.ZALO, BOB, "Rác chất đống trước chợ Thủ Đức"),
    ("t-1", Channel.TELEGRAM, ALICE, "Den duong hem 12 Le Van Viet bi hong"),
    ("z-3", Channel.ZALO, ALICE, "Cây xanh gãy đổ trên đường Kha Vạn Cân"),
    ("w-1", Channel.WEB, None, "Lấn chiếm vỉa hè đường Tô Vĩnh Diện"),
]


@pytest.fixture
def refs(store: SqlFeedbackStore) -> dict[str, str]:
    """Submissions an hour apart, in the order listed; message id → reference."""
    found = {}
    for hour, (mid, channel, sender, text) in enumerate(SUBMISSIONS):
        item = feedback_in(mid, text, channel=channel)
        item = replace(item, sender_id=sender, received_at=item.received_at + timedelta(hours=hour))
        found[mid] = store.add(item).feedback.reference
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (FeedbackQuery(sender_id=ALICE), ["z-3", "t-1", "z-1"]),
        (FeedbackQuery(sender_id=ALICE, channel=Channel.ZALO), ["z-3", "z-1"]),
        (FeedbackQuery(sender_id=ALICE, limit=1), ["z-3"]),
        (FeedbackQuery(sender_id=BOB), ["z-2"]),
        (FeedbackQuery(sender_id="0" * 32), []),
        (FeedbackQuery(), ["w-1", "z-3", "t-1", "z-2", "z-1"]),
    ],
    ids=["alice", "alice-zalo", "alice-latest", "bob", "nobody", "no-filter"],
)
def test_find_lists_only_the_senders_feedback_newest_first(
    store: SqlFeedbackStore, refs: dict[str, str], query: FeedbackQuery, expected: list[str]
) -> None:
    page = store.find(query)
    assert [f.reference for f in page.items] == [refs[m] for m in expected]
    assert all(query.sender_id in (None, f.sender_id) for f in page.items)


def test_total_counts_all_of_the_senders_feedback_beyond_the_page(
    store: SqlFeedbackStore, refs: dict[str, str]
) -> None:
    page = store.find(FeedbackQuery(sender_id=ALICE, limit=1))
    assert (page.total, len(page.items)) == (3, 1)
