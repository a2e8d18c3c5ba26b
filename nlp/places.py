"""Where a report is about: ward, street, house number, alley, landmark, or GPS → ward.

Rules, not a model. Every pattern runs over the ``normalize``d text folded to lowercase without
diacritics, *position for position*, so a match is cut from the text as the citizen wrote it:
"duong vo van ngan" gives the street "vo van ngan", "Đường Võ Văn Ngân" gives "Võ Văn Ngân".
``for_model`` is not used, because its teencode turns "hem 12" into "không 12". A word typed
with diacritics must be spelled as listed ("cầu", not "câu"; "Trường Thạnh", not "trưởng
thành"). A text typed without any diacritic may write "cau" or "duong".

Ward decisions, in the order they are taken (see ``core/refdata/README.md``):

* **Coordinates** inside one of the 12 ward polygons win. The app attaches GPS to the place
  being reported, and GPS is more precise than any name. Points outside the 12 wards, and
  values that are not coordinates, give nothing, and the texts decide.
* Then the **location_text** field (the citizen's answer to "where?"), then the **text**.
* A current or former ward name counts, with or without diacritics, with "phường/P./F./Ph."
  or without: "P. Linh Trung, TP Thủ Đức" → Linh Xuân. It does not count inside a street
  ("đường Tam Bình") or a landmark ("chợ Thủ Đức", "ga metro Thảo Điền"), after
  "quận/TP/xã/huyện", or when placed elsewhere ("phường Long Bình, Biên Hòa"). Without
  "phường" a name typed with diacritics must be capitalised.
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

The lexicons below (streets of the area, landmark words, family names, stop words) are
reference data. They are kept here for now but belong in ``nlp/data/places.json``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.reference import ReferenceData
from core.types import Place
from nlp.normalize import normalize
from nlp.ward_polygons import DEFAULT_POLYGONS, WardPolygons

__all__ = ["Place", "PlaceExtractor", "WardGazetteer", "fold"]


# Streets of the former Thủ Đức City, also matched without "đường" before them.
_STREETS = (
    "Võ Văn Ngân", "Kha Vạn Cân", "Đặng Văn Bi", "Phạm Văn Đồng", "Tô Ngọc Vân", "Lê Văn Chí",
    "Hoàng Diệu 2", "Đoàn Công Hớn", "Chương Dương", "Dân Chủ", "Đào Trinh Nhất",
    "Nguyễn Văn Bá", "Lê Thị Hoa", "Ngô Chí Quốc", "Xa lộ Hà Nội", "Song Hành", "Tô Vĩnh Diện",
    "Đặng Thị Rành", "Nguyễn Văn Lịch", "Lý Tế Xuyên", "Phú Châu", "Cây Keo", "Hồ Văn Tư",
    "Lê Văn Ninh", "Bác Ái", "Gò Dưa", "Tam Hà", "Tam Châu", "Man Thiện", "Lê Văn Việt",
    "Lã Xuân Oai", "Đỗ Xuân Hợp", "Nguyễn Duy Trinh", "Nguyễn Xiển", "Lò Lu", "Long Thuận",
    "Nguyễn Văn Tăng", "Hoàng Hữu Nam", "Dương Đình Hội", "Đình Phong Phú", "Tây Hòa", "Nam Cao",
    "Hồ Bá Phấn", "Trương Văn Thành", "Lê Văn Thịnh", "Bưng Ông Thoàn", "Võ Chí Công",
    "Liên Phường", "Đồng Văn Cống", "Nguyễn Thị Định", "Mai Chí Thọ", "Lương Định Của", "Trần Não",
    "Xuân Thủy", "Quốc Hương", "Nguyễn Văn Hưởng", "Tống Hữu Định", "Nguyễn Cơ Thạch", "Tố Hữu",
    "Trần Lựu", "Lê Văn Miến", "Nguyễn Ư Dĩ", "Trương Văn Bang", "Vũ Tông Phan", "Trường Lưu",
    "Đặng Tiến Đông", "Nguyễn Quý Cảnh", "Lê Hữu Kiều", "Phước Thiện", "Tam Đa", "Ích Thạnh",
    "Nguyễn Văn Thạnh", "Bình Chiểu", "Thảo Điền", "Quốc lộ 1K", "Tỉnh lộ 43",
)  # fmt: skip
# Names that may follow a landmark word ("chợ …", "cầu …") even in lowercase.
_LANDMARK_NAMES = (
    "Sài Gòn", "Rạch Chiếc", "Bình Thái", "Bình Triệu", "Bình Phước", "Miền Đông mới",
    "Miền Đông", "Suối Tiên", "Thủ Thiêm 2", "Ba Son", "Phú Mỹ", "Nhỏ", "Mỹ Thủy", "Ông Nhiêu",
    "Nông Lâm", "Sư phạm Kỹ thuật", "Quốc gia", "MK", "Thủ Đức", "Lê Văn Thịnh",
)  # fmt: skip
# Landmarks named without a landmark word before them.
_STANDALONE_LANDMARKS = (
    "Vincom", "Gigamall", "Giga Mall", "Suối Tiên", "Vinhomes Grand Park", "Vinhomes",
    "The Global City", "Masteri", "Coopmart", "Co.opmart", "Bách Hóa Xanh", "Lotte Mart",
    "Emart", "Khu công nghệ cao", "Làng đại học", "ĐHQG", "Đại học Quốc gia", "Vạn Phúc City",
)  # fmt: skip
_STREET_HEADS = ("đường", "đg", "đ.", "đại lộ")
_ROAD_HEADS = ("quốc lộ", "ql", "tỉnh lộ", "tl", "hương lộ", "hl", "vành đai")  # keep the head
_LANDMARK_HEADS = (
    "chợ", "ngã tư", "ngã ba", "ngã năm", "ngã sáu", "ngã 3", "ngã 4", "ngã 5", "ngã 6",
    "vòng xoay", "bùng binh", "nút giao", "cầu", "hầm", "bến xe", "bến phà", "phà", "cảng",
    "nhà ga", "ga", "trạm metro", "bệnh viện", "bv", "trường", "đại học", "đh", "công viên",
    "siêu thị", "chung cư", "khu đô thị", "kđt", "khu dân cư", "kdc", "khu công nghiệp", "kcn",
    "khu chế xuất", "kcx", "ký túc xá", "kí túc xá", "ktx", "nhà văn hóa", "nhà thờ", "chùa",
    "trạm y tế", "khu du lịch", "kdl",
)  # fmt: skip
_QUALIFIERS = (
    "metro", "thcs", "thpt", "tiểu học", "mầm non", "đại học", "đh", "cao đẳng", "cđ",
    "quốc tế", "đa khoa", "đầu mối",
)  # fmt: skip
_ALLEY_HEADS = ("hẻm", "hxh", "kiệt", "ngõ", "ngách")
_HOUSE_WORDS = ("số nhà", "nhà số", "căn nhà số", "sn", "số", "nhà")
# Words that end a name, or are no name (folded): "đường ngập", "duong le loi bi lun".
_STOPWORD_TEXT = """
a ah ai ay ba ban bao bay be ben bi bien bo bui ca cac cai cam can canh cao chay chi chinh chieu
cho chua co con cong cu cua cuoi cung da dan dang dat dau day de den deu di dien do doan doc doi
dong du dua duoc duoi ga gan gi gia giua gom ha hai hang hay hem het hoac hoai hom hon hu hong
huong huyet it ke kenh ket khi kho khong khu khuc kia ko la lai lam lan lang lau lay le len lo
loai loi lon lun luon ma mat may moi mon mot muong nao nat nay ne nen ngap ngay ngo ngoai nha
nhanh nhe nhieu nho nhu nhua nhung no noi nua nuoc nut o oi ong pho qua quanh que ra rac rat ray
roi rong sach sang sat sau se so song sup ta tai tam tat tau thang the thi tho thoi thong thuy
toi tren trong troi tron truoc truyen tu tuyen uot va vang vao vay ve voi vong vua xa xau xe
xuong
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Words that end a capitalised name: "Lã Xuân Oai P.Tăng Nhơn Phú", "Lê Văn Việt Quận 9".
_MARKERS = (
    "p", "ph", "phường", "f", "q", "quận", "tp", "kp", "khu", "tổ", "ấp", "hẻm", "hxh", "kiệt",
    "ngõ", "ngách", "số", "đường", "tx", "huyện", "tỉnh", "xã",
)  # fmt: skip
# Family names: a street name that is not capitalised, or follows a bare house number, must
# start with one ("duong nguyen van ba", "12 Lê Văn Cao"). Names that are everyday words
# ("Cao", "Lại", "Từ", "Tăng", "Đồng" …) are left out on purpose.
_FAMILY_NAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Đinh", "Lâm", "Mai", "Trương", "Tô", "Tôn",
    "Lương", "Hà", "Châu", "Lã", "Quách", "Chu", "Trịnh", "Nghiêm", "Kiều", "Lưu", "Triệu",
    "Hứa", "Tạ", "Kha", "Phùng", "Diệp", "Vương", "Đàm", "Tống", "Bạch", "Doãn",
)  # fmt: skip
_OTHER_PLACES = (
    "Gò Vấp", "Bình Thạnh", "Tân Bình", "Tân Phú", "Phú Nhuận", "Bình Tân", "Nhà Bè", "Củ Chi",
    "Hóc Môn", "Bình Chánh", "Cần Giờ", "Biên Hòa", "Đồng Nai", "Bình Dương", "Dĩ An",
    "Thuận An", "Thủ Dầu Một", "Nha Trang", "Khánh Hòa", "Hà Nội", "Hoài Đức", "Vũng Tàu",
    "Nhơn Trạch", "Long Thành", "Bình Phước", "Đà Nẵng", "Cần Thơ",
)  # fmt: skip
# Reviewed initials of former wards; "BTĐ" is left out (also Bình Trị Đông).
_ABBREVIATIONS = {
    "hbc": "Hiệp Bình Chánh", "hbp": "Hiệp Bình Phước", "tnp": "Tăng Nhơn Phú",
    "tnpa": "Tăng Nhơn Phú A", "tnpb": "Tăng Nhơn Phú B", "ltm": "Long Thạnh Mỹ",
    "tml": "Thạnh Mỹ Lợi", "pla": "Phước Long A", "plb": "Phước Long B", "btt": "Bình Trưng Tây",
}  # fmt: skip
_NEEDS_MARKER = frozenset({"thu duc"})
_NEEDS_CONTEXT = frozenset({"tan phu", "an phu"})
# Former ward names that are everyday words typed without diacritics ("trưởng thành",
# "linh động", "cắt lại", "hiệp phụ"): without "phường" they must be capitalised.
_EVERYDAY = frozenset({"truong thanh", "truong tho", "linh dong", "cat lai", "hiep phu"})

