"""``langnghe analytics …``: rebuild the daily aggregates, detect spikes, ask, forecast.

    langnghe analytics rebuild [--since 2026-09-01]
    langnghe analytics alerts [--today 2026-11-27]
    langnghe analytics ask "tuần này có bao nhiêu phản ánh về ngập nước?" [--chart out.png]
    langnghe analytics forecast [--category thoat_nuoc]

Alerts found here are queued in the chat outbox; the server's notification worker sends them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli_support import load_settings, setup_logging

if TYPE_CHECKING:
    from app.container import Container

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@contextmanager
def _service() -> Iterator[Container]:
    """The container's analytics on a migrated database; no model, no worker started."""
    from app.container import Container

    settings = load_settings()
    setup_logging(settings)
    container = Container(settings)
    try:
        container.db.migrate()
        yield container
    finally:
        container.close()


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.group()
def analytics() -> None:
    """Officials' analytics: daily aggregates, spike alerts, questions and forecasts."""


@analytics.command()
@click.option("--since", type=_DATE, default=None, help="First day to recount (YYYY-MM-DD).")
def rebuild(since: datetime | None) -> None:
    """Recount the daily aggregates from the feedback (all days, or from --since)."""
    with _service() as c:
        rows = c.analytics.rebuild_aggregates(_day(since))
    click.echo(f"daily aggregates rebuilt: {rows} rows")


@analytics.command()
@click.option("--today", type=_DATE, default=None, help="The day to test (default: today).")
def alerts(today: datetime | None) -> None:
    """Detect spikes of a day; new alerts are stored and queued for linked officials."""
    from services.alerts import alert_text

    with _service() as c:
        found = c.analytics.detect_spikes(_day(today))
        for alert in found:
            click.echo(alert_text(alert, c.reference))
    click.echo(f"{len(found)} new alert(s)", err=True)


@analytics.command()
@click.argument("question")
@click.option("--today", type=_DATE, default=None, help="Reference date (YYYY-MM-DD).")
@click.option("--chart", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the answer's chart (PNG) here.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="The whole answer as JSON.")
def ask(question: str, today: datetime | None, chart: Path | None, as_json: bool) -> None:
    """Answer an official's question in Vietnamese from the aggregates."""
    with _service() as c:
        answer = c.analytics.ask(None, question, _day(today), chart=chart is not None)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(answer.lines()))
    if chart is not None and answer.chart_png is not None:
        chart.write_bytes(answer.chart_png)


@analytics.command()
@click.option("--category", default=None, help="A category code (default: all reports).")
@click.option("--today", type=_DATE, default=None, help="Reference date (YYYY-MM-DD).")
def forecast(category: str | None, today: datetime | None) -> None:
    """The next 7 days of reports and the forecast's error on past weeks, as JSON."""
    with _service() as c:
        result = c.analytics.forecast(category, _day(today))
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
