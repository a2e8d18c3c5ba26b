"""Officials' questions answered from the aggregates, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.accounts import Principal, Role
from core.errors import Forbidden, InvalidInput
from core.reference import ReferenceData
from core.types import LOCAL_TZ
from services.alerts import AlertService
from services.analytics import AnalyticsService
from services.analytics_texts_vi import SUGGESTIONS
from stores.sql.alert_store import SqlAlertStore
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.db import Database
from tests.analytics_factories import add_reports, at, daily, report

NOW = datetime(2026, 11, 27, 10, tzinfo=LOCAL_TZ)  # a Friday: this week is 23–27/11
PNG = b"\x89PNG\r\n\x1a\n"
OFFICIAL = Principal("account", 1, "hoa", Role.OFFICIAL)


def build(db: Database, reference: ReferenceData) -> AnalyticsService:
    store = SqlAnalyticsStore(db)
    alerts = AlertService(store, store, SqlAlertStore(db), reference)
    return AnalyticsService(store, alerts, reference, clock=lambda: NOW)


@pytest.fixture
def service(database: Database, reference: ReferenceData) -> AnalyticsService:
    add_reports(database, [
        report(at(2026, 11, 23), reference="PA-2026-000001"),
        report(at(2026, 11, 26), reference="PA-2026-000002", ward="Linh Xuân", channel="web"),
        report(at(2026, 11, 27, 8), reference="PA-2026-000003", sentiment="neutral",
               redacted_text="Hẻm 50 đường số 4 ngập " + "rất sâu " * 40),
        report(at(2026, 11, 20), reference="PA-2026-000004"),  # last week
        report(at(2026, 11, 24), category="moi_truong", ward="Linh Xuân", sentiment="positive"),
        report(at(2026, 10, 10), category="moi_truong"),
        *daily(at(2026, 10, 1), 2, 2),  # 4 flooding reports in October
    ])  # fmt: skip
    analytics = build(database, reference)
    analytics.rebuild_aggregates()
    return analytics


def test_the_demo_question_is_understood_and_answered(service: AnalyticsService) -> None:
    answer = service.ask(OFFICIAL, "tuần này có bao nhiêu phản ánh về ngập nước?")
    assert answer.answered
    assert answer.understood == ("Số phản ánh về Ngập nước, thoát nước, tuần này (23/11–27/11)")
    assert answer.headline == "Có 3 phản ánh."
    assert answer.query["period"] == "this_week" and answer.query["start"] == "2026-11-23"
    assert [r["total"] for r in answer.rows] == [1, 0, 0, 1, 1]
    assert answer.chart_png is not None and answer.chart_png.startswith(PNG)
    refs = [e.reference for e in answer.examples]
    assert refs == ["PA-2026-000003", "PA-2026-000002", "PA-2026-000001"]
    assert answer.examples[0].url == "/staff/cases/PA-2026-000003"
    assert len(answer.examples[0].snippet) <= 161 and answer.examples[0].snippet.endswith("…")
    assert answer.default_window is None


def test_without_a_time_the_default_window_is_said(service: AnalyticsService) -> None:
    answer = service.ask(OFFICIAL, "có bao nhiêu phản ánh về ngập nước ở Hiệp Bình?",
                         chart=False)  # fmt: skip
    assert answer.headline == "Có 3 phản ánh."  # 23/11, 27/11, 20/11; not October
    assert answer.understood.startswith("Số phản ánh về Ngập nước, thoát nước ở phường Hiệp Bình")
    assert answer.default_window == (
        "Câu hỏi không nêu thời gian nên tôi tính 30 ngày qua (29/10–27/11)."
    )
    assert answer.chart_png is None


def test_a_question_it_cannot_answer_gets_examples_that_work(service: AnalyticsService) -> None:
    answer = service.ask(OFFICIAL, "thời tiết hôm nay thế nào?")
    assert not answer.answered
    assert answer.understood == "Tôi chưa trả lời được câu hỏi này."
    assert 3 <= len(answer.suggestions) <= 5
    assert all(service.ask(OFFICIAL, s, chart=False).answered for s in SUGGESTIONS)
    assert not service.ask(OFFICIAL, "   ").answered


def test_trend_compares_with_the_previous_period(service: AnalyticsService) -> None:
    answer = service.ask(OFFICIAL, "số phản ánh ngập nước tháng này so với tháng trước")
    assert answer.understood.endswith("tháng này (01/11–27/11) so với kỳ trước (01/10–27/10)")
    assert answer.headline == "Không đổi: 4 phản ánh, bằng kỳ trước (01/10–27/10)."
    assert [r["total"] for r in answer.rows] == [4, 4]
    week = service.ask(OFFICIAL, "tuần này có bao nhiêu phản ánh ngập nước so với tuần trước?")
    assert week.headline == "Tăng 200%: 3 phản ánh so với 1 của kỳ trước (16/11–20/11)."


def test_count_with_comparison_gives_the_change(service: AnalyticsService) -> None:
    answer = service.ask(OFFICIAL, "số phản ánh ngập nước quý 4 cùng kỳ")
    assert answer.query["comparison"] == "same_period_last_year", answer.query
    assert answer.headline == "Có 8 phản ánh."
    assert answer.details == ["Cùng kỳ năm trước (01/10/2025–27/11/2025) không có phản ánh nào."]


def test_rankings_shares_and_sentiment(service: AnalyticsService) -> None:
    wards = service.ask(OFFICIAL, "phường nào có nhiều phản ánh nhất tháng này?", chart=False)
    assert wards.headline == "Nhiều nhất: Hiệp Bình (3), Linh Xuân (2)."
    assert [r["ward"] for r in wards.rows] == ["Hiệp Bình", "Linh Xuân"]
    share = service.ask(OFFICIAL, "tỷ lệ phản ánh qua web tháng này", chart=False)
    assert share.headline == "Chiếm 20% (1/5 phản ánh)."
    mood = service.ask(OFFICIAL, "tỷ lệ phản ánh tiêu cực tuần này", chart=False)
    assert mood.headline == "2/4 phản ánh mang sắc thái tiêu cực (50%)."
    assert mood.details == ["Trung tính: 1, tích cực: 1, chưa xác định: 0."]
    kinds = service.ask(OFFICIAL, "lĩnh vực nào nhiều phản ánh nhất tuần này")
    assert kinds.headline == "Nhiều nhất: Ngập nước, thoát nước (3), Môi trường, rác thải (1)."


def test_overdue_for_officials_and_for_a_department(
    database: Database, reference: ReferenceData
) -> None:
    due = NOW - timedelta(days=3)
    add_reports(database, [
        report(at(2026, 11, 1), reference="PA-2026-000301", due_at=due),
        report(at(2026, 11, 2), reference="PA-2026-000302", due_at=due, department="cong_an"),
    ])  # fmt: skip
    service = build(database, reference)
    answer = service.ask(OFFICIAL, "hiện có bao nhiêu phản ánh quá hạn xử lý?")
    assert answer.headline == "Có 2 phản ánh đang quá hạn xử lý."
    assert answer.rows[0]["days_late"] == 3 and answer.default_window is None
    police = Principal("account", 2, "an", Role.DEPARTMENT, department="cong_an")
    theirs = service.ask(police, "hiện có bao nhiêu phản ánh quá hạn xử lý?")
    assert theirs.headline == "Có 1 phản ánh đang quá hạn xử lý."
    assert [e.reference for e in theirs.examples] == ["PA-2026-000302"]


def test_department_accounts_see_city_numbers_but_only_their_cases(
    service: AnalyticsService,
) -> None:
    police = Principal("account", 2, "an", Role.DEPARTMENT, department="cong_an")
    answer = service.ask(police, "tuần này có bao nhiêu phản ánh về ngập nước?")
    assert answer.headline == "Có 3 phản ánh." and answer.examples == []


def test_access_and_limits(service: AnalyticsService) -> None:
    with pytest.raises(Forbidden):
        service.ask(Principal("api_client", 1, "portal", Role.API), "tuần này có bao nhiêu?")
    with pytest.raises(InvalidInput):
        service.ask(OFFICIAL, "phản ánh " * 100)
    with pytest.raises(InvalidInput):
        service.dashboard(OFFICIAL, days=0)


def test_dashboard_data(service: AnalyticsService) -> None:
    board = service.dashboard(OFFICIAL, days=30)
    assert board.period.start == date(2026, 10, 29) and len(board.series) == 30
    assert board.total.total == 5
    assert dict((w, c.total) for w, c in board.by_ward) == {"Hiệp Bình": 3, "Linh Xuân": 2}
    assert [c for c, _ in board.by_category] == ["thoat_nuoc", "moi_truong"]
    assert len(board.sentiment_weekly) == 12
    assert board.sentiment_weekly[-1][0] == date(2026, 11, 23)
    assert board.sentiment_weekly[-1][1].total == 4
    data = board.to_dict()
    assert data["overdue_count"] == 0 and data["by_ward"][0]["ward"] == "Hiệp Bình"
    assert service.volume_chart_png(board).startswith(PNG)
    assert service.sentiment_chart_png(board).startswith(PNG)


def test_a_wide_dashboard_takes_its_weeks_from_its_own_days(service: AnalyticsService) -> None:
    narrow, wide = service.dashboard(OFFICIAL, days=30), service.dashboard(OFFICIAL, days=90)
    assert wide.sentiment_weekly == narrow.sentiment_weekly  # read apart for 30 days
    assert wide.total.total == 10 and len(wide.series) == 90
    assert wide.total.total == sum(c.total for _, c in wide.series)
    assert dict((k, c.total) for k, c in wide.by_category) == {"thoat_nuoc": 8, "moi_truong": 2}


def test_ward_map_draws_each_ward(service: AnalyticsService, reference: ReferenceData) -> None:
    svg = service.ward_map_svg({"Hiệp Bình": 4, "Linh Xuân": 2}, title="Phản ánh <30 ngày>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<path ") == len(reference.wards) == 12
    assert 'data-ward="Hiệp Bình"' in svg and 'data-value="4"' in svg
    assert "<title>Hiệp Bình: 4 phản ánh</title>" in svg
    assert "Phản ánh &lt;30 ngày&gt;" in svg  # escaped


def test_forecast_follows_a_weekly_pattern(database: Database, reference: ReferenceData) -> None:
    weekdays = [6, 6, 6, 6, 6, 1, 1]  # busy weekdays, quiet weekends
    start = at(2026, 8, 3)  # a Monday, 116 days before 27/11
    rows = [report(start + timedelta(days=d, minutes=m), category="giao_thong")
            for d in range(116) for m in range(weekdays[d % 7])]  # fmt: skip
    add_reports(database, rows)
    service = build(database, reference)
    service.rebuild_aggregates()
    forecast = service.forecast("giao_thong")
    assert [p.day.weekday() for p in forecast.points] == [4, 5, 6, 0, 1, 2, 3]
    values = [round(p.value) for p in forecast.points]
    assert values[0] == 6 and values[1] == 1 and values[3] == 6
    assert all(p.low <= p.value <= p.high for p in forecast.points)
    assert forecast.backtest.weeks == 4
    assert forecast.backtest.mae is not None and forecast.backtest.mae < 0.8
    assert len(forecast.actuals) == 28
    assert service.forecast_chart_png(forecast).startswith(PNG)
    with pytest.raises(InvalidInput):
        service.forecast("no_such_category")
