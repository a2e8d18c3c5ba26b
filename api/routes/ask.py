"""Officials' analytics over HTTP: questions, dashboard data, charts, alerts and forecasts.

Every route needs ``view_analytics``; the service (``app.state.analytics``) checks it again and
keeps department accounts to their own cases in examples and overdue lists. Nothing here
changes state, so a browser session needs no CSRF token. Charts are separate GETs, so the JSON
answer stays fast and an ``<img src>`` can show the picture.

    POST /api/v1/ask            {"question": "tuần này có bao nhiêu phản ánh về ngập nước?"}
    GET  /api/v1/ask/chart.png?question=tuần%20này%20có%20bao%20nhiêu%20phản%20ánh
    GET  /api/v1/dashboard?days=30      GET /api/v1/dashboard/wards.svg
    GET  /api/v1/alerts                 GET /api/v1/forecast?category=thoat_nuoc
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import ViewAnalytics
from api.deps import AnalyticsDep
from api.schemas import ErrorResponse
from core.errors import InvalidInput, NotFound
from services.analytics import MAX_QUESTION_CHARS

router = APIRouter(prefix="/api/v1", tags=["analytics"])
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (401, 403, 404, 422)
}
_CACHE = {"Cache-Control": "private, max-age=60"}


Today = Annotated[date | None, Query(description="Reference date (default: today, local).")]
Days = Annotated[int, Query(ge=1, le=366)]


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    today: date | None = None


class AskOut(BaseModel):
    """The answer (``core.analytics.Answer.to_dict``) and where its chart is drawn."""

    answered: bool
    understood: str
    query: dict[str, str]
    headline: str
    details: list[str]
    rows: list[dict[str, Any]]
    examples: list[dict[str, Any]]
    default_window: str | None
    suggestions: list[str]
    has_chart: bool
    chart_url: str | None


@router.post("/ask", responses=_ERRORS)
def ask(body: AskIn, p: ViewAnalytics, analytics: AnalyticsDep) -> AskOut:
    answer = analytics.ask(p, body.question, body.today, chart=False)
    data = answer.to_dict()
    params = {"question": body.question} | ({"today": body.today.isoformat()} if body.today
                                            else {})  # fmt: skip
    data["chart_url"] = f"/api/v1/ask/chart.png?{urlencode(params)}" if answer.has_chart else None
    return AskOut(**data)


@router.get("/ask/chart.png", responses={200: {"content": {"image/png": {}}}, **_ERRORS},
            response_class=Response)  # fmt: skip
def ask_chart(
    p: ViewAnalytics,
    analytics: AnalyticsDep,
    question: Annotated[str, Query(max_length=MAX_QUESTION_CHARS)] = "",
    q: Annotated[str, Query(max_length=MAX_QUESTION_CHARS)] = "",
    today: Today = None,
) -> Response:
    """The chart of the answer to ``question`` (or ``q``)."""
    text = question or q
    if not text.strip():
        raise InvalidInput("a question is needed", code="analytics.question_empty")
    png = analytics.ask(p, text, today).chart_png
    if png is None:
        raise NotFound("this question has no chart", code="analytics.no_chart")
    return Response(png, media_type="image/png", headers=_CACHE)


@router.get("/dashboard", responses=_ERRORS)
def dashboard(p: ViewAnalytics, analytics: AnalyticsDep, days: Days = 30, today: Today = None
              ) -> dict[str, Any]:  # fmt: skip
    """Volumes per day, by category, ward and channel, weekly negative share, overdue, alerts."""
    return analytics.dashboard(p, today, days).to_dict()


@router.get("/dashboard/volume.png", response_class=Response, responses=_ERRORS)
def dashboard_volume(p: ViewAnalytics, analytics: AnalyticsDep, days: Days = 30,
                     today: Today = None) -> Response:  # fmt: skip
    png = analytics.volume_chart_png(analytics.dashboard(p, today, days))
    return Response(png, media_type="image/png", headers=_CACHE)


@router.get("/dashboard/sentiment.png", response_class=Response, responses=_ERRORS)
def dashboard_sentiment(p: ViewAnalytics, analytics: AnalyticsDep, today: Today = None
                        ) -> Response:  # fmt: skip
    png = analytics.sentiment_chart_png(analytics.dashboard(p, today))
    return Response(png, media_type="image/png", headers=_CACHE)


@router.get("/dashboard/wards.svg", response_class=Response, responses=_ERRORS)
def dashboard_wards(p: ViewAnalytics, analytics: AnalyticsDep, days: Days = 30,
                    today: Today = None) -> Response:  # fmt: skip
    """The choropleth of reports per ward over the last ``days`` days."""
    board = analytics.dashboard(p, today, days)
    values = {ward: float(c.total) for ward, c in board.by_ward if ward}
    svg = analytics.ward_map_svg(values)
    return Response(svg, media_type="image/svg+xml", headers=_CACHE)


@router.get("/alerts", responses=_ERRORS)
def alerts(
    p: ViewAnalytics,
    analytics: AnalyticsDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    since: date | None = None,
) -> list[dict[str, Any]]:
    """Detected spikes, newest day first."""
    return [a.to_dict() for a in analytics.alerts(p, limit, since)]


@router.get("/forecast", responses=_ERRORS)
def forecast(p: ViewAnalytics, analytics: AnalyticsDep, category: str | None = None,
             today: Today = None) -> dict[str, Any]:  # fmt: skip
    """Next 7 days of reports (one category, or all), the last 28 days and the backtest."""
    return analytics.forecast(category or None, today).to_dict()


@router.get("/forecast.png", response_class=Response, responses=_ERRORS)
def forecast_chart(p: ViewAnalytics, analytics: AnalyticsDep, category: str | None = None,
                   today: Today = None) -> Response:  # fmt: skip
    png = analytics.forecast_chart_png(analytics.forecast(category or None, today))
    return Response(png, media_type="image/png", headers=_CACHE)
