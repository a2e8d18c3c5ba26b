"""The officials' question parser: every metric, period form and ward name, with and without
diacritics."""

from __future__ import annotations

from datetime import date

import pytest

from core.reference import ReferenceData
from nlp.analytics_query import parse_analytics
from nlp.normalize import strip_diacritics

TODAY = date(2025, 11, 20)
REF = ReferenceData.load()


def both(text: str) -> list[str]:
    return [text, strip_diacritics(text)]


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("có bao nhiêu phản ánh ngập", "count"),
        ("tỷ lệ phản ánh về rác là bao nhiêu", "share"),
        ("tỷ lệ phản ánh tiêu cực là bao nhiêu", "sentiment"),
        ("người dân có hài lòng không", "sentiment"),
        ("phường nào nhiều phản ánh nhất", "top_wards"),
        ("lĩnh vực nào bị phản ánh nhiều nhất", "top_categories"),
        ("xu hướng phản ánh ngập thế nào", "trend"),
        ("có mấy phản ánh quá hạn", "overdue"),
    ],
)
def test_metric(text: str, metric: str) -> None:
    for t in both(text):
        assert parse_analytics(t, TODAY, REF)["metric"] == metric


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("hôm nay", "today"),
        ("hôm qua", "yesterday"),
        ("tuần này", "this_week"),
        ("tuần trước", "last_week"),
        ("tháng này", "this_month"),
        ("tháng trước", "last_month"),
        ("7 ngày qua", "last_7_days"),
        ("30 ngày gần đây", "last_30_days"),
        ("năm nay", "this_year"),
        ("tháng 10", "2025-10-01..2025-10-31"),
        ("tháng 12", "2024-12-01..2024-12-31"),
        ("tháng 2/2024", "2024-02-01..2024-02-29"),
        ("quý 3", "2025-07-01..2025-09-30"),
        ("quý IV năm 2024", "2024-10-01..2024-12-31"),
        ("quý này", "2025-10-01..2025-12-31"),
        ("năm ngoái", "2024-01-01..2024-12-31"),
        ("từ 1/10 đến 15/11", "2025-10-01..2025-11-15"),
        ("từ ngày 15/10 đến nay", "2025-10-15..2025-11-20"),
        ("ngày 5/11", "2025-11-05..2025-11-05"),
    ],
)
def test_period(text: str, period: str) -> None:
    for t in both(f"có bao nhiêu phản ánh {text}"):
        assert parse_analytics(t, TODAY, REF)["period"] == period


def test_named_month_in_future_is_last_year_and_range_wraps_new_year() -> None:
    today = date(2026, 2, 10)
    assert parse_analytics("tháng 11", today, REF)["period"] == "2025-11-01..2025-11-30"
    got = parse_analytics("từ 20/12 đến 10/1", today, REF)["period"]
    assert got == "2025-12-20..2026-01-10"


@pytest.mark.parametrize(
    ("text", "ward"),
    [
        ("phản ánh ở Hiệp Bình", "Hiệp Bình"),
        ("phản ánh ở Linh Trung", "Linh Xuân"),
        ("phản ánh ở Thảo Điền", "An Khánh"),
        ("phản ánh ở Long Trường", "Long Trường"),
        ("phản ánh ở Tăng Nhơn Phú B", "Tăng Nhơn Phú"),
        ("phản ánh ở phường Thủ Đức", "Thủ Đức"),
        ("phản ánh ở Linh Chiểu", "Thủ Đức"),
    ],
)
def test_ward_current_and_former_names(text: str, ward: str) -> None:
    for t in both(text):
        assert parse_analytics(t, TODAY, REF)["ward"] == ward


def test_the_former_city_is_no_ward() -> None:
    assert "ward" not in parse_analytics("phản ánh ở TP Thủ Đức hôm nay", TODAY, REF)


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("phản ánh qua Zalo", "zalo"),
        ("phản ánh qua Telegram", "telegram"),
        ("phản ánh gửi qua web", "web"),
        ("phản ánh qua API", "api"),
        ("phản ánh trên mạng xã hội", "social"),
    ],
)
def test_channel_and_no_category_from_channel_words(text: str, channel: str) -> None:
    for t in both(text):
        slots = parse_analytics(t, TODAY, REF)
        assert slots["channel"] == channel
        assert "category" not in slots


@pytest.mark.parametrize(
    "text",
    [
        "so sánh số phản ánh ngập tháng này với tháng trước",
        "phản ánh ngập tháng này tăng hay giảm so với tháng trước",
    ],
)
def test_compared_period_is_not_the_period(text: str) -> None:
    for t in both(text):
        assert parse_analytics(t, TODAY, REF) == {
            "metric": "trend",
            "category": "thoat_nuoc",
            "period": "this_month",
            "comparison": "previous_period",
        }


def test_same_period_last_year() -> None:
    slots = parse_analytics("phản ánh tháng 10 so với cùng kỳ năm ngoái", TODAY, REF)
    assert slots["comparison"] == "same_period_last_year"
    assert slots["period"] == "2025-10-01..2025-10-31"


def test_question_without_slots_gives_empty_dict() -> None:
    assert parse_analytics("xin chào", TODAY, REF) == {}
