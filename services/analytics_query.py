"""From the parser's slots to a computable query, and the periods it speaks of.

``nlp.analytics_query.parse_analytics`` gives strings; here they become a ``Metric``, a
``Slice`` and local-day ``Period``s, with the default window when no time is named and the
period a trend is compared with.

    >>> build_query({"metric": "count", "category": "thoat_nuoc", "period": "this_week"},
    ...             date(2026, 11, 27))
    AnalyticsQuery(metric=<Metric.COUNT: 'count'>, slice=Slice(category='thoat_nuoc', ...),
                   period=Period(start=datetime.date(2026, 11, 23), end=...(2026, 11, 27)), ...)
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.analytics import AnalyticsQuery, Dimension, Metric, Period, Slice
from core.errors import InvalidInput
from core.reference import ReferenceData
from core.text import fold
from services.analytics_texts_vi import CHANNEL_NAMES, PERIOD_NAMES, day_range, short_day, text

DEFAULT_WINDOW_DAYS = 30
_FILTERS = ("category", "ward", "channel")


def build_query(slots: dict[str, str], today: date, question: str = "") -> AnalyticsQuery | None:
    """The query, or None when the slots name nothing to count (not a statistics question).

    A bare "how many" ("mấy giờ rồi?") is a statistics question only when it speaks of
    reports; a metric such as "phường nào" or a category, ward or channel is enough."""
    metric = slots.get("metric")
    named = any(slots.get(k) for k in _FILTERS)
    if metric is None and not named:
        return None
    if metric == Metric.COUNT.value and not named and not _speaks_of_reports(question):
        return None
    try:
        chosen = Metric(metric or Metric.COUNT.value)
    except ValueError:
        return None
    where = Slice(slots.get("category"), slots.get("ward"), slots.get("channel"))
    key = slots.get("period")
    period = resolve_period(key, today) if key else None
    named = period is not None
    if period is None:
        period = Period(today - timedelta(days=DEFAULT_WINDOW_DAYS - 1), today)
        key = "last_30_days"
    comparison = slots.get("comparison")
    if chosen is Metric.TREND and comparison is None:
        comparison = "previous_period"
    return AnalyticsQuery(chosen, where, period, comparison, named, key)


_REPORT_WORDS = re.compile(
    r"\b(phan anh|kien nghi|thong ke|bao cao|so lieu|y kien|khieu nai|to giac|tin bao|vu viec)\b"
)


def _speaks_of_reports(question: str) -> bool:
    return bool(_REPORT_WORDS.search(fold(question)))


def resolve_period(value: str, today: date) -> Period | None:
    """A keyword or ``YYYY-MM-DD..YYYY-MM-DD``; periods reaching past today stop at today."""
    if ".." in value:
        try:
            first, last = (date.fromisoformat(v) for v in value.split("..", 1))
        except ValueError:
            return None
        if last < first:
            return None
        return Period(first, min(last, today)) if first <= today else Period(first, last)
    start = _KEYWORD_STARTS.get(value)
    if start is None:
        return None
    end = today - timedelta(days=1) if value == "yesterday" else today
    if value == "last_week":
        end = today - timedelta(days=today.weekday() + 1)
    if value == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
    return Period(start(today), end)


_KEYWORD_STARTS = {
    "today": lambda t: t,
    "yesterday": lambda t: t - timedelta(days=1),
    "this_week": lambda t: t - timedelta(days=t.weekday()),
    "last_week": lambda t: t - timedelta(days=t.weekday() + 7),
    "this_month": lambda t: t.replace(day=1),
    "last_month": lambda t: (t.replace(day=1) - timedelta(days=1)).replace(day=1),
    "last_7_days": lambda t: t - timedelta(days=6),
    "last_30_days": lambda t: t - timedelta(days=29),
    "this_year": lambda t: t.replace(month=1, day=1),
}


def previous_period(query: AnalyticsQuery) -> Period:
    """The period compared with: the week, month(s) or year before (as far into it as this
    one goes), as many days before, or the same days a year earlier ("cùng kỳ")."""
    period, key = query.period, query.period_key or ""
    if query.comparison == "same_period_last_year":
        return Period(_add_months(period.start, -12), _add_months(period.end, -12))
    months = _SHIFT_MONTHS.get(key) or _whole_months(_as_named(query))
    if months:
        end = _add_months(period.end, -months)
        if _is_month_end(period.end):
            end = _month_end(end)
        return Period(_add_months(period.start, -months), end)
    shift = timedelta(days=7 if key in ("this_week", "last_week") else period.days)
    return Period(period.start - shift, period.end - shift)


_SHIFT_MONTHS = {"this_month": 1, "last_month": 1, "this_year": 12}


def period_label(query: AnalyticsQuery, today: date, period: Period | None = None) -> str:
    """'tuần này (23/11–27/11)', 'tháng 10/2026', 'quý 3/2026', 'từ 01/10/2026 đến …'.

    ``period`` labels another period of the same kind (the one compared with)."""
    shown = period or _as_named(query)
    span = day_range(shown.start, shown.end, today)
    key = query.period_key or ""
    if period is None and key in PERIOD_NAMES:
        return f"{PERIOD_NAMES[key]} ({span})"
    if period is not None and query.comparison == "same_period_last_year":
        return f"cùng kỳ năm trước ({span})"
    if period is not None and key in PERIOD_NAMES:
        return f"kỳ trước ({span})"
    named = _named_label(shown)
    if period is None and query.period.end < shown.end:
        return f"{named} (đến {short_day(query.period.end, today)})"
    return named


def _named_label(shown: Period) -> str:
    whole = _whole_months(shown)
    if whole == 1:
        return f"tháng {shown.start.month}/{shown.start.year}"
    if whole == 3 and shown.start.month % 3 == 1:
        return f"quý {shown.start.month // 3 + 1}/{shown.start.year}"
    if whole == 12 and shown.start.month == 1:
        return f"năm {shown.start.year}"
    if shown.start == shown.end:
        return f"ngày {shown.start.strftime('%d/%m/%Y')}"
    return f"từ {shown.start.strftime('%d/%m/%Y')} đến {shown.end.strftime('%d/%m/%Y')}"


def default_window_text(query: AnalyticsQuery, today: date) -> str | None:
    if query.named_period or query.metric is Metric.OVERDUE:
        return None
    return text("default_window", period=period_label(query, today))


def _as_named(query: AnalyticsQuery) -> Period:
    """The period as the question named it, before it was cut at today."""
    key = query.period_key or ""
    if ".." not in key:
        return query.period
    first, last = (date.fromisoformat(v) for v in key.split("..", 1))
    return Period(first, last)


def _add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (earlier), or that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    first = date(year, month + 1, 1)
    return min(first + timedelta(days=day.day - 1), _month_end(first))


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def _whole_months(period: Period) -> int:
    """How many calendar months the period covers exactly (0 when it is not whole months)."""
    if period.start.day != 1 or not _is_month_end(period.end):
        return 0
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def filters_text(where: Slice, reference: ReferenceData) -> str:
    """' về Ngập nước, thoát nước ở phường Hiệp Bình qua Zalo' (empty without filters)."""
    parts = []
    if where.category:
        parts.append(text("filter.category", name=category_name(where.category, reference)))
    if where.ward:
        parts.append(text("filter.ward", name=where.ward))
    if where.channel:
        parts.append(text("filter.channel", name=CHANNEL_NAMES.get(where.channel, where.channel)))
    return "".join(parts)


def share_subject(where: Slice) -> Dimension | None:
    """What a share is the part of: the category, else the channel, else the ward."""
    for dimension in (Dimension.CATEGORY, Dimension.CHANNEL, Dimension.WARD):
        if getattr(where, dimension.value):
            return dimension
    return None


def understood_text(query: AnalyticsQuery, reference: ReferenceData, today: date) -> str:
    """How the question was read, in one Vietnamese sentence."""
    period = period_label(query, today)
    filters = filters_text(query.slice, reference)
    metric = query.metric
    if metric is Metric.OVERDUE:
        if query.named_period:
            return text("understood.overdue_period", filters=filters, period=period)
        return text("understood.overdue", filters=filters)
    if metric is Metric.TREND:
        previous = period_label(query, today, previous_period(query))
        return text("understood.trend", filters=filters, period=period, previous=previous)
    subject = share_subject(query.slice)
    if metric is Metric.SHARE and subject is not None:
        only = Slice(**{subject.value: getattr(query.slice, subject.value)})
        return text("understood.share", subject=filters_text(only, reference),
                    rest=filters_text(query.slice.without(subject), reference),
                    period=period)  # fmt: skip
    key = "count" if metric is Metric.SHARE else metric.value
    return text(f"understood.{key}", filters=filters, period=period)


def category_name(code: str, reference: ReferenceData) -> str:
    if not code:
        return text("unknown.name")
    try:
        return reference.category(code).name
    except InvalidInput:
        return code
