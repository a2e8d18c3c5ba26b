"""Where a report is about: ward, street, house number, alley, landmark, or GPS → ward.

Rules, not a model (``nlp.places_rules``). Every pattern runs over the text folded to lowercase
without diacritics, position for position (``nlp.places_text``), so a match is cut from the text
as the citizen wrote it: "Đường Võ Văn Ngân" gives "Võ Văn Ngân". A word typed with diacritics
must be spelled as listed ("cầu", not "câu"; "Trường Thạnh", not "trưởng thành"). A text typed
without any diacritic may write "cau" or "duong".

Ward decisions, in the order they are taken (see ``core/refdata/README.md``):

* **Coordinates** inside one of the 12 ward polygons win. The app attaches GPS to the place
  being reported, and GPS is more precise than any name. Points outside the 12 wards, and
  values that are not coordinates, give nothing, and the texts decide.
* Then the **location_text** field (the citizen's answer to "where?"), then the **text**.
* A current or former ward name counts, with or without diacritics, with "phường/P./F./Ph."
  or without: "P. Linh Trung, TP Thủ Đức" → Linh Xuân; also typed run together
  ("hiepbinhchanh", "p.thaodien"), and after "phường/P." with a wrong tone mark ("phường
  Trừơng Thạnh"). It does not count inside a street ("đường Tam Bình") or a landmark ("chợ
  Thủ Đức", "ga metro Thảo Điền"), after "quận/TP/xã/huyện", when placed elsewhere ("phường
  Long Bình, Biên Hòa", "phường An Khánh, quận Ninh Kiều"), or as part of a person's or a
  shop's name ("Ông Nguyễn Trường Thọ", "tiệm sửa xe Bình Trưng"). Without "phường" a name
  typed with diacritics must be capitalised.
* "Thủ Đức" is the ward only after "phường/P.". Alone, or with "TP/Quận", it is the former city
  or district and only sets ``district_hint``. "Tân Phú" and "An Phú" are also current wards
  elsewhere in Ho Chi Minh City, so they count only when the text also names this area
  ("Quận 9", "TP Thủ Đức" …).
* A mention after "phường/P." beats a bare one; otherwise the first mention wins. Anything else
  is None: a former district never becomes a ward, and nothing is guessed.

    >>> places = PlaceExtractor.from_reference(ReferenceData.load())
    >>> p = places.extract("ngập trước số 12/3 Võ Văn Ngân, P. Linh Chiểu")
    >>> (p.ward, p.street, p.house_number)
    ('Thủ Đức', 'Võ Văn Ngân', '12/3')
    >>> places.ward_at(10.8706, 106.7373)
    'Tam Bình'

The modules behind it: ``nlp.places_lexicon`` (streets of the area, landmark words, family
names, stop words), ``nlp.places_text`` (folding and phrase matching), ``nlp.places_patterns``
(regular expressions and context tests), ``nlp.places_streets`` (streets and alleys),
``nlp.places_rules`` (one text scanned) and ``nlp.ward_polygons`` (GPS → ward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.reference import ReferenceData
from core.types import Place
from nlp.places_coordinates import coordinates_in
from nlp.places_lexicon import _ALLEY_HEADS
from nlp.places_patterns import _ALLEY_NUMBER
from nlp.places_rules import _Found, _TextRules, blanked
from nlp.places_text import fold
from nlp.ward_polygons import DEFAULT_POLYGONS, WardPolygons

__all__ = ["Place", "PlaceExtractor", "WardGazetteer", "alley_numbers", "blanked"]


class PlaceExtractor:
    """Ward, street, house number, alley, landmark and district hint of a report.

    Cheap to call (precompiled regexes, ≥ 2,000 texts/s); build it once and share it.

        >>> places = PlaceExtractor.from_reference(ReferenceData.load())
        >>> places.extract("hẻm 12/5 Đặng Văn Bi bị ngập", location_text="P. Trường Thọ")
        Place(ward='Thủ Đức', ward_source='location_text', street='Đặng Văn Bi',
              house_number=None, alley='hẻm 12/5', landmark=None, district_hint=None)
    """

    def __init__(self, rules: _TextRules, polygons: WardPolygons) -> None:
        self._rules = rules
        self._polygons = polygons

    @classmethod
    def from_reference(cls, ref: ReferenceData, polygons: Path | None = None) -> PlaceExtractor:
        """Rules from the reference data; polygons from ``polygons`` or the bundled GeoJSON."""
        wards = [w.name for w in ref.wards]
        return cls(_TextRules(ref), WardPolygons.load(polygons or DEFAULT_POLYGONS, wards))

    def extract(
        self,
        text: str,
        location_text: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> Place:
        """Coordinates > location_text > text for the ward; location_text first for the rest.
        Coordinates written in a field (``coordinates_in``: "ghim 10.8501, 106.7719", a map
        link) say where the problem is, before any name: a point outside the 12 wards is no
        ward ("Mình ở An Khánh nhưng cây đổ ở đây: 10.7840, 106.6880"). The channel's own
        coordinates are where the sender stands: outside the wards, the names decide."""
        found = self._rules.scan(text or "")
        return self._combine(text, found, location_text, latitude, longitude)

    def extract_with_places(
        self,
        text: str,
        location_text: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> tuple[Place, str | None, list[tuple[int, int]]]:
        """``extract``, the text as the rules read it (letters stretched for emphasis blanked,
        at ``text``'s offsets; None for a text not ``normalize``d: call ``without_places``
        then) and the spans in it of every place it names (what ``without_places`` blanks)."""
        in_text, read, spans = self._rules.scan_with_places(text or "")
        return self._combine(text, in_text, location_text, latitude, longitude), read, spans

    def _combine(
        self,
        text: str | None,
        in_text: _Found,
        location_text: str | None,
        latitude: float | None,
        longitude: float | None,
    ) -> Place:
        in_location = self._rules.scan(location_text) if location_text else _Found()
        ward, source = None, None
        if latitude is not None and longitude is not None:
            ward = self.ward_at(latitude, longitude)
            source = "coordinates" if ward else None
        pinned = False
        for written, found, named in (
            (location_text, in_location, "location_text"),
            (text, in_text, "text"),
        ):
            if ward is None and not pinned and written and (point := coordinates_in(written)):
                ward, pinned = self.ward_at(*point), True
                source = f"coordinates in {named}" if ward else None
            if ward is None and not pinned and found.ward:
                ward, source = found.ward, named

        def first(field: str) -> str | None:
            value: str | None = getattr(in_location, field) or getattr(in_text, field)
            return value

        return Place(
            ward=ward,
            ward_source=source,
            street=first("street"),
            house_number=first("house_number"),
            alley=first("alley"),
            landmark=first("landmark"),
            district_hint=None if ward else first("district_hint"),
        )

    def ward_at(self, latitude: float, longitude: float) -> str | None:
        """The current ward at a GPS point, or None outside the 12 wards."""
        return self._polygons.ward_at(latitude, longitude)

    def without_places(self, text: str) -> str:
        """``text`` with every place it names blanked (wards in any form, streets, landmarks,
        alleys, words of place, numbers): what a report is about, for comparing reports.

            >>> places.without_places("Cháy nhà trong hẻm 20 Lã Xuân Oai, P. Long Trường")
            'Cháy nhà trong , .'
        """
        return self._rules.without_places(text or "")

    def find_ward(self, text: str) -> str | None:
        """The ward a text names (same rules as ``extract``), or None."""
        return self._rules.scan(text).ward


@dataclass(frozen=True, slots=True)
class WardGazetteer:
    """The ward named in a text, by the rules of ``PlaceExtractor`` (no coordinates).

    Kept for callers that only need the ward; it accepts ``normalize`` or ``for_model`` text.

        >>> gaz = WardGazetteer.from_reference(ReferenceData.load())
        >>> gaz.find(for_model("ngập nước ở p.Linh Trung"))
        'Linh Xuân'
    """

    rules: _TextRules

    @classmethod
    def from_reference(cls, ref: ReferenceData) -> WardGazetteer:
        return cls(_TextRules(ref))

    def find(self, model_text: str) -> str | None:
        """The current ward named in ``model_text``, or None."""
        return self.rules.scan(model_text).ward


_ALLEYS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(fold(h)) for h in _ALLEY_HEADS)
    + r")(?!\w)"
    + _ALLEY_NUMBER.pattern
)


def alley_numbers(folded_text: str) -> set[tuple[str, ...]]:
    """The alleys a folded text (lowercase, no diacritics) names by number, each as its
    "/"-separated parts, read with the place rules' alley words and numbers.

        >>> sorted(alley_numbers("hem 5/12 le van viet, kiet 40 va ngo so 7"))
        [('40',), ('5', '12'), ('7',)]
    """
    return {tuple(m[1].split("/")) for m in _ALLEYS.finditer(folded_text)}
