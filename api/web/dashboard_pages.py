"""The dashboard: volumes over time, categories, the ward map, sentiment, overdue cases,
the latest alerts and the 7-day forecast beside the actuals.

Everything is drawn into the page itself (inline SVG), so it is one request and works
offline; each chart has its numbers in a table or a tooltip beside it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.auth import ViewAnalytics
from api.web import messages_vi as t
from api.web.charts import bar_chart, line_chart
from api.web.deps import AnalyticsDep, LabelsDep
from api.web.labels import Labels
from api.web.render import local_time, page, percent
from api.web.routing import HtmlRoute
from core.analytics import Dashboard, Forecast
from services.alerts import alert_text

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

DAY_CHOICES = tuple(t.DASH_DAYS)
TOP_CATEGORIES = 10


@router.get("/staff/dashboard")
def dashboard_page(
    request: Request, p: ViewAnalytics, analytics: AnalyticsDep, labels: LabelsDep,
    days: Annotated[int, Query()] = 30, category: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:  # fmt: skip
    days = days if days in DAY_CHOICES else 30
    code = category if category in labels.reference.category_codes else ""
    board = analytics.dashboard(p, days=days)
    forecast = analytics.forecast(code or None)
    wards = {name: float(c.total) for name, c in board.by_ward if name}
    return page(
        request, "dashboard.html", board=board, days=days, labels=labels,
        day_choices=[(str(d), t.DASH_DAYS[d]) for d in DAY_CHOICES],
        categories=[(c.code, c.name) for c in labels.reference.categories], category=code,
        volume_svg=_volume(board), sentiment_svg=_sentiment(board),
        category_svg=_categories(board, labels),
        map_svg=Markup(analytics.ward_map_svg(wards, t.DASH_MAP)),  # escaped by the service
        forecast=forecast, forecast_svg=_forecast(forecast), forecast_rows=forecast_rows(forecast),
        forecast_error=_forecast_error(forecast),
        alerts=[{"alert": a, "text": alert_text(a, labels.reference)} for a in board.alerts[:5]],
        negative_share=percent(board.total.negative_share),
    )  # fmt: skip


def _volume(board: Dashboard) -> Markup:
    points = [(d.strftime("%d/%m"), [float(c.negative), float(c.total)]) for d, c in board.series]
    return line_chart(t.DASH_VOLUME, points, ["line-negative", "line-actual"])  # total on top


def _sentiment(board: Dashboard) -> Markup:
    points = [
        (week.strftime("%d/%m"), [None if c.negative_share is None else c.negative_share * 100])
        for week, c in board.sentiment_weekly
    ]
    return line_chart(t.DASH_SENTIMENT, points, ["line-negative"])


def _categories(board: Dashboard, labels: Labels) -> Markup:
    bars = [(labels.category(code), float(c.total)) for code, c in board.by_category]
    return bar_chart(t.DASH_BY_CATEGORY, bars[:TOP_CATEGORIES])


def _forecast(forecast: Forecast) -> Markup:
    """Actuals, then the forecast continuing from the last actual day."""
    points: list[tuple[str, list[float | None]]] = [
        (d.strftime("%d/%m"), [float(n), None]) for d, n in forecast.actuals
    ]
    if points:
        points[-1] = (points[-1][0], [points[-1][1][0], points[-1][1][0]])
    points += [(f.day.strftime("%d/%m"), [None, f.value]) for f in forecast.points]
    return line_chart(t.DASH_FORECAST, points, ["line-actual", "line-forecast"])


def _forecast_error(forecast: Forecast) -> str:
    b = forecast.backtest
    if b.mae is None:
        return t.DASH_FORECAST_NO_ERROR
    mape = "–" if b.mape is None else percent(b.mape)
    return t.DASH_FORECAST_ERROR.format(weeks=b.weeks, mae=f"{b.mae:.1f}".replace(".", ","),
                                        mape=mape)  # fmt: skip


def forecast_rows(forecast: Forecast) -> list[dict[str, Any]]:
    return [
        {"day": local_time(f.day), "value": f"{f.value:.1f}", "low": f"{f.low:.0f}",
         "high": f"{f.high:.0f}"}
        for f in forecast.points
    ]  # fmt: skip
