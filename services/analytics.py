"""Officials' analytics: questions in Vietnamese, the dashboard, spikes and forecasts.

A question is parsed into slots (``nlp.analytics_query``), turned into a structured query and
answered from the daily aggregates: how it was understood, the numbers, a chart, example cases
and, when no time was named, which default window was used. Everyone with ``view_analytics``
sees city-wide numbers (aggregates hold no personal data); department accounts are shown only
their own department's cases as examples and in overdue lists, because those link to case
pages they may open. ``p=None`` is a caller that checked access itself (a linked official's
chat, the command line).

    >>> service = AnalyticsService(SqlAnalyticsStore(db), alerts, reference)
    >>> answer = service.ask(principal, "tuần này có bao nhiêu phản ánh về ngập nước?")
    >>> answer.understood
    'Số phản ánh về Ngập nước, thoát nước, tuần này (23/11–27/11)'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from core.accounts import Permission, Principal, Role, may
from core.analytics import (
    Alert,
    Answer,
    CaseExample,
    Dashboard,
    Forecast,
    ForecastPoint,
    Period,
    Slice,
    local_day,
)
from core.analytics_ports import AnalyticsStore
from core.errors import Forbidden, InvalidInput
from core.reference import DEFAULT_DIR, ReferenceData
from nlp.analytics_query import parse_analytics
from services.aggregates import AggregateRefresher
from services.alerts import AlertService
from services.analytics_answers import AnswerContext, buckets, compute
from services.analytics_query import (
    build_query,
    category_name,
    default_window_text,
    understood_text,
)
from services.analytics_texts_vi import SUGGESTIONS, text, vi_number, vi_percent
from services.charts import BarChart, ForecastChart, render
from services.forecast import METHOD, backtest, predict
from services.ward_map import WardMap

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
SNIPPET_CHARS = 160
HISTORY_DAYS = 112  # 12 weeks of weekday profile + 4 weeks of backtest


class AnalyticsService:
    """Answers, dashboard data, alerts and forecasts over one ``SqlAnalyticsStore``-like store.

    >>> service.dashboard(principal).to_dict()["by_ward"][0]
    {'ward': 'Hiệp Bình', 'total': 41, 'negative': 30, ...}
    >>> service.forecast("thoat_nuoc").backtest.mae
    1.21
    """

    def __init__(
        self,
        store: AnalyticsStore,
        alerts: AlertService,
        reference: ReferenceData,
        *,
        ward_polygons: Path | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._alerts = alerts
        self._reference = reference
        self._polygons = ward_polygons or DEFAULT_DIR / "wards.geojson"
        self._clock = clock
        self.refresher = AggregateRefresher(store)
        self._ward_map: WardMap | None = None
        self._map_lock = threading.Lock()

    # --- questions -------------------------------------------------------------------------
    def ask(self, p: Principal | None, question: str, today: date | None = None, *,
            chart: bool = True) -> Answer:  # fmt: skip
        """The answer to ``question``; ``chart=False`` skips drawing (JSON clients)."""
        _check(p)
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(f"a question has at most {MAX_QUESTION_CHARS} characters",
                               code="analytics.question_too_long")  # fmt: skip
        today = today or self._today()
        slots = parse_analytics(question, today, self._reference) if question.strip() else {}
        query = build_query(slots, today, question)
        if query is None:
            log.info("analytics.unanswered slots=%s", sorted(slots))
            return _unanswered(slots)
        ctx = AnswerContext(self._store, self._store, self._reference, today, self._clock(),
                            _departments(p))  # fmt: skip
        computed = compute(ctx, query)
        examples = computed.examples
        if examples is None:
            examples = self._store.examples(query.period, query.slice, ctx.departments)
        log.info("analytics.answered metric=%s days=%d", query.metric, query.period.days)
        return Answer(
            True, understood_text(query, self._reference, today),
            {**slots, "start": query.period.start.isoformat(),
             "end": query.period.end.isoformat()},
            computed.headline, computed.rows,
            render(computed.chart) if chart and computed.chart is not None else None,
            [_short(e) for e in examples], default_window_text(query, today), [],
            computed.details, computed.chart is not None,
        )  # fmt: skip

    # --- dashboard -------------------------------------------------------------------------
    def dashboard(self, p: Principal | None, today: date | None = None, days: int = 30
                  ) -> Dashboard:  # fmt: skip
        """The last ``days`` days: one read of the aggregates (``overview``: five separate
        scans took 300 ms for a year at a million reports), and the 12 weeks of sentiment
        apart only when they reach back before the period."""
        _check(p)
        if not 1 <= days <= 366:
            raise InvalidInput("days must be between 1 and 366", code="analytics.days")
        today = today or self._today()
        period = Period(today - timedelta(days=days - 1), today)
        weeks = Period(today - timedelta(days=today.weekday() + 7 * 11), today)
        seen = self._store.overview(period, Slice())
        if weeks.start >= period.start:  # 84+ days: the weeks are inside the period
            weekly = [(d, c) for d, c in seen.series if d in weeks]
        else:
            weekly = self._store.series(weeks, Slice())
        count, overdue = self._store.overdue(self._clock(), Slice(), _departments(p), limit=20)
        return Dashboard(
            today, period, seen.total, tuple(buckets(period, list(seen.series), "day")),
            seen.by_category, seen.by_ward, seen.by_channel,
            tuple(buckets(weeks, weekly, "week")), count, tuple(_short(e) for e in overdue),
            tuple(self._alerts.recent(20, since=today - timedelta(days=14))),
        )  # fmt: skip

    def volume_chart_png(self, dashboard: Dashboard) -> bytes:
        """Reports per day of the dashboard's period, the negative part in red."""
        labels = [d.strftime("%d/%m") for d, _ in dashboard.series]
        chart = BarChart(text("chart.volume", days=dashboard.period.days), labels,
                         [c.total for _, c in dashboard.series], text("chart.count"),
                         stacked=[c.negative for _, c in dashboard.series],
                         stacked_label=text("chart.negative"),
                         values_label=text("chart.count"))  # fmt: skip
        return render(chart)

    def sentiment_chart_png(self, dashboard: Dashboard) -> bytes:
        """The negative share per week (the last 12 weeks)."""
        weeks = dashboard.sentiment_weekly
        chart = BarChart(text("chart.negative_share"), [d.strftime("%d/%m") for d, _ in weeks],
                         [c.negative_share or 0.0 for _, c in weeks], percent=True)  # fmt: skip
        return render(chart)

    def ward_map_svg(self, values: dict[str, float], title: str = "") -> str:
        """A choropleth of the wards coloured by ``values`` (canonical ward name → number)."""
        with self._map_lock:
            if self._ward_map is None:
                self._ward_map = WardMap.load(self._polygons)
        return self._ward_map.svg(values, title)

    def alerts(self, p: Principal | None, limit: int = 50, since: date | None = None
               ) -> list[Alert]:  # fmt: skip
        _check(p)
        return self._alerts.recent(limit, since)

    # --- keeping up, detecting, forecasting -------------------------------------------------
    def refresh_aggregates(self, days: Iterable[date]) -> int:
        """Recount these local days (call after changing a report's category or ward)."""
        return self.refresher.refresh(days)

    def rebuild_aggregates(self, since: date | None = None) -> int:
        return self.refresher.rebuild(since, until=self._today())

    def detect_spikes(self, today: date | None = None) -> list[Alert]:
        """Spikes of ``today`` not found before (stored and sent to officials' chats)."""
        day = today or self._today()
        self.refresher.catch_up(day)
        return self._alerts.detect(day)

    def forecast(self, category: str | None = None, today: date | None = None) -> Forecast:
        """The next 7 days (from today) of ``category`` (None: all), with backtest error."""
        if category is not None and category not in self._reference.category_codes:
            raise InvalidInput(f"unknown category {category!r}", code="refdata.unknown_category")
        today = today or self._today()
        span = Period(today - timedelta(days=HISTORY_DAYS), today)
        daily = buckets(span, self._store.series(span, Slice(category=category)), "day")
        counts = np.array([c.total for _, c in daily], dtype=float)
        history = counts[:-1]  # today is not over: its count would pull the level down
        prediction = predict(history, today.weekday())
        points = tuple(
            ForecastPoint(today + timedelta(days=n), float(v), float(lo), float(hi))
            for n, (v, lo, hi) in enumerate(zip(prediction.values, prediction.low,
                                                prediction.high, strict=True))
        )  # fmt: skip
        actuals = tuple((d, c.total) for d, c in daily[-28:])
        error = backtest(history, span.start.weekday())
        return Forecast(category, today, METHOD, actuals, points, error)

    def forecast_chart_png(self, forecast: Forecast) -> bytes:
        name = (category_name(forecast.category, self._reference) if forecast.category
                else text("all_categories"))  # fmt: skip
        b = forecast.backtest
        note = (text("chart.backtest", weeks=b.weeks, mae=vi_number(round(b.mae, 1)),
                     mape="–" if b.mape is None else vi_percent(b.mape))
                if b.mae is not None else text("chart.no_backtest"))  # fmt: skip
        chart = ForecastChart(
            text("chart.forecast_title", name=name),
            [d.strftime("%d/%m") for d, _ in forecast.actuals], [n for _, n in forecast.actuals],
            [p.day.strftime("%d/%m") for p in forecast.points],
            [p.value for p in forecast.points], [p.low for p in forecast.points],
            [p.high for p in forecast.points], text("chart.actual"), text("chart.forecast"),
            [note],
        )  # fmt: skip
        return render(chart)

    def _today(self) -> date:
        return local_day(self._clock())


def _check(p: Principal | None) -> None:
    if p is not None and not may(p, Permission.VIEW_ANALYTICS):
        raise Forbidden(f"the role {p.role} may not {Permission.VIEW_ANALYTICS}")


def _departments(p: Principal | None) -> Sequence[str] | None:
    if p is None or p.role is not Role.DEPARTMENT:
        return None
    return [p.department] if p.department else []


def _short(example: CaseExample) -> CaseExample:
    snippet = " ".join(example.snippet.split())
    if len(snippet) > SNIPPET_CHARS:
        snippet = snippet[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return replace(example, snippet=snippet)


def _unanswered(slots: dict[str, str]) -> Answer:
    return Answer(False, text("unanswered"), slots, text("unanswered.hint"),
                  suggestions=list(SUGGESTIONS))  # fmt: skip
