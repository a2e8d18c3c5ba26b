"""Ward polygons and the point-in-polygon test: which current ward a coordinate lies in.

The polygons are ``core/refdata/wards.geojson`` (simplified from the sources named in
``core/refdata/README.md``); coordinates outside all of them give no ward, nothing is guessed.

    >>> polygons = WardPolygons.load(DEFAULT_POLYGONS, [w.name for w in ref.wards])
    >>> polygons.ward_at(10.8706, 106.7373)
    'Tam Bình'
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import InvalidInput
from core.reference import DEFAULT_DIR

__all__ = ["DEFAULT_POLYGONS", "WardPolygons"]

DEFAULT_POLYGONS = DEFAULT_DIR / "wards.geojson"

_Ring = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # x_i, y_i, x_(i-1), y_(i-1)


@dataclass(frozen=True, slots=True)
class _Polygon:
    ward: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    rings: tuple[_Ring, ...]  # the outer ring, then its holes


class WardPolygons:
    """The ward polygons of ``core/refdata/wards.geojson`` with a fast point-in-polygon test.

    Ray casting in numpy per ring after a bounding-box check: a lookup costs microseconds.

        >>> polygons = WardPolygons.load(DEFAULT_POLYGONS, [w.name for w in ref.wards])
        >>> polygons.ward_at(10.8706, 106.7373)
        'Tam Bình'
    """

    def __init__(self, polygons: Iterable[_Polygon]) -> None:
        self._polygons = tuple(polygons)
        boxes = [p.bbox for p in self._polygons] or [(0.0, 0.0, -1.0, -1.0)]
        self._bbox = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    @classmethod
    def load(cls, path: Path, wards: Iterable[str]) -> WardPolygons:
        """Read a FeatureCollection whose features carry ``properties.name`` = a ward name."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            polygons = [p for feature in doc["features"] for p in _polygons(feature)]
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise InvalidInput(
                f"cannot read ward polygons {path}: {exc}", code="refdata.polygons"
            ) from exc
        unknown = sorted({p.ward for p in polygons} - set(wards))
        if unknown:
            raise InvalidInput(
                f"ward polygons name unknown wards: {unknown}", code="refdata.polygons"
            )
        return cls(polygons)

    @property
    def wards(self) -> frozenset[str]:
        return frozenset(p.ward for p in self._polygons)

    def ward_at(self, latitude: float, longitude: float) -> str | None:
        """The ward containing the point, or None (outside every polygon, or not a coordinate)."""
        try:
            lat, lon = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
            return None
        x0, y0, x1, y1 = self._bbox
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return None
        for p in self._polygons:
            if p.bbox[0] <= lon <= p.bbox[2] and p.bbox[1] <= lat <= p.bbox[3]:
                outer, *holes = p.rings
                if _in_ring(outer, lon, lat) and not any(_in_ring(h, lon, lat) for h in holes):
                    return p.ward
        return None


def _polygons(feature: dict[str, Any]) -> list[_Polygon]:
    geometry = feature["geometry"]
    kind, coords = geometry["type"], geometry["coordinates"]
    parts = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else None
    if parts is None:
        raise ValueError(f"unsupported geometry {kind}")
    out = []
    for rings in parts:
        arrays = [np.asarray(r, dtype=np.float64)[:, :2] for r in rings]
        x, y = arrays[0][:, 0], arrays[0][:, 1]
        bbox = (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
        ring_data = tuple(
            (a[:, 0], a[:, 1], np.roll(a[:, 0], 1), np.roll(a[:, 1], 1)) for a in arrays
        )
        out.append(_Polygon(str(feature["properties"]["name"]), bbox, ring_data))
    return out


def _in_ring(ring: _Ring, x: float, y: float) -> bool:
    xi, yi, xj, yj = ring
    crosses = (yi > y) != (yj > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = (xj - xi) * (y - yi) / (yj - yi) + xi
    return bool(np.count_nonzero(crosses & (x < at)) % 2)