_NUM = r"\d{1,5}[a-h]?(?:/\d{1,5}[a-h]?)*"
_NUM_END = r"(?![\w/]|[.,]\d)"
_NUMBER = re.compile(rf"(?<![\w/.,]){_NUM}{_NUM_END}")
_NUMBERED_NAME = re.compile(
    rf"(?:so\s*\d{{1,4}}[a-h]?|\d{{1,4}}[a-h]?|[a-z]\d{{1,2}}){_NUM_END}"
    r"(?!\s*(?:chieu|lan|km|m|met|cm|xe|nguoi|cai|con)(?!\w))"
)
_ROAD_NUMBER = re.compile(rf"\s*\.?\s*\d{{1,3}}[a-z]?{_NUM_END}")  # after "QL", "quốc lộ"
_ALLEY_NUMBER = re.compile(rf"\s*(?:so\s*)?{_NUM}{_NUM_END}")  # after "hẻm"
_HOUSE_NUMBER = re.compile(rf"\s*[:.]?\s*({_NUM}){_NUM_END}")  # after "số nhà"
_MARKER_BEFORE = re.compile(r"(?<!\w)(?:phuong|ph|p|f)\s*[.:]?\s*$")
_ADMIN_BEFORE = re.compile(
    r"(?<!\w)(?:quan|q|tp|thanh pho|huyen|tinh|thi xa|thi tran|tx|xa|district|city)\s*[.:]?\s*$"
)
# A bare ward name right after a form of address or a shop is someone's or something's name:
# "anh Long Bình nhà bên", "quán cơm Bình Thọ". Matched on the lowercased text as typed, so
# "chi", "co", "ba" count only where diacritics are missing ("chỉ", "có" stay words).
_NAMED_AFTER = re.compile(
    r"(?<!\w)(?:anh|chị|chi|cô|co|chú|chu|bác|ông|ong|bà|ba|em|cậu|dì|thím|mợ|quán \w+"
    r"|quan \w+|tiệm \w+|tiem \w+|nhà thuốc|nha thuoc|nhà hàng|nha hang|cửa hàng|cua hang"
    r"|khách sạn|khach san|công ty|cong ty|cty|shop|tạp hóa|tap hoa|karaoke|cà phê|ca phe"
    r"|cafe)\s*$"
)
_NOT_HOUSE_BEFORE = re.compile(
    r"(?<!\w)(?:ngay|luc|tu|den|hom|khu pho|kp|to|ap|phuong|p|f|quan|q|duong|ql|quoc lo|nga"
    r"|tinh lo|lo|tang|phong|can ho|block|lau|so|lop|nam)\s*[.:]?\s*$"
)
# "giảng đường", "thiên đường", "thị trường", "yêu cầu": the word is not a street or landmark.
_COMPOUND_BEFORE = re.compile(
    r"(?<!\w)(?:giang|thien|tieu|thao|thanh|hoc|luong|mia|banh|thi|cong|dau|moi|hien|chien"
    r"|ngu|thuong|lap|yeu|nhu|toan|dia) $"
)
_KTX = re.compile(r"(?<!\w)(?:ktx|k[yi] tuc xa)\s+khu\s+[a-z](?!\w)")
_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]+(?!\w)")


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x41, 0x1F00):
        low = chr(code).lower()
        if len(low) != 1:
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFD", low) if unicodedata.category(c) != "Mn"
        )
        base = base.replace("đ", "d")
        if len(base) == 1 and base != chr(code):
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lowercase without diacritics, one character for one: 'Đường Số 8' -> 'duong so 8'."""
    return text.translate(_FOLD)


def _squash(text: str) -> str:
    return re.sub(r"[\s.]+", "", text)


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


@dataclass(frozen=True, slots=True)
class _Text:
    """One text as written (``orig``) and folded (``folded``, same length)."""

    orig: str
    folded: str
    plain: bool  # < 30 % of the words carry diacritics: "duong" may stand for "đường"
    cased: bool  # has upper- and lowercase letters: a capital then marks a name

    @classmethod
    def of(cls, text: str) -> _Text:
        orig = normalize(text)
        folded = fold(orig)
        cased = any(c.islower() for c in orig) and any(c.isupper() for c in orig)
        words = [m.span() for m in _LETTERS.finditer(folded)]
        marked = sum(orig[s:e].lower() != folded[s:e] for s, e in words)
        return cls(orig, folded, marked < 0.3 * len(words) or not words, cased)

    def typed_plain(self, start: int, end: int) -> bool:
        return self.orig[start:end].lower() == self.folded[start:end]

    def capital(self, pos: int) -> bool:
        return self.cased and self.orig[pos : pos + 1].isupper()


class _Lexicon:
    """Phrases matched on folded text. Where the citizen typed diacritics the phrase must be
    spelled as listed: per phrase for names (``words=False``: "Tam Đa" but not "tâm Đà"), per
    text for common words (``words=True``: "duong" is "đường" only in a text typed mostly
    without diacritics, since "dương" is another word)."""

    def __init__(
        self, phrases: Iterable[str], *, words: bool, exact: bool = False, open_end: bool = False
    ) -> None:
        self.words = words
        self.spellings: dict[str, set[str]] = {}
        for phrase in phrases:
            key = _squash(fold(phrase))
            self.spellings.setdefault(key, set()).add(_squash(normalize(phrase).lower()))
        escaped = {re.escape(fold(p)) for p in phrases}
        if not exact:
            escaped = {re.sub(r"(?:\\ |\\\.)+", r"[\\s.]*", p) for p in escaped}
        alternation = "|".join(sorted(escaped, key=len, reverse=True))
        end = "" if open_end else r"(?!\w)"
        self.pattern = re.compile(rf"(?:{alternation}){end}")
        self.anywhere = re.compile(rf"(?<!\w)(?:{alternation}){end}")

    def spelled(self, t: _Text, start: int, end: int) -> bool:
        written = t.orig[start:end].lower()
        if t.plain or (not self.words and written == t.folded[start:end]):
            return True
        return _squash(written) in self.spellings.get(_squash(t.folded[start:end]), ())

    def match(self, t: _Text, pos: int) -> int | None:
        """The end of a listed phrase starting at ``pos``, or None."""
        m = self.pattern.match(t.folded, pos)
        return m.end() if m and self.spelled(t, pos, m.end()) else None

    def find(self, t: _Text) -> list[tuple[int, int]]:
        return [m.span() for m in self.anywhere.finditer(t.folded) if self.spelled(t, *m.span())]


@dataclass(frozen=True, slots=True)
class _Found:
    """What one text says, before the sources are combined."""

    ward: str | None = None
    street: str | None = None
    house_number: str | None = None
    alley: str | None = None
    landmark: str | None = None
    district_hint: str | None = None


_Street = tuple[int, int, int, int]  # span start, span end, name start, name end
_Span = tuple[int, int]


class _TextRules:
    """The compiled rules; built once from the reference data, then only read."""

    def __init__(self, ref: ReferenceData) -> None:
        names: dict[str, str] = {}
        for ward in ref.wards:
            for name in (ward.name, *ward.aliases, *(f.name for f in ward.former_wards)):
                names.setdefault(fold(name), ward.name)
        every_name = [n for w in ref.wards for n in (w.name, *w.aliases)] + [
            f.name for w in ref.wards for f in w.former_wards
        ]
        self.names = names
        self.wards = _Lexicon(every_name, words=False, exact=True)
        self.abbreviations = {a: names[fold(full)] for a, full in _ABBREVIATIONS.items()}
        self.abbreviation_re = re.compile(
            rf"(?<!\w)(?:phuong|ph|p|f)\s*[.:]?\s*({'|'.join(self.abbreviations)})(?!\w)"
        )
        self.streets = _Lexicon([s for s in _STREETS if fold(s) not in names], words=False)
        self.headed_names = _Lexicon((*_STREETS, *every_name), words=False)
        self.landmark_names = _Lexicon((*_LANDMARK_NAMES, *_STREETS, *every_name), words=False)
        self.standalone = _Lexicon(_STANDALONE_LANDMARKS, words=False)
        self.family = _Lexicon(_FAMILY_NAMES, words=True)
        self.street_heads = _Lexicon(_STREET_HEADS, words=True)
        self.road_heads = _Lexicon(_ROAD_HEADS, words=True, open_end=True)
        self.landmark_heads = _Lexicon(_LANDMARK_HEADS, words=True)
        self.qualifiers = _Lexicon(_QUALIFIERS, words=True)
        self.alley_heads = _Lexicon(_ALLEY_HEADS, words=True)
        self.house_words = _Lexicon(_HOUSE_WORDS, words=True)
        self.markers = _Lexicon(_MARKERS, words=True)
        others = "|".join(re.escape(fold(p)) for p in _OTHER_PLACES)
        self.elsewhere_after = re.compile(
            r"\s*[,\-–(]?\s*(?:(?:o|thuoc|tai)\s+)?(?:(?:quan|q)\s*\.?\s*(?:1[0-2]|[13-8])(?!\w)"
            rf"|(?:(?:quan|q|tp|thanh pho|huyen|tinh|thi xa|tx)\s*\.?\s*)?(?:{others})(?!\w))"
        )
        self.hints: dict[str, str] = {}
        by_wards: dict[tuple[str, ...], str] = {}
        for alias, wards in ref.district_aliases.items():
            self.hints[_hint_key(alias)] = by_wards.setdefault(tuple(sorted(wards)), alias)
        self.city = self.hints.get(_hint_key("TP Thủ Đức"))
        keys = "|".join(sorted(self.hints, key=len, reverse=True))
        self.hint_re = re.compile(rf"(?<!\w)(?:{keys}|thu duc)(?!\w)")

    def scan(self, text: str) -> _Found:
        t = _Text.of(text)
        ward_names = self.wards.find(t)
        streets = self._headed_streets(t)
        landmarks = self._landmarks(t, [s[:2] for s in streets] + ward_names)
        streets += self._bare_streets(t, [s[:2] for s in streets] + landmarks)
        alleys = self._alleys(t, [s[:2] for s in streets] + landmarks)
        streets += self._streets_after_numbers(t, alleys, [s[:2] for s in streets] + landmarks)
        house = self._house_number(t, alleys, streets)
        blocked = [s[:2] for s in streets] + landmarks
        hints = self._hints(t, blocked)
        ward, ward_span = self._ward(t, blocked, bool(hints))
        hint = None
        if ward is None:
            hint = next(
                (h for span, h in hints if not (ward_span and _inside(*span, [ward_span]))), None
            )
        street = min(streets, default=None)
        landmark = min(landmarks, default=None)
        return _Found(
            ward=ward,
            street=t.orig[street[2] : street[3]] if street else None,
            house_number=house,
            alley=t.orig[alleys[0][0] : alleys[0][1]] if alleys else None,
            landmark=t.orig[landmark[0] : landmark[1]] if landmark else None,
            district_hint=hint,
        )

    # -- streets and alleys -------------------------------------------------------------------

    def _headed_streets(self, t: _Text) -> list[_Street]:
        """ "đường X", "đường số 8", "QL13", "Quốc lộ 13" (a numbered road keeps its head)."""
        found: list[_Street] = []
        for start, end in self.road_heads.find(t):
            number = _ROAD_NUMBER.match(t.folded, end)
            if number:
                found.append((start, number.end(), start, number.end()))
        for start, end in self.street_heads.find(t):
            if t.folded[end : end + 1] != " " or _compound(t.folded, start):
                continue
            numbered = _NUMBERED_NAME.match(t.folded, end + 1)
            if numbered:
                found.append((start, numbered.end(), start, numbered.end()))
            elif name := self._street_name(t, end + 1):
                found.append((start, name[1], *name))
        return [f for f in found if not any(f[0] > g[0] and f[1] <= g[1] for g in found)]

    def _street_name(self, t: _Text, pos: int) -> _Span | None:
        """A known street; ≥ 2 capitalised words; or lowercase words that start with a family
        name ("duong nguyen van ba"): most streets are named after people."""
        known = self.headed_names.match(t, pos)
        if known:
            return pos, known
        if t.capital(pos):
            run = self._capitalised(t, pos, stop=True)
            acronym = t.orig[pos : pos + 2].isupper()
            return (run[0], run[1]) if run and run[2] >= 2 and not acronym else None
        if self.family.match(t, pos) is None:
            return None
        return self._lowercase(t, pos, min_words=3 if t.plain else 2)

    def _bare_streets(self, t: _Text, blocked: list[_Span]) -> list[_Street]:
        """Known streets without "đường": capitalised, or ≥ 3 words in a text without capitals
        ("Kha Vạn Cân kẹt xe", "ket xe vo van ngan"; not "dân chủ")."""
        found: list[_Street] = []
        for s, e in self.streets.find(t):
            named = t.capital(s) or (not t.cased and len(t.folded[s:e].split()) >= 3)
            if named and not _inside(s, e, blocked):
                found.append((s, e, s, e))
        return found

    def _alleys(self, t: _Text, blocked: list[_Span]) -> list[_Span]:
        found = []
        for start, end in self.alley_heads.find(t):
            m = _ALLEY_NUMBER.match(t.folded, end)
            if m and not _inside(start, m.end(), blocked):
                found.append((start, m.end()))
        return found

    def _streets_after_numbers(
        self, t: _Text, alleys: list[_Span], taken: list[_Span]
    ) -> list[_Street]:
        """The street after an alley ("hẻm 5 Hiệp Bình") or a house number, where an unknown
        name must start with a family name ("12/3 Lê Văn Cao"; not "năm 2018 Trung Quốc")."""
        numbers = [
            m.end() for m in _NUMBER.finditer(t.folded) if not _not_house(t.folded, m.start())
        ]
        found: list[_Street] = []
        for end, after_alley in [*((a[1], True) for a in alleys), *((n, False) for n in numbers)]:
            pos = end + 1
            if t.folded[end:pos] != " " or _inside(pos, pos + 1, taken):
                continue
            known = self.headed_names.match(t, pos) if after_alley else None
            if known:
                found.append((pos, known, pos, known))
            elif t.capital(pos) and (after_alley or self.family.match(t, pos) is not None):
                run = self._capitalised(t, pos, stop=True)
                if run and run[2] >= 2:
                    found.append((run[0], run[1], run[0], run[1]))
        return found

    def _capitalised(
        self, t: _Text, pos: int, *, stop: bool, gaps: bool = False
    ) -> tuple[int, int, int] | None:
        """(start, end, words) of capitalised words ("Võ Văn Ngân"). ``stop``: end before a
        ward name; ``gaps``: one lowercase word may sit between capitalised ones ("Bách khoa
        Hà Nội")."""
        start, end, count = pos, None, 0
        while count < 8:
            word = _WORD.match(t.orig, pos)
            if not word or self.markers.match(t, pos) == word.end():
                break
            if not t.capital(pos):
                after = word.end() + 1
                gap_ok = gaps and count and t.folded[pos : word.end()] not in _STOPWORDS
                if not (gap_ok and t.orig[word.end() : after] == " " and t.capital(after)):
                    break
            elif stop and count and self.wards.match(t, pos):
                break
            end, count = word.end(), count + 1
            if t.orig[end : end + 1] != " ":
                break
            pos = end + 1
        return (start, end, count) if end is not None else None

    def _lowercase(self, t: _Text, pos: int, min_words: int) -> _Span | None:
        """Up to 4 words that are not stop words ("nguyen van ba" in "nguyen van ba bi ngap")."""
        start, end, count = pos, None, 0
        while count < 4:
            word = _LETTERS.match(t.folded, pos)
            if not word or (count and word.group() in _STOPWORDS):
                break
            if count and (self.wards.match(t, pos) or self.markers.match(t, pos)):
                break
            end, count = word.end(), count + 1
            if t.folded[end : end + 1] != " ":
                break
            pos = end + 1
        return (start, end) if end is not None and count >= min_words else None

    # -- landmarks, house numbers, district hints, wards ------------------------------------

    def _landmarks(self, t: _Text, blocked: list[_Span]) -> list[_Span]:
        found = [m.span() for m in _KTX.finditer(t.folded)]
        for start, end in self.landmark_heads.find(t):
            if (
                _inside(start, end, blocked)
                or _inside(start, end, found)
                or _compound(t.folded, start)
                or t.folded[end : end + 1] != " "
            ):
                continue
            pos = self._after_qualifiers(t, end + 1)
            known = self.landmark_names.match(t, pos)
            if known:
                found.append((start, known))
            elif t.capital(pos) and (run := self._capitalised(t, pos, stop=False, gaps=True)):
                found.append((start, run[1]))
        for start, end in self.standalone.find(t):
            if _inside(start, end, blocked) or _inside(start, end, found):
                continue
            run = None
            if t.orig[end : end + 1] == " " and t.capital(end + 1):
                run = self._capitalised(t, end + 1, stop=False)
            found.append((start, run[1] if run else end))
        return found

    def _after_qualifiers(self, t: _Text, pos: int) -> int:
        """Skip "metro", "THCS", "đại học" … between a landmark word and the name."""
        while (end := self.qualifiers.match(t, pos)) is not None and t.folded[end : end + 1] == " ":
            pos = end + 1
        return pos

    def _house_number(self, t: _Text, alleys: list[_Span], streets: list[_Street]) -> str | None:
        """ "số nhà 12", "số 3 hẻm 5", "12/3 Võ Văn Ngân": a number so named or before a street."""
        starts = {s[0] for s in streets} | {a[0] for a in alleys}
        taken = [s[:2] for s in streets] + alleys
        candidates: list[_Span] = []
        for start, end in self.house_words.find(t):
            m = _HOUSE_NUMBER.match(t.folded, end)
            if not m or _inside(*m.span(1), taken):
                continue
            strong = t.folded[start:end] not in ("so", "nha")
            if strong or m.end() + 1 in starts or m.end() + 2 in starts:
                candidates.append(m.span(1))
        for m in _NUMBER.finditer(t.folded):
            if _inside(*m.span(), taken) or _not_house(t.folded, m.start()):
                continue
            if m.end() + 1 in starts or m.end() + 2 in starts:
                candidates.append(m.span())
        if not candidates:
            return None
        start, end = min(candidates)
        return t.orig[start:end]

    def _hints(self, t: _Text, blocked: list[_Span]) -> list[tuple[_Span, str]]:
        """Former districts and the former city named outside streets and landmarks."""
        found = []
        for m in self.hint_re.finditer(t.folded):
            if not _inside(*m.span(), blocked) and t.orig[m.start() : m.end()] != "td":
                found.append((m.span(), self.hints.get(_hint_key(m.group()), self.city)))
        return found

    def _ward(
        self, t: _Text, blocked: list[_Span], local_context: bool
    ) -> tuple[str | None, _Span | None]:
        """The ward named: the first one after "phường/P." if any, else the first bare one."""
        bare: tuple[str, _Span] | None = None
        marked: list[tuple[int, str, _Span]] = []
        for start, end in self.wards.find(t):
            name = t.folded[start:end]
            before = t.folded[max(0, start - 24) : start]
            if (
                _inside(start, end, blocked)
                or _ADMIN_BEFORE.search(before)
                or self.elsewhere_after.match(t.folded, end)
                or (name in _NEEDS_CONTEXT and not local_context)
            ):
                continue
            if _MARKER_BEFORE.search(before):
                marked.append((start, self.names[name], (start, end)))
            elif (
                bare is None
                and name not in _NEEDS_MARKER
                and _looks_like_name(t, start, end)
                and not _NAMED_AFTER.search(t.orig[max(0, start - 24) : start].lower())
            ):
                bare = self.names[name], (start, end)
        for m in self.abbreviation_re.finditer(t.folded):
            if not _inside(*m.span(1), blocked):
                marked.append((m.start(1), self.abbreviations[m.group(1)], m.span(1)))
        if marked:
            _, ward, span = min(marked)
            return ward, span
        return bare if bare else (None, None)


def _looks_like_name(t: _Text, start: int, end: int) -> bool:
    """A ward name without "phường" must look like a name. In a text with capitals it is
    capitalised ("Trường Thọ", "Tam Bình"), or all lowercase and typed without diacritics
    ("o linh trung"); not "trường thọ", nor "Tam binh" opening a sentence. Everyday words
    ("truong thanh", "linh dong") must be capitalised."""
    words = t.orig[start:end].split()
    capitalised = all(w[:1].isupper() for w in words)
    if t.folded[start:end] in _EVERYDAY:
        return t.cased and capitalised
    lowercase = all(w[:1].islower() for w in words) and t.typed_plain(start, end)
    return not t.cased or capitalised or lowercase


def _compound(folded: str, start: int) -> bool:
    """True when the word at ``start`` ends a compound ("giảng đường", "thị trường")."""
    return bool(_COMPOUND_BEFORE.search(folded[max(0, start - 8) : start]))


def _not_house(folded: str, start: int) -> bool:
    """True when the number at ``start`` follows "ngày", "phường", "khu phố" … (not a house)."""
    return bool(_NOT_HOUSE_BEFORE.search(folded[max(0, start - 16) : start]))


def _hint_key(alias: str) -> str:
    """ "Q.9" -> r"q[\\s.]*9": a district alias as a pattern, separators and case free."""
    tokens = re.findall(r"[a-z]+|\d+", fold(alias))
    return r"[\s.]*".join(tokens)


# -- the public entry points ------------------------------------------------------------------


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
        """Coordinates > location_text > text for the ward; location_text first for the rest."""
        in_text = self._rules.scan(text or "")
        in_location = self._rules.scan(location_text) if location_text else _Found()
        ward, source = None, None
        if latitude is not None and longitude is not None:
            ward = self.ward_at(latitude, longitude)
            source = "coordinates" if ward else None
        if ward is None and in_location.ward:
            ward, source = in_location.ward, "location_text"
        if ward is None and in_text.ward:
            ward, source = in_text.ward, "text"

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
