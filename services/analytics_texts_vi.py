"""The Vietnamese texts of analytics answers, charts and alerts: the one catalogue to edit.

>>> text("understood.count", filters=" về Ngập nước", period="tuần này (23/11–27/11)")
'Số phản ánh về Ngập nước, tuần này (23/11–27/11)'
>>> vi_percent(0.235)
'23,5%'
"""

from __future__ import annotations

from datetime import date

TEXTS: dict[str, str] = {
    # How the question was understood ({filters} starts with a space or is empty).
    "understood.count": "Số phản ánh{filters}, {period}",
    "understood.share": "Tỷ lệ phản ánh{subject} trong tổng số phản ánh{rest}, {period}",
    "understood.sentiment": "Mức độ tiêu cực của phản ánh{filters}, {period}",
    "understood.top_wards": "Các phường có nhiều phản ánh nhất{filters}, {period}",
    "understood.top_categories": "Các lĩnh vực có nhiều phản ánh nhất{filters}, {period}",
    "understood.trend": "Xu hướng số phản ánh{filters}, {period} so với {previous}",
    "understood.overdue": "Số phản ánh đang quá hạn xử lý{filters}",
    "understood.overdue_period": "Số phản ánh quá hạn xử lý{filters}, tiếp nhận {period}",
    "filter.category": " về {name}",
    "filter.ward": " ở phường {name}",
    "filter.channel": " qua {name}",
    "default_window": "Câu hỏi không nêu thời gian nên tôi tính {period}.",
    # Headlines and details.
    "count.headline": "Có {total} phản ánh.",
    "count.none": "Không có phản ánh nào.",
    "compare.more": "So với {previous}: {count} phản ánh, tăng {change}.",
    "compare.less": "So với {previous}: {count} phản ánh, giảm {change}.",
    "compare.same": "So với {previous}: không đổi ({count} phản ánh).",
    "compare.from_zero": "{previous} không có phản ánh nào.",
    "share.headline": "Chiếm {share} ({part}/{whole} phản ánh).",
    "share.none": "Không có phản ánh nào trong kỳ này để tính tỷ lệ.",
    "sentiment.headline": "{negative}/{total} phản ánh mang sắc thái tiêu cực ({share}).",
    "sentiment.detail": "Trung tính: {neutral}, tích cực: {positive}, chưa xác định: {unknown}.",
    "top.headline": "Nhiều nhất: {items}.",
    "top.item": "{name} ({total})",
    "top.unknown": "{count} phản ánh chưa xác định được {what}.",
    "trend.up": "Tăng {change}: {current} phản ánh so với {previous_count} của {previous}.",
    "trend.down": "Giảm {change}: {current} phản ánh so với {previous_count} của {previous}.",
    "trend.flat": "Không đổi: {current} phản ánh, bằng {previous}.",
    "trend.from_zero": "{current} phản ánh; {previous} không có phản ánh nào.",
    "overdue.headline": "Có {count} phản ánh đang quá hạn xử lý.",
    "overdue.none": "Không có phản ánh nào quá hạn xử lý.",
    "overdue.by_category": "Theo lĩnh vực: {items}.",
    "overdue.example": "{reference}: quá hạn {days} ngày",
    # Questions it cannot answer.
    "unanswered": "Tôi chưa trả lời được câu hỏi này.",
    "unanswered.hint": "Tôi trả lời được các câu hỏi thống kê như:",
    # Alerts sent to officials' chats.
    "alert.volume": (
        "⚠️ Phản ánh tăng đột biến: {category} {place} ngày {day} có {observed} phản ánh, "
        "gấp {ratio} lần mức thường ({expected}/ngày trong {baseline} ngày trước)."
    ),
    "alert.volume_new": (
        "⚠️ Phản ánh tăng đột biến: {category} {place} ngày {day} có {observed} phản ánh, "
        "trong khi {baseline} ngày trước đó chỉ có {baseline_total}."
    ),
    "alert.negative_share": (
        "⚠️ Phản ánh tiêu cực tăng đột biến: {category} {place} ngày {day}, {negative}/{total} "
        "phản ánh tiêu cực ({share}), mức thường {baseline_share}."
    ),
    "alert.examples": "Ví dụ: {references}.",
    "alert.place.ward": "ở phường {ward}",
    "alert.place.city": "trên toàn địa bàn",
    # Chart titles and axes.
    "chart.per_day": "Số phản ánh theo ngày",
    "chart.per_week": "Số phản ánh theo tuần",
    "chart.per_month": "Số phản ánh theo tháng",
    "chart.by_ward": "Số phản ánh theo phường",
    "chart.by_category": "Số phản ánh theo lĩnh vực",
    "chart.by_channel": "Số phản ánh theo kênh",
    "chart.negative_share": "Tỷ lệ phản ánh tiêu cực",
    "chart.overdue": "Phản ánh quá hạn theo lĩnh vực",
    "chart.count": "Số phản ánh",
    "chart.current": "Kỳ này",
    "chart.previous": "Kỳ trước",
    "chart.actual": "Thực tế",
    "chart.forecast": "Dự báo 7 ngày",
    "chart.forecast_title": "Dự báo: {name}",
    "chart.negative": "Tiêu cực",
    "chart.backtest": "Sai số trên {weeks} tuần đã qua: MAE {mae}/ngày, MAPE {mape}",
    "chart.no_backtest": "Chưa đủ dữ liệu để đo sai số",
    "chart.volume": "Số phản ánh {days} ngày qua",
    "chart.other": "Khác",
    "unknown.ward": "phường",
    "unknown.category": "lĩnh vực",
    "unknown.name": "(chưa xác định)",
    "all_categories": "Tất cả lĩnh vực",
}

PERIOD_NAMES: dict[str, str] = {
    "today": "hôm nay", "yesterday": "hôm qua", "this_week": "tuần này",
    "last_week": "tuần trước", "this_month": "tháng này", "last_month": "tháng trước",
    "last_7_days": "7 ngày qua", "last_30_days": "30 ngày qua", "this_year": "năm nay",
}  # fmt: skip

CHANNEL_NAMES: dict[str, str] = {
    "telegram": "Telegram", "zalo": "Zalo", "web": "cổng thông tin", "api": "API",
    "social": "mạng xã hội", "import": "dữ liệu nhập",
}  # fmt: skip

SUGGESTIONS: tuple[str, ...] = (
    "Tuần này có bao nhiêu phản ánh về ngập nước?",
    "Phường nào có nhiều phản ánh nhất tháng này?",
    "Tỷ lệ phản ánh tiêu cực tháng trước là bao nhiêu?",
    "Số phản ánh về rác thải tháng này so với tháng trước thế nào?",
    "Hiện có bao nhiêu phản ánh quá hạn xử lý?",
)


def text(key: str, **values: object) -> str:
    return TEXTS[key].format(**values)


def vi_number(value: float, decimals: int = 1) -> str:
    """1234.5 → '1.234,5' (Vietnamese groups thousands with dots, decimals with a comma)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    raw = f"{value:,.{decimals}f}"
    return raw.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vi_percent(share: float) -> str:
    return vi_number(round(share * 100, 1)) + "%"


def short_day(day: date, today: date) -> str:
    """'27/11' this year, '27/11/2025' another year."""
    return day.strftime("%d/%m") if day.year == today.year else day.strftime("%d/%m/%Y")


def day_range(start: date, end: date, today: date) -> str:
    if start == end:
        return short_day(start, today)
    return f"{short_day(start, today)}–{short_day(end, today)}"
