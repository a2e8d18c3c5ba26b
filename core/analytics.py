"""Officials' analytics: the query an answer is computed from, what it answers, and the ports.

An official's question becomes an ``AnalyticsQuery`` (metric, a ``Slice`` of the data, a
``Period`` of local days); the numbers come from ``daily_aggregate`` (counts per local day ×
category × ward × channel, with sentiment) and, for example cases and overdue ones, from the
feedback itself. Nothing here knows SQL or Vietnamese sentences.

    >>> q = AnalyticsQuery(Metric.COUNT, Slice(category="thoat_nuoc"),
    ...                    Period(date(2026, 11, 23), date(2026, 11, 27)))
    >>> q.period.days
    5
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.types import LOCAL_TZ


class Metric(enum.StrEnum):
    """What a question asks for (the ``metric`` slot of ``nlp.analytics_query``)."""

    COUNT = "count"
    SHARE = "share"
    SENTIMENT = "sentiment"
    TOP_WARDS = "top_wards"
    TOP_CATEGORIES = "top_categories"
    TREND = "trend"
    OVERDUE = "overdue"


class Dimension(enum.StrEnum):
    """A column of ``daily_aggregate`` that numbers can be broken down by."""

    CATEGORY = "category"
    WARD = "ward"
    CHANNEL = "channel"


class AlertKind(enum.StrEnum):
    VOLUME = "volume"  # more reports than the baseline rate explains
    NEGATIVE_SHARE = "negative_share"  # a larger part of them negative than usual


#: Stored in place of an unknown category or ward (never a filter value).
UNKNOWN = ""


def local_day(at: datetime) -> date:
    """The day in Ho Chi Minh City of an instant: what aggregates are keyed by."""
    return at.astimezone(LOCAL_TZ).date()


def day_start(day: date) -> datetime:
    """The first instant of a local day (aware, Asia/Ho_Chi_Minh)."""
    return datetime.combine(day, time(), LOCAL_TZ)


@dataclass(frozen=True, slots=True)
class Slice:
    """Filters of a query; None means any value. Values are codes and canonical ward names."""

    category: str | None = None
    ward: str | None = None
    channel: str | None = None

    def without(self, dimension: Dimension) -> Slice:
        values = {d.value: getattr(self, d.value) for d in Dimension}
        values[dimension.value] = None
        return Slice(**values)


@dataclass(frozen=True, slots=True)
class Period:
    """Local days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Counts:
    """How many reports, and how many of them read negative, neutral or positive."""

    total: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.total if self.total else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.total + other.total, self.negative + other.negative,
                      self.neutral + other.neutral, self.positive + other.positive)  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        share = self.negative_share
        return {"total": self.total, "negative": self.negative, "neutral": self.neutral,
                "positive": self.positive,
                "negative_share": None if share is None else round(share, 4)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Overview:
    """A period's totals, its days (those with reports) and its breakdowns by category, ward
    and channel (largest first, '' the unknown value): what the dashboard reads, in one pass."""

    total: Counts
    series: tuple[tuple[date, Counts], ...]
    by_category: tuple[tuple[str, Counts], ...]
    by_ward: tuple[tuple[str, Counts], ...]
    by_channel: tuple[tuple[str, Counts], ...]


@dataclass(frozen=True, slots=True)
class CubeCell:
    """One local day × category × ward, summed over channels (what spikes and forecasts read)."""

    day: date
    category: str
    ward: str
    total: int
    negative: int


@dataclass(frozen=True, slots=True)
class AnalyticsQuery:
    """A question as the service computes it. ``named_period`` is False for the default window."""

    metric: Metric
    slice: Slice
    period: Period
    comparison: str | None = None  # "previous_period" | "same_period_last_year"
    named_period: bool = True
    period_key: str | None = None  # the parser's period: a keyword or "YYYY-MM-DD..YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class CaseExample:
    """A case shown beside an answer: its reference and a short piece of its redacted text."""

    reference: str
    snippet: str
    received_at: datetime
    category: str | None = None
    ward: str | None = None
    due_at: datetime | None = None

    @property
    def url(self) -> str:
        return f"/staff/cases/{self.reference}"

    def to_dict(self) -> dict[str, Any]:
        return {"reference": self.reference, "snippet": self.snippet, "url": self.url,
                "received_at": self.received_at.astimezone(LOCAL_TZ).isoformat(),
                "category": self.category, "ward": self.ward,
                "due_at": None if self.due_at is None
                else self.due_at.astimezone(LOCAL_TZ).isoformat()}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one question: how it was read, the numbers, a chart and example cases.

    ``answered`` is False when the question could not be read as a statistics question; then
    ``understood`` says so and ``suggestions`` lists questions that work.
    """

    answered: bool
    understood: str
    query: dict[str, str]
    headline: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart_png: bytes | None = None
    examples: list[CaseExample] = field(default_factory=list)
    default_window: str | None = None
    suggestions: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    has_chart: bool = False  # a chart exists (drawn or not: ``ask(..., chart=False)``)

    def lines(self) -> list[str]:
        """The answer as plain text lines (chat messages, the command line)."""
        out = [self.understood, self.headline, *self.details]
        if self.default_window:
            out.append(self.default_window)
        out += [f"• {e.reference}: {e.snippet}" for e in self.examples]
        out += [f"• {s}" for s in self.suggestions]
        return [line for line in out if line]

    def to_dict(self) -> dict[str, Any]:
        return {"answered": self.answered, "understood": self.understood, "query": self.query,
                "headline": self.headline, "details": self.details, "rows": self.rows,
                "examples": [e.to_dict() for e in self.examples],
                "default_window": self.default_window, "suggestions": self.suggestions,
                "has_chart": self.has_chart or self.chart_png is not None}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Alert:
    """A detected spike of one category (``ward`` '' for the whole city) on one local day."""

    kind: AlertKind
    category: str
    ward: str
    day: date
    observed: float
    expected: float
    p_value: float
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    created_at: datetime | None = None
    sent_at: datetime | None = None

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else float("inf")

    @property
    def examples(self) -> list[str]:
        return list(self.details.get("examples", []))

    def to_dict(self) -> dict[str, Any]:
        ratio = self.ratio
        return {"id": self.id, "kind": self.kind.value, "category": self.category,
                "ward": self.ward or None, "day": self.day.isoformat(),
                "observed": self.observed, "expected": round(self.expected, 4),
                "ratio": None if ratio == float("inf") else round(ratio, 2),
                "p_value": self.p_value, "details": self.details,
                "created_at": None if self.created_at is None else self.created_at.isoformat(),
                "sent_at": None if self.sent_at is None else self.sent_at.isoformat()}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    day: date
    value: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Backtest:
    """Error of the method on past weeks it did not see: MAE, MAPE (days with reports), WAPE."""

    weeks: int
    mae: float | None
    mape: float | None
    wape: float | None


@dataclass(frozen=True, slots=True)
class Forecast:
    """A 7-day forecast of daily reports with the recent actuals and its measured error."""

    category: str | None
    today: date
    method: str
    actuals: tuple[tuple[date, int], ...]
    points: tuple[ForecastPoint, ...]
    backtest: Backtest

    def to_dict(self) -> dict[str, Any]:
        b = self.backtest
        return {"category": self.category, "today": self.today.isoformat(),
                "method": self.method,
                "actuals": [{"day": d.isoformat(), "total": n} for d, n in self.actuals],
                "forecast": [{"day": p.day.isoformat(), "value": round(p.value, 2),
                              "low": round(p.low, 2), "high": round(p.high, 2)}
                             for p in self.points],
                "backtest": {"weeks": b.weeks, "mae": _round(b.mae), "mape": _round(b.mape),
                             "wape": _round(b.wape)}}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the dashboard page draws: volumes, categories, wards, sentiment, overdue, alerts."""

    today: date
    period: Period
    total: Counts
    series: tuple[tuple[date, Counts], ...]
    by_category: tuple[tuple[str, Counts], ...]
    by_ward: tuple[tuple[str, Counts], ...]
    by_channel: tuple[tuple[str, Counts], ...]
    sentiment_weekly: tuple[tuple[date, Counts], ...]
    overdue_count: int
    overdue: tuple[CaseExample, ...]
    alerts: tuple[Alert, ...]

    def to_dict(self) -> dict[str, Any]:
        def keyed(rows: Iterable[tuple[str, Counts]], name: str) -> list[dict[str, Any]]:
            return [{name: k or None, **c.to_dict()} for k, c in rows]

        def dated(rows: Iterable[tuple[date, Counts]], name: str) -> list[dict[str, Any]]:
            return [{name: d.isoformat(), **c.to_dict()} for d, c in rows]

        return {"today": self.today.isoformat(), "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "total": self.total.to_dict(),
                "series": dated(self.series, "day"),
                "by_category": keyed(self.by_category, "category"),
                "by_ward": keyed(self.by_ward, "ward"),
                "by_channel": keyed(self.by_channel, "channel"),
                "sentiment_weekly": dated(self.sentiment_weekly, "week"),
                "overdue_count": self.overdue_count,
                "overdue": [e.to_dict() for e in self.overdue],
                "alerts": [a.to_dict() for a in self.alerts]}  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
