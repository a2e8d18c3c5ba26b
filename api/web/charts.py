"""Small inline SVG charts for the dashboard: drawn here, so the page needs no script or CDN.

Labels are escaped; the numbers are ours. Each chart carries a ``<title>`` for screen readers
and the page shows the same numbers in a table beside it.

    >>> line_chart("Số phản ánh", [("01/11", [3.0]), ("02/11", [5.0])], ["line-actual"])
    Markup('<svg ...')
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 10, 28


def line_chart(
    title: str, points: Sequence[tuple[str, Sequence[float | None]]], classes: Sequence[str]
) -> Markup:
    """One polyline per value column (``classes[i]`` styles column i); None leaves a gap."""
    top = max([v for _, values in points for v in values if v is not None] + [1.0])
    step = (WIDTH - LEFT - RIGHT) / max(1, len(points) - 1)
    lines = []
    for column, css in enumerate(classes):
        coords = [
            f"{LEFT + i * step:.1f},{_y(values[column], top):.1f}"
            for i, (_, values) in enumerate(points)
            if column < len(values) and values[column] is not None
        ]
        if coords:
            lines.append(f'<polyline class="{escape(css)}" points="{" ".join(coords)}"/>')
    return _svg(title, top, "".join(lines) + _x_labels([p[0] for p in points], step))


def bar_chart(title: str, bars: Sequence[tuple[str, float]]) -> Markup:
    """Vertical bars with their labels below (category names, shortened)."""
    top = max([v for _, v in bars] + [1.0])
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(bars))
    parts = []
    for i, (label, value) in enumerate(bars):
        x, y = LEFT + i * slot + slot * 0.15, _y(value, top)
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}"><title>{escape(label)}: {value:g}</title></rect>'
        )
    labels = _x_labels([label for label, _ in bars], slot, offset=slot / 2)
    return _svg(title, top, "".join(parts) + labels)


def _y(value: float | None, top: float) -> float:
    return HEIGHT - BOTTOM - (value or 0.0) / top * (HEIGHT - TOP - BOTTOM)


def _x_labels(labels: Sequence[str], step: float, offset: float = 0.0) -> str:
    every = max(1, len(labels) // 8)  # at most about eight labels: they must stay readable
    return "".join(
        f'<text x="{LEFT + offset + i * step:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(_short(label))}</text>"
        for i, label in enumerate(labels)
        if i % every == 0
    )


def _short(label: str, size: int = 14) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def _svg(title: str, top: float, body: str) -> Markup:
    axes = (
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/><line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" '
        f'y2="{HEIGHT - BOTTOM}"/><text x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end">'
        f"{top:g}</text>"
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end">0</text>'
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">'
        f"<title>{escape(title)}</title>{axes}{body}</svg>"
    )
