"""Finding the ward a text talks about, by name, old name or alias (first version).

Names are matched on the model text without diacritics, so "P.Hiệp Bình Chánh", "phuong hiep
binh chanh" and "Hiệp Bình Chánh" all give "Hiệp Bình". A name right after a street word
("đường Tam Bình") is a street, not a ward. Names that are also a former city ("Thủ Đức")
count only after "phường". When nothing matches the answer is None: never guess.

    >>> gaz = WardGazetteer.from_reference(ReferenceData.load())
    >>> gaz.find(for_model("ngập nước ở p.Linh Trung"))
    'Linh Xuân'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.reference import ReferenceData
from nlp.normalize import strip_diacritics

_STREET_WORDS = (
    "duong", "hem", "kiet", "ngo", "quoc lo", "cau", "cho", "nga tu", "nga ba", "khu pho",
    "truong", "benh vien", "cong ty", "ga", "ben xe", "chung cu", "kdc", "khu dan cu",
)  # fmt: skip
_MARKED_ONLY = {"thu duc"}


@dataclass(frozen=True, slots=True)
class WardGazetteer:
    """Maps names (plain, lowercase) to canonical current ward names."""

    names: dict[str, str]
    pattern: re.Pattern[str]

    @classmethod
    def from_reference(cls, ref: ReferenceData) -> WardGazetteer:
        names: dict[str, str] = {}
        for ward in ref.wards:
            for name in (ward.name, *ward.aliases, *(f.name for f in ward.former_wards)):
                names.setdefault(_plain(name), ward.name)
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        street = "|".join(_STREET_WORDS)
        pattern = re.compile(
            rf"(?P<marker>\bphuong\s+)?(?<!\w)(?P<name>{alternatives})(?![\w])"
            rf"|(?P<street>\b(?:{street})\s+(?:{alternatives})(?!\w))"
        )
        return cls(names, pattern)

    def find(self, model_text: str) -> str | None:
        """The current ward named in ``model_text`` (from ``normalize.for_model``), or None."""
        plain = _plain(model_text)
        for m in self.pattern.finditer(plain):
            if m.group("street"):
                continue
            name = m.group("name")
            if name in _MARKED_ONLY and not m.group("marker"):
                continue
            return self.names[name]
        return None


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", strip_diacritics(text).lower()).strip()
