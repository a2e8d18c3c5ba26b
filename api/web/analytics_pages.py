"""Officials' questions in Vietnamese (the ask page and its chart) and the alerts list.

The question travels in the address (a GET form), so an answer can be bookmarked or sent to a
colleague; asking changes nothing. The chart is a PNG served by its own authenticated route;
the page has just drawn it, so the route takes it from a small cache instead of drawing again.

    GET /staff/ask?q=tuần này có bao nhiêu phản ánh về ngập nước?
    GET /staff/ask/chart.png?q=…
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from api.auth import ViewAnalytics
from api.web import messages_vi as t
from api.web.deps import AnalyticsDep, LabelsDep
from api.web.labels import Labels
from api.web.render import local_time, page, percent
from api.web.routing import HtmlRoute
from core.accounts import Principal
from core.analytics import Answer
from core.errors import NotFound
from services.alerts import alert_text
from services.analytics import MAX_QUESTION_CHARS
from services.analytics_texts_vi import SUGGESTIONS

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

Question = Annotated[str, Query(max_length=MAX_QUESTION_CHARS)]


class ChartCache:
    """The last charts drawn for a page, per caller, question and day (oldest dropped first).

    >>> CHARTS.put(("staff:lan", "tuần này có bao nhiêu phản ánh?", date.today()), png)
    >>> CHARTS.get(("staff:lan", "tuần này có bao nhiêu phản ánh?", date.today())) is png
    True
    """

    def __init__(self, size: int = 64) -> None:
        self._charts: OrderedDict[tuple[str, str, date], bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def put(self, key: tuple[str, str, date], png: bytes) -> None:
        with self._lock:
            self._charts[key] = png
            self._charts.move_to_end(key)
            while len(self._charts) > self._size:
                self._charts.popitem(last=False)

    def get(self, key: tuple[str, str, date]) -> bytes | None:
        with self._lock:
            return self._charts.get(key)


CHARTS = ChartCache()


@router.get("/staff/ask")
def ask_page(
    request: Request, p: ViewAnalytics, analytics: AnalyticsDep, labels: LabelsDep,
    q: Annotated[str, Query(max_length=10_000)] = "",
) -> HTMLResponse:  # fmt: skip
    question = " ".join(q.split())
    too_long = len(question) > MAX_QUESTION_CHARS
    answer = analytics.ask(p, question) if question and not too_long else None
    chart_url = None
    if answer is not None and answer.chart_png is not None:
        CHARTS.put(_key(p, question), answer.chart_png)
        chart_url = "/staff/ask/chart.png?" + urlencode({"q": question})
    return page(
        request, "ask.html", question=question[:MAX_QUESTION_CHARS], answer=answer,
        chart_url=chart_url, error=t.ASK_TOO_LONG if too_long else None,
        table=answer_table(answer, labels) if answer is not None else None,
        suggestion_urls=[("/staff/ask?" + urlencode({"q": s}), s) for s in _suggestions(answer)],
    )  # fmt: skip


@router.get("/staff/ask/chart.png")
def ask_chart(p: ViewAnalytics, analytics: AnalyticsDep, q: Question = "") -> Response:
    question = " ".join(q.split())
    png = CHARTS.get(_key(p, question))
    if png is None and question:
        png = analytics.ask(p, question).chart_png
    if png is None:
        raise NotFound("this question has no chart", code="analytics.no_chart")
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.get("/staff/alerts")
def alerts_page(
    request: Request, p: ViewAnalytics, analytics: AnalyticsDep, labels: LabelsDep
) -> HTMLResponse:
    found = analytics.alerts(p, limit=100)
    items = [{"alert": a, "text": alert_text(a, labels.reference)} for a in found]
    return page(request, "alerts.html", items=items)


def _key(p: Principal, question: str) -> tuple[str, str, date]:
    return (p.label, question, date.today())


def _suggestions(answer: Answer | None) -> list[str]:
    """Example questions: on the empty page, and when a question could not be answered."""
    return list(SUGGESTIONS) if answer is None else list(answer.suggestions)


def answer_table(answer: Answer, labels: Labels) -> dict[str, Any] | None:
    """The answer's rows as headers and cells (names instead of codes, dates and shares read
    the Vietnamese way); None when there are no rows."""
    if not answer.rows:
        return None
    keys = [k for k in t.ROW_HEADERS if any(k in row for row in answer.rows)]
    if "name" in keys:  # a breakdown: the name says it, the code column is noise
        keys = [k for k in keys if k not in ("category", "ward", "channel")]
    rows = [[_cell(key, row.get(key), labels) for key in keys] for row in answer.rows]
    return {"headers": [t.ROW_HEADERS[k] for k in keys], "rows": rows}


def _cell(key: str, value: Any, labels: Labels) -> dict[str, str | None]:
    if value is None:
        return {"text": "", "href": None}
    if key == "reference":
        return {"text": str(value), "href": f"/staff/cases/{value}"}
    return {"text": _format(key, value, labels), "href": None}


def _format(key: str, value: Any, labels: Labels) -> str:
    if key in ("share", "negative_share"):
        return percent(float(value))
    if key in ("day", "week", "start", "end"):
        return local_time(date.fromisoformat(str(value)[:10]))
    if key == "due_at":
        return local_time(datetime.fromisoformat(str(value)))
    formatted = {
        "period": lambda v: t.PERIOD_LABELS.get(str(v), str(v)),
        "category": labels.category,
        "channel": labels.channel,
    }.get(key)
    return formatted(value) if formatted is not None else str(value)
