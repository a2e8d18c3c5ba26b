"""PNG charts of analytics answers and the dashboard (matplotlib, Agg, no display needed).

Charts are described by small specs (``BarChart``, ``ForecastChart``) that answers build
without drawing, so the JSON API pays for a picture only when one is asked for. Text is set
in DejaVu Sans, which matplotlib ships and which has every Vietnamese letter, so diacritics
render on any server. Each call makes its own ``Figure`` (no pyplot state): thread-safe.

    >>> png = render(BarChart("Số phản ánh theo phường", ["Hiệp Bình", "Linh Xuân"], [12, 7]))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

FONT = "DejaVu Sans"
_BAR = "#2b6cb0"
_HIGHLIGHT = "#c53030"
_SECOND = "#ed8936"
_STYLE = {
    "font.family": FONT,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}


@dataclass(frozen=True, slots=True)
class BarChart:
    """Bars with labels; ``horizontal`` for rankings, ``overlay`` for a second series as a line
    (the previous period), ``stacked`` for a part of each bar (the negative reports)."""

    title: str
    labels: list[str]
    values: list[float]
    ylabel: str = ""
    horizontal: bool = False
    percent: bool = False
    highlight: int | None = None
    overlay: list[float] | None = None
    overlay_label: str = ""
    values_label: str = ""
    stacked: list[float] | None = None
    stacked_label: str = ""


@dataclass(frozen=True, slots=True)
class ForecastChart:
    """Actual daily counts, then the forecast with its interval."""

    title: str
    actual_labels: list[str]
    actual: list[float]
    forecast_labels: list[str]
    forecast: list[float]
    low: list[float]
    high: list[float]
    actual_label: str = ""
    forecast_label: str = ""
    notes: list[str] = field(default_factory=list)


def render(chart: BarChart | ForecastChart, width: float = 8.0, height: float = 4.0) -> bytes:
    """The chart as PNG bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(width, height), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if isinstance(chart, BarChart):
            _bars(axes, chart)
        else:
            _forecast(axes, chart)
        axes.set_title(chart.title, fontsize=11, loc="left")
        figure.subplots_adjust(**_margins(chart))  # fixed: tight_layout costs 100+ ms
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def _margins(chart: BarChart | ForecastChart) -> dict[str, float]:
    if isinstance(chart, BarChart) and chart.horizontal:
        return {"left": 0.26, "right": 0.95, "top": 0.9, "bottom": 0.12}
    return {"left": 0.08, "right": 0.97, "top": 0.9, "bottom": 0.2}


def _bars(axes: Any, chart: BarChart) -> None:
    positions = list(range(len(chart.values)))
    colors = [_HIGHLIGHT if n == chart.highlight else _BAR for n in positions]
    if chart.horizontal:
        axes.barh(positions, chart.values, color=colors)
        axes.set_yticks(positions, chart.labels)
        axes.invert_yaxis()
        axes.set_xlabel(chart.ylabel)
        _value_labels(axes, chart, positions)
        return
    axes.bar(positions, chart.values, color=colors, label=chart.values_label or None)
    if chart.stacked is not None:
        axes.bar(positions, chart.stacked, color=_HIGHLIGHT, label=chart.stacked_label or None)
    if chart.overlay is not None:
        axes.plot(positions[: len(chart.overlay)], chart.overlay, color=_SECOND, marker="o",
                  markersize=3, label=chart.overlay_label or None)  # fmt: skip
    step = max(1, len(positions) // 15)
    axes.set_xticks(positions[::step], chart.labels[::step], rotation=45, ha="right")
    axes.set_ylabel(chart.ylabel)
    if chart.percent:
        axes.yaxis.set_major_formatter(_percent_formatter())
    if chart.stacked is not None or chart.overlay is not None:
        axes.legend(frameon=False)


def _value_labels(axes: Any, chart: BarChart, positions: list[int]) -> None:
    for position, value in zip(positions, chart.values, strict=True):
        shown = f"{value:.0%}" if chart.percent else f"{value:g}"
        axes.annotate(shown, (value, position), xytext=(3, 0), textcoords="offset points",
                      va="center", fontsize=8)  # fmt: skip
    if chart.percent:
        axes.xaxis.set_major_formatter(_percent_formatter())


def _forecast(axes: Any, chart: ForecastChart) -> None:
    n = len(chart.actual)
    ahead = list(range(n, n + len(chart.forecast)))
    axes.bar(range(n), chart.actual, color=_BAR, label=chart.actual_label or None)
    axes.plot(ahead, chart.forecast, color=_SECOND, marker="o", markersize=3,
              label=chart.forecast_label or None)  # fmt: skip
    axes.fill_between(ahead, chart.low, chart.high, color=_SECOND, alpha=0.2)
    labels = chart.actual_labels + chart.forecast_labels
    step = max(1, len(labels) // 15)
    axes.set_xticks(list(range(len(labels)))[::step], labels[::step], rotation=45, ha="right")
    axes.legend(frameon=False, loc="upper left")
    if chart.notes:
        axes.text(0.99, 0.98, "\n".join(chart.notes), transform=axes.transAxes, ha="right",
                  va="top", fontsize=8)  # fmt: skip


def _percent_formatter() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)
