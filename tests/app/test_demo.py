"""The demo a new user meets: recent reports to triage, a right answer to the README's question.

Loads the whole demo (about 250 reports, annotated by the real pipeline), so it is slow.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from app.cli import DEMO_FILE
from app.container import Container
from app.demo import load_demo
from app.settings import Settings
from core.types import LOCAL_TZ, FeedbackQuery, FeedbackStatus

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    home: Path = tmp_path_factory.mktemp("demo")
    c = Container(Settings(home=home, environment="test"))
    c.start()
    report = load_demo(c, DEMO_FILE)
    assert report.created > 200 and not report.rejected
    yield c
    c.close()


def test_the_readme_question_gets_the_count_the_database_holds(demo: Container) -> None:
    today = datetime.now(LOCAL_TZ).date()
    start = datetime.combine(today - timedelta(days=today.weekday()), time(), LOCAL_TZ)
    this_week = demo.store.find(
        FeedbackQuery(category="thoat_nuoc", received_from=start, limit=500)
    )
    counted = [f for f in this_week.items if not f.is_spam and f.is_relevant is not False]
    assert counted

    answer = demo.analytics.ask(None, "tuần này có bao nhiêu phản ánh về ngập nước?")
    assert answer.answered and answer.chart_png and answer.chart_png.startswith(b"\x89PNG")
    assert answer.query["category"] == "thoat_nuoc" and answer.query["period"] == "this_week"
    assert f"Có {len(counted)} phản ánh" in answer.headline
    assert answer.examples


def test_there_are_vague_reports_waiting_for_triage(demo: Container) -> None:
    waiting = demo.store.find(FeedbackQuery(status=FeedbackStatus.NEEDS_TRIAGE))
    assert waiting.total >= 2
    assert all(f.confidence is not None and f.confidence < 0.45 for f in waiting.items)


def test_the_flooding_spike_of_today_is_alerted_once(demo: Container) -> None:
    first = demo.analytics.detect_spikes()
    again = demo.analytics.detect_spikes()
    assert any(a.category == "thoat_nuoc" for a in first) or any(
        a.category == "thoat_nuoc" for a in demo.analytics.alerts(None)
    )
    assert again == []
