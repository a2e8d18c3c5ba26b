"""A choropleth of the wards as one self-contained SVG: no map tiles, no script, works offline.

The ward polygons (``core/refdata/wards.geojson``) are projected equirectangularly (longitude
scaled by the cosine of the middle latitude, which is exact enough over a few kilometres),
points closer than half a pixel are dropped, and each ward becomes one ``<path>`` with a
``<title>`` (the tooltip) and ``data-ward``/``data-value`` attributes for pages and tests.

    >>> svg = WardMap.load(path).svg({"Hiệp Bình": 12, "Linh Xuân": 3})
    >>> svg.startswith("<svg")
    True
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from services.analytics_texts_vi import vi_number

#: Light to dark (ColorBrewer YlOrRd, 5 classes); wards without reports are grey.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
EMPTY = "#e2e8f0"
Ring = list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class WardShape:
    name: str
    code: str
    rings: tuple[Ring, ...]  # projected, in pixels


class WardMap:
    """The wards projected once into a ``width``-pixel-wide drawing; ``svg`` colours them."""

    def __init__(self, shapes: list[WardShape], width: float, height: float) -> None:
        self.shapes = shapes
        self.width = width
        self.height = height

    @classmethod
    def load(cls, geojson: Path, width: float = 640.0) -> WardMap:
        with geojson.open(encoding="utf-8") as f:
            features = json.load(f)["features"]
        lonlat = [(f["properties"], _rings(f["geometry"])) for f in features]
        points = [p for _, rings in lonlat for ring in rings for p in ring]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        kx = math.cos(math.radians((south + north) / 2))
        scale = (width - 20) / ((east - west) * kx)
        height = (north - south) * scale + 20

        def project(lon: float, lat: float) -> tuple[float, float]:
            return 10 + (lon - west) * kx * scale, 10 + (north - lat) * scale

        shapes = [
            WardShape(props["name"], str(props.get("code", "")),
                      tuple(_thin([project(*p) for p in ring]) for ring in rings))
            for props, rings in lonlat
        ]  # fmt: skip
        return cls(shapes, width, height)

    def svg(self, values: dict[str, float], title: str = "", unit: str = "phản ánh") -> str:
        """Wards coloured by ``values`` (by canonical ward name), with a legend of the classes."""
        bounds = _classes([v for v in values.values() if v > 0])
        legend_height = 24 + 18 * (len(bounds) + 1)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} '
            f'{self.height + legend_height:.0f}" role="img" class="ward-map" '
            'font-family="DejaVu Sans, sans-serif" font-size="12">',
            f"<title>{escape(title)}</title>" if title else "",
        ]
        for shape in self.shapes:
            parts.append(self._ward(shape, values.get(shape.name, 0), bounds, unit))
        parts.append(_legend(bounds, self.height, unit))
        parts.append("</svg>")
        return "".join(parts)

    def _ward(self, shape: WardShape, value: float, bounds: list[float], unit: str) -> str:
        d = "".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in shape.rings
        )
        tip = f"{shape.name}: {vi_number(value)} {unit}"
        x, y = _label_point(max(shape.rings, key=len))
        return (
            f'<path d="{d}" fill="{_colour(value, bounds)}" stroke="#ffffff" stroke-width="1" '
            f'fill-rule="evenodd" data-ward="{escape(shape.name)}" '
            f'data-code="{escape(shape.code)}" data-value="{value:g}">'
            f"<title>{escape(tip)}</title></path>"
            f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="middle" font-size="10" fill="#1a202c" '
            f'pointer-events="none">{escape(shape.name)}</text>'
        )


def _rings(geometry: dict[str, Any]) -> list[Ring]:
    """Outer rings and holes alike (the even-odd rule draws the holes)."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [[(float(x), float(y)) for x, y, *_ in ring] for poly in polygons for ring in poly]


def _label_point(ring: Ring) -> tuple[float, float]:
    """The ring's centroid (area-weighted), where the ward's name is written."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return ring[0]
    return cx / (3 * area), cy / (3 * area)


def _thin(ring: Ring, tolerance: float = 0.5) -> Ring:
    kept = [ring[0]]
    for x, y in ring[1:]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= tolerance:
            kept.append((x, y))
    return kept


def _classes(values: list[float]) -> list[float]:
    """Upper bounds of up to 5 classes of equal width from 0 to the largest value (whole
    numbers when the values are counts)."""
    if not values:
        return []
    top = max(values)
    count = min(len(PALETTE), max(1, math.ceil(top)))
    bounds = [top * (n + 1) / count for n in range(count)]
    if all(float(v).is_integer() for v in values):
        bounds = sorted({float(math.ceil(b)) for b in bounds})
    return bounds


def _colour(value: float, bounds: list[float]) -> str:
    if value <= 0 or not bounds:
        return EMPTY
    index = next((n for n, upper in enumerate(bounds) if value <= upper), len(bounds) - 1)
    return PALETTE[index * len(PALETTE) // len(bounds)]


def _legend(bounds: list[float], top: float, unit: str) -> str:
    rows = [(EMPTY, f"0 {unit}")]
    lower = 0.0
    counts = all(b.is_integer() for b in bounds)
    for upper in bounds:
        first = lower + 1 if counts else lower
        span = vi_number(upper) if first == upper else f"{vi_number(first)}–{vi_number(upper)}"
        rows.append((_colour(upper, bounds), span))
        lower = upper
    parts = [f'<g class="legend" transform="translate(10,{top + 8:.0f})">']
    for n, (colour, label) in enumerate(rows):
        y = n * 18
        parts.append(
            f'<rect x="0" y="{y}" width="14" height="14" fill="{colour}" stroke="#a0aec0"/>'
            f'<text x="20" y="{y + 11}">{escape(label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)
