"""The numbers of one answer, per metric: headline, details, rows and the chart to draw.

Every number comes from ``AggregateStore`` (the daily aggregates) or, for overdue cases, from
``CaseReader``; the query is a structure, so no text of the question ever reaches SQL.

    >>> computed = compute(AnswerContext(aggregates, cases, reference, today, now, None), query)
    >>> computed.headline
    'Có 12 phản ánh.'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from core.analytics import AnalyticsQuery, CaseExample, Counts, Dimension, Metric, Period
from core.analytics_ports import AggregateStore, CaseReader
from core.reference import ReferenceData
from services.analytics_query import category_name, period_label, previous_period, share_subject
from services.analytics_texts_vi import CHANNEL_NAMES, text, vi_number, vi_percent
from services.charts import BarChart

TOP_SHOWN = 5


@dataclass(frozen=True, slots=True)
class AnswerContext:
    aggregates: AggregateStore
    cases: CaseReader
    reference: ReferenceData
    today: date
    now: datetime
    departments: Sequence[str] | None  # None: every department's cases may be shown


@dataclass(slots=True)
class Computed:
    headline: str
    details: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart: BarChart | None = None
    examples: list[CaseExample] | None = None  # None: the newest cases of the slice


def compute(ctx: AnswerContext, query: AnalyticsQuery) -> Computed:
    return _METRICS[query.metric](ctx, query)


def buckets(period: Period, series: list[tuple[date, Counts]], size: str | None = None
            ) -> list[tuple[date, Counts]]:  # fmt: skip
    """Counts per day (≤ 62 days), per week (≤ 366 days) or per month (or per ``size``:
    "day", "week", "month"), zero-filled."""
    size = size or _bucket_size(period)
    by_start: dict[date, Counts] = {}
    for day in period.each_day():
        by_start.setdefault(_bucket_start(day, size), Counts())
    for day, counts in series:
        start = _bucket_start(day, size)
        by_start[start] = by_start.get(start, Counts()) + counts
    return sorted(by_start.items())


def _bucket_size(period: Period) -> str:
    return "day" if period.days <= 62 else "week" if period.days <= 366 else "month"


def _bucket_start(day: date, size: str) -> date:
    if size == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if size == "month" else day


def _bucket_title(period: Period) -> str:
    return text(f"chart.per_{_bucket_size(period)}")


def _label(day: date, period: Period) -> str:
    return day.strftime("%m/%Y") if _bucket_size(period) == "month" else day.strftime("%d/%m")


def _change(current: int, previous: int) -> str:
    return vi_percent(abs(current - previous) / previous)


def _count(ctx: AnswerContext, q: AnalyticsQuery) -> Computed:
    series = buckets(q.period, ctx.aggregates.series(q.period, q.slice))
    total = sum(c.total for _, c in series)
    headline = text("count.headline", total=vi_number(total)) if total else text("count.none")
    out = Computed(headline, rows=[{"day": d.isoformat(), **c.to_dict()} for d, c in series])
    overlay = None
    if q.comparison:
        before = previous_period(q)
        previous = ctx.aggregates.totals(before, q.slice).total
        out.details.append(_compare_line(total, previous, period_label(q, ctx.today, before)))
        overlay = [c.total for _, c in buckets(before, ctx.aggregates.series(before, q.slice))]
    out.chart = BarChart(_bucket_title(q.period), [_label(d, q.period) for d, _ in series],
                         [c.total for _, c in series], text("chart.count"),
                         overlay=overlay, overlay_label=text("chart.previous"),
                         values_label=text("chart.current"))  # fmt: skip
    return out


def _compare_line(current: int, previous: int, label: str) -> str:
    if previous == 0:
        return text("compare.from_zero", previous=_capital(label))
    key = "more" if current > previous else "less" if current < previous else "same"
    return text(f"compare.{key}", previous=label, count=vi_number(previous),
                change=_change(current, previous))  # fmt: skip


def _capital(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _trend(ctx: AnswerContext, q: AnalyticsQuery) -> Computed:
    before = previous_period(q)
    current = ctx.aggregates.totals(q.period, q.slice).total
    previous = ctx.aggregates.totals(before, q.slice).total
    label = period_label(q, ctx.today, before)
    values = {"current": vi_number(current), "previous": label,
              "previous_count": vi_number(previous)}  # fmt: skip
    if previous == 0:
        headline = text("trend.from_zero", current=vi_number(current), previous=label)
    elif current == previous:
        headline = text("trend.flat", **values)
    else:
        key = "trend.up" if current > previous else "trend.down"
        headline = text(key, change=_change(current, previous), **values)
    out = _count(ctx, q)
    out.headline = headline
    out.details = []
    out.rows = [
        {"period": "current", "start": q.period.start.isoformat(),
         "end": q.period.end.isoformat(), "total": current},
        {"period": "previous", "start": before.start.isoformat(),
         "end": before.end.isoformat(), "total": previous},
    ]  # fmt: skip
    return out


def _share(ctx: AnswerContext, q: AnalyticsQuery) -> Computed:
    subject = share_subject(q.slice)
    if subject is None:
        return _top(ctx, q, Dimension.CATEGORY)
    part = ctx.aggregates.totals(q.period, q.slice).total
    rest = q.slice.without(subject)
    whole = ctx.aggregates.totals(q.period, rest).total
    if whole == 0:
        return Computed(text("share.none"))
    headline = text("share.headline", share=vi_percent(part / whole), part=vi_number(part),
                    whole=vi_number(whole))  # fmt: skip
    ranking = ctx.aggregates.breakdown(q.period, rest, subject)
    out = _ranking(ctx, ranking, subject, whole)
    out.headline = headline
    chosen = getattr(q.slice, subject.value)
    keys = [key for key, _ in ranking[:12]]
    if out.chart is not None and chosen in keys:
        out.chart = replace(out.chart, highlight=keys.index(chosen))
    return out


def _sentiment(ctx: AnswerContext, q: AnalyticsQuery) -> Computed:
    totals = ctx.aggregates.totals(q.period, q.slice)
    if not totals.total:
        return Computed(text("count.none"))
    unknown = totals.total - totals.negative - totals.neutral - totals.positive
    out = Computed(
        text("sentiment.headline", negative=vi_number(totals.negative),
             total=vi_number(totals.total), share=vi_percent(totals.negative_share or 0.0)),
        [text("sentiment.detail", neutral=vi_number(totals.neutral),
              positive=vi_number(totals.positive), unknown=vi_number(unknown))],
    )  # fmt: skip
    if q.comparison:
        before = previous_period(q)
        old = ctx.aggregates.totals(before, q.slice).negative_share
        if old is not None:
            out.details.append(f"{_capital(period_label(q, ctx.today, before))}: "
                               f"{vi_percent(old)}.")  # fmt: skip
    series = buckets(q.period, ctx.aggregates.series(q.period, q.slice))
    out.rows = [{"day": d.isoformat(), **c.to_dict()} for d, c in series]
    out.chart = BarChart(text("chart.negative_share"), [_label(d, q.period) for d, _ in series],
                         [c.negative_share or 0.0 for _, c in series], percent=True)  # fmt: skip
    return out


def _top(ctx: AnswerContext, q: AnalyticsQuery, by: Dimension) -> Computed:
    ranking = ctx.aggregates.breakdown(q.period, q.slice, by)
    whole = sum(c.total for _, c in ranking)
    if not whole:
        return Computed(text("count.none"))
    out = _ranking(ctx, ranking, by, whole)
    known = [(k, c) for k, c in ranking if k]
    items = [text("top.item", name=_name(ctx, by, k), total=vi_number(c.total))
             for k, c in known[:TOP_SHOWN]]  # fmt: skip
    out.headline = text("top.headline", items=", ".join(items))
    unknown = sum(c.total for k, c in ranking if not k)
    if unknown and by is not Dimension.CHANNEL:
        out.details.append(text("top.unknown", count=vi_number(unknown),
                                what=text(f"unknown.{by.value}")))  # fmt: skip
    return out


def _ranking(ctx: AnswerContext, ranking: list[tuple[str, Counts]], by: Dimension, whole: int
             ) -> Computed:  # fmt: skip
    known = [(k, c) for k, c in ranking if k]
    rows = [{by.value: k, "name": _name(ctx, by, k), "total": c.total,
             "share": round(c.total / whole, 4)} for k, c in known]  # fmt: skip
    shown = rows[:12]
    chart = BarChart(text(f"chart.by_{by.value}"), [r["name"] for r in shown],
                     [r["total"] for r in shown], text("chart.count"), horizontal=True)  # fmt: skip
    return Computed("", rows=rows, chart=chart)


def _overdue(ctx: AnswerContext, q: AnalyticsQuery) -> Computed:
    period = q.period if q.named_period else None
    count, cases = ctx.cases.overdue(ctx.now, q.slice, ctx.departments, period, limit=20)
    if not count:
        return Computed(text("overdue.none"), examples=[])
    out = Computed(text("overdue.headline", count=vi_number(count)), examples=cases[:5])
    out.rows = [_overdue_row(ctx, case) for case in cases]
    by_category = ctx.cases.overdue_by_category(ctx.now, ctx.departments)
    if not q.slice.category and period is None:
        items = [text("top.item", name=category_name(c, ctx.reference), total=n)
                 for c, n in by_category[:TOP_SHOWN]]  # fmt: skip
        out.details.append(text("overdue.by_category", items=", ".join(items)))
        out.chart = BarChart(text("chart.overdue"),
                             [category_name(c, ctx.reference) for c, _ in by_category[:12]],
                             [n for _, n in by_category[:12]], horizontal=True)  # fmt: skip
    return out


def _overdue_row(ctx: AnswerContext, case: CaseExample) -> dict[str, Any]:
    assert case.due_at is not None
    late = (ctx.now - case.due_at).days
    return {"reference": case.reference, "category": case.category, "ward": case.ward,
            "due_at": case.due_at.isoformat(), "days_late": late, "url": case.url}  # fmt: skip


def _name(ctx: AnswerContext, by: Dimension, key: str) -> str:
    if by is Dimension.CATEGORY:
        return category_name(key, ctx.reference)
    if by is Dimension.CHANNEL:
        return CHANNEL_NAMES.get(key, key)
    return key or text("unknown.name")


_METRICS: dict[Metric, Callable[[AnswerContext, AnalyticsQuery], Computed]] = {
    Metric.COUNT: _count,
    Metric.TREND: _trend,
    Metric.SHARE: _share,
    Metric.SENTIMENT: _sentiment,
    Metric.TOP_WARDS: lambda ctx, q: _top(ctx, q, Dimension.WARD),
    Metric.TOP_CATEGORIES: lambda ctx, q: _top(ctx, q, Dimension.CATEGORY),
    Metric.OVERDUE: _overdue,
}
