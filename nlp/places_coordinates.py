"""GPS coordinates written in a text: decimal pairs, degrees-minutes-seconds and map links.

Citizens paste where a problem is as a pin copied from a map app: "10.850123, 106.771890",
``10°51'00.4"N 106°46'18.8"E``, ``https://www.google.com/maps/@10.8501,106.7719,17z`` or
``https://www.openstreetmap.org/?mlat=10.8501&mlon=106.7719``. ``coordinates_in`` finds the
first such point. Only points in Vietnam's span (latitude 8–24, longitude 102–110) written with
at least three decimals (or as degrees, minutes and seconds) count, so money ("10.500.000đ"),
dates ("10.11.2026"), phone numbers ("0901.234.567") and house numbers ("106/12") never read as
a place; a decimal comma ("10,85 ; 106,77") is too ambiguous and is not read. A short link
("https://maps.app.goo.gl/…") names no point: following it would need the network.

    >>> coordinates_in("Ngập tại đây https://maps.google.com/?q=10.8501,106.7719 cứu với")
    (10.8501, 106.7719)
    >>> coordinates_in("10°51'00.4\\"N 106°46'18.8\\"E")
    (10.850111, 106.771889)
    >>> coordinates_in("Giá 10.500.000đ, gọi 0901.234.567") is None
    True
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["coordinates_in"]

_LAT = (8.0, 24.0)
_LON = (102.0, 110.0)

# a decimal degree with at least three decimals, not part of a longer number ("0901.234.567",
# "10.500.000"): no digit or dot before, no dot-and-digit after
_DEG = r"(?<![\d.])-?\d{1,3}\.\d{3,}(?!\.?\d)"
_PAIR = re.compile(
    # the hemisphere before or after each number: "N 10.88 E 106.77", "10.88N 106.77E",
    # "10.88° N, 106.77° E"
    rf"(?:(?<![^\W\d_])[NS]\s?)?(?P<lat>{_DEG})(?:\s?°)?(?:\s?[NS](?![^\W\d_]))?"
    # "10.85, 106.77", "10.85 106.77", "10.85;106.77", "10.85 – 106.77", "lat 10.85 long 106.77",
    # "Vĩ độ: 10.85 – Kinh độ: 106.77", "@10.85,106.77,17z", "q=10.85%2C106.77"
    r"(?:\s*[,;/|–-]\s*|\s+|\s*[,;–-]?\s*(?:lon|long|lng|kinh độ|kinh do|kinh đo)\s*[:=]?\s*)"
    rf"(?:[EW]\s?)?(?P<lon>{_DEG})",
    re.IGNORECASE,
)
# OpenStreetMap: ?mlat=10.85&mlon=106.77; Google: !3d10.85!4d106.77
_NAMED = re.compile(rf"(?:mlat=|!3d)(?P<lat>{_DEG})(?:&mlon=|!4d)(?P<lon>{_DEG})")
_PART = r"(\d{1,3})\s*°\s*(\d{1,2})\s*['′’]\s*(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|”|'')?\s*"
_DMS = re.compile(rf"{_PART}(?P<ns>[NS])[\s,;]*{_PART}(?P<ew>[EW])", re.IGNORECASE)


def coordinates_in(text: str) -> tuple[float, float] | None:
    """The first point in Vietnam that ``text`` gives as coordinates, or None."""
    if not text or not any(c.isdigit() for c in text):
        return None
    plain = unquote(text) if "%" in text else text
    found: list[tuple[int, float, float]] = []
    for m in _DMS.finditer(plain):
        d1, m1, s1, d2, m2, s2 = (float(g) for g in m.group(1, 2, 3, 5, 6, 7))
        lat = (d1 + m1 / 60 + s1 / 3600) * (-1 if m["ns"].upper() == "S" else 1)
        lon = (d2 + m2 / 60 + s2 / 3600) * (-1 if m["ew"].upper() == "W" else 1)
        found.append((m.start(), round(lat, 6), round(lon, 6)))
    for pattern in (_NAMED, _PAIR):
        for m in pattern.finditer(plain):
            found.append((m.start(), float(m["lat"]), float(m["lon"])))
    for _, lat, lon in sorted(found):
        if _LAT[0] <= lat <= _LAT[1] and _LON[0] <= lon <= _LON[1]:
            return lat, lon
    return None
