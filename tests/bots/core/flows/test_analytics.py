"""Officials' statistics: refused to others, answered with a chart for linked officials."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bots.core.dialogue import DialogueEngine
from bots.core.messages_vi import say
from core.reference import ReferenceData
from core.types import LOCAL_TZ
from services.alerts import AlertService
from services.analytics import AnalyticsService
from stores.sql.alert_store import SqlAlertStore
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.db import Database
from tests.analytics_factories import add_reports, report
from tests.bots.support import Chat, text_of

NOW = datetime(2026, 11, 27, 10, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    "question",
    ["tuần này có bao nhiêu phản ánh ngập nước?", "thong ke phan anh thang nay", "/thongke"],
)
def test_an_unlinked_user_is_refused_politely(chat: Chat, question: str) -> None:
    assert text_of(chat.say(question)) == say("analytics.not_linked")


class LinkedOfficials:
    """This test's user is a linked official."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def is_linked_official(self, channel: str, user_id: str) -> bool:
        return user_id == self.user_id


@pytest.fixture
def analytics(sqlite_db: Database, reference: ReferenceData) -> AnalyticsService:
    add_reports(sqlite_db, [
        report(NOW - timedelta(days=1), reference="PA-2026-000501"),
        report(NOW - timedelta(hours=2), reference="PA-2026-000502"),
        report(NOW - timedelta(days=9), reference="PA-2026-000503"),
    ])  # fmt: skip
    store = SqlAnalyticsStore(sqlite_db)
    alerts = AlertService(store, store, SqlAlertStore(sqlite_db), reference)
    service = AnalyticsService(store, alerts, reference, clock=lambda: NOW)
    service.rebuild_aggregates()
    return service


@pytest.fixture
def official(new_engine: Callable[..., DialogueEngine], analytics: AnalyticsService) -> Chat:
    """A new linked official per test (updates are deduplicated by user and number)."""
    user = f"official-{uuid.uuid4().hex[:8]}"
    engine = new_engine(officials=LinkedOfficials(user), analytics=analytics, clock=lambda: NOW)
    return Chat(engine, user_id=user)


def test_a_linked_official_gets_the_answer_and_its_chart(official: Chat) -> None:
    [reply] = official.say("tuần này có bao nhiêu phản ánh về ngập nước?")
    assert reply.text.startswith(
        "Dạ, số phản ánh về Ngập nước, thoát nước, tuần này (23/11–27/11):\nCó 2 phản ánh."
    )
    assert "• PA-2026-000502: Đường ngập sâu" in reply.text
    assert "PA-2026-000503" not in reply.text  # last week
    assert reply.image_png is not None and reply.image_png.startswith(b"\x89PNG")


def test_a_question_it_cannot_answer_lists_examples(official: Chat) -> None:
    [reply] = official.say("/thongke")
    assert reply.text.startswith("Dạ, em chưa trả lời được câu hỏi này.")
    assert "• Tuần này có bao nhiêu phản ánh về ngập nước?" in reply.text
    assert reply.image_png is None


def test_without_the_service_officials_hear_it_is_unavailable(
    new_engine: Callable[..., DialogueEngine],
) -> None:
    user = f"official-{uuid.uuid4().hex[:8]}"
    chat = Chat(new_engine(officials=LinkedOfficials(user)), user_id=user)
    assert text_of(chat.say("thống kê phản ánh tháng này")) == say("analytics.unavailable")
