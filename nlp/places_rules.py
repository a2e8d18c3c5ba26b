"""The compiled rules of ``nlp.places``: one text in, the ward, street, house number, alley,
landmark and district hint it names out.

``_TextRules.scan`` finds streets first (``nlp.places_streets``), then landmarks, alleys and the
house number outside them, then district hints and the ward outside streets and landmarks, by
the ward decisions listed in ``nlp.places``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.reference import ReferenceData
from nlp.normalize import normalize
from nlp.places_lexicon import (
    _ABBREVIATIONS,
    _ABBREVIATIONS_NEED_HINT,
    _ALLEY_HEADS,
    _EVERYDAY_WORDS,
    _FAMILY_NAMES,
    _HOUSE_WORDS,
    _LANDMARK_HEADS,
    _LANDMARK_NAMES,
    _MARKERS,
    _NAME_THEN_WORD,
    _NEEDS_CONTEXT,
    _NEEDS_MARKER,
    _OTHER_PLACES,
    _QUALIFIERS,
    _ROAD_HEADS,
    _STANDALONE_LANDMARKS,
    _STREET_HEADS,
    _STREETS,
    _SURNAMES,
    load_elsewhere,
)
from nlp.places_patterns import (
    _ADMIN_BEFORE,
    _CHAT_TITLE,
    _HOUSE_NUMBER,
    _KTX,
    _MARKER,
    _MARKER_AT,
    _MARKER_BEFORE,
    _NAMED_AFTER,
    _NEAR_BEFORE,
    _NUMBER,
    _WORD,
    _compound,
    _hint_key,
    _looks_like_name,
    _not_house,
)
from nlp.places_streets import _Span, _Street, _StreetRules
from nlp.places_text import _inside, _Lexicon, _squash, _Text, fold

# the writer's own place before a ward's name: "nhà tôi ở", "mình ở", "tôi làm ở phường"
_WRITER_BEFORE = re.compile(
    r"(?<!\w)(?<!mot )(?:(?:nha|nha tro|phong tro) )?(?:toi|tui|em|e|t|minh|chung toi|gia dinh toi)"
    r"(?: (?:dang|hien|van|cung|thi))? (?:o|song|song o|lam|lam o|lam viec o|tro o|o tro|hoc o|ben"
    r"|nha o|nha tai"  # "Em nhà ở phường …"
    r"|di lam|di hoc|song tai|lam tai|lam viec tai|ngu|ngu tai|ngu o"
    r"|(?:cu|thuong|tam) tru(?: o| tai)?)"
    r"(?: (?:ben|khu|tai|tan))?(?: (?:phuong|p))?\s*[.:]?\s*$"
    r"|(?<!\w)tu nha (?:o|tai)(?: (?:phuong|p))?\s*[.:]?\s*$"  # "đi học từ nhà ở phường …"
    # "nhà mình p.an khánh", "nhà t Hiệp Phú, …"
    r"|(?<!\w)nha (?:toi|tui|em|e|t|minh)(?: (?:phuong|p))?\s*[.:]?\s*$"
    r"|(?<!\w)(?:thuong tru|tam tru|cu ngu)(?: (?:o|tai))?(?: (?:phuong|p))?\s*[.:]?\s*$"
    # a caller's or writer's address in a note: "Bà Nguyễn Thị Thu, trú tại phường Cát Lái"
    r"|(?<!\w)(?:cu tru|tru|ngu)(?: (?:o|tai)(?: (?:phuong|p))?| (?:phuong|p))\s*[.:]?\s*$"
    # the caller's home in an operator's note: "người gọi ở P. Hiệp Bình", "nguoi dan o P. Cat Lai"
    r"|(?<!\w)(?:nguoi goi|nguoi dan|nguoi phan anh|cong dan)(?: (?:song|ngu|tru))?(?: o| tai)"
    r"(?: (?:phuong|p))?\s*[.:]?\s*$"
    # where the caller is now, in a note: "Chị Thảo, đang ở nhà mẹ tại phường Bình Trưng, gọi báo"
    r"|(?:^|[,;(\n]\s*)dang o (?:nha \w+(?: \w+)? )?(?:o |tai )?(?:phuong|p)\s*[.:]?\s*$"
)
# a workplace in a note, without a pronoun: "…, làm việc tại phường Tăng Nhơn Phú, nhà ở …"
_WORK_NOTE_BEFORE = re.compile(
    r"(?:^|[,.;:\n]\s*)(?:lam viec|lam|cong tac) (?:tai|o)(?: (?:phuong|p))?\s*[.:]?\s*$"
)
# the writer's address given as a field: "Người viết: …, địa chỉ: 112 Nguyễn Thị Định, P. Bình
# Trưng. Nội dung: … thuộc phường Cát Lái"
_ADDRESS_FIELD_BEFORE = re.compile(
    r"(?<!\w)(?:dia chi(?! (?:su|xay|noi|phan))(?: \w+){0,5}|noi o|cho o)\s*:[^.;!?\n:()|/]{0,45}?"
    r"(?:(?:phuong|p)\s*\.?\s*)?$"
    r"|(?<!\w)dia chi (?:lien he|thuong tru|nha)(?: (?:phuong|p))\s*\.?\s*$"
)
# the office that writes or forwards a note: "điểm trực P. Tăng Nhơn Phú", "từ UBND phường Linh
# Xuân", "Trung tâm phục vụ hành chính công phường Hiệp Bình"
_OFFICE_BEFORE = re.compile(
    r"(?<!\w)(?:tu|diem truc|tru so|trung tam phuc vu hanh chinh cong"
    r"|bo phan tiep nhan(?: phan anh)?(?:\s*[-–]\s*)?)"
    r"(?: (?:ubnd|uy ban nhan dan|cong an))?\s+(?:phuong|p)\s*\.?\s*$"
)
_FORWARDS_AFTER = re.compile(
    r"\s*(?:kinh chuyen|chuyen tiep|chuyen den|chuyen (?:don|ho so|phieu|phan anh|van ban|ubnd"
    r"|uy ban|phuong|p))(?!\w)"
)
# work or school, not home: "tôi làm ở", "công ty thì ở", "con mình học ở"
_WORK_BEFORE = re.compile(
    r"(?<!\w)(?:lam|lam viec|di lam|hoc|di hoc|cong ty|cty)(?: (?:thi|o|ben|tai|khu))*"
    r"(?: (?:phuong|p))?\s*[.:]?\s*$"
)
# a field saying where the problem is, or a ward said to be where it is
_PROBLEM_FIELD_BEFORE = re.compile(
    r"(?<!\w)(?:noi xay ra|vi tri|dia diem|khu vuc xay ra|dia chi (?:su co|xay ra|noi xay ra)"
    r"|noi dung|phan anh|viec ton|mo ta|su viec)(?: \w+){0,4}\s*:[^\n|:]{0,90}$"
    r"|(?<!\w)(?<!khong )(?:thuoc dia ban|thuc te thuoc|doan (?:qua|thuoc)|vi tri (?:nay )?thuoc"
    r"|bao (?:cho )?(?:ca|cong an|ubnd|uy ban)|thuoc khu vuc)(?: (?:phuong|p))?\s*\.?\s*$"
    # "Tại phường Linh Đông cũ, …" opening a sentence
    r"|(?:^|[.!?\n]\s*)tai (?:phuong|p)\s*\.?\s*$"
)
# the problem is by the writer's home
_NEAR_HOME = re.compile(
    r"(?<!\w)(?:(?:gan|truoc|canh|sau|hem|trong hem|dau hem|khu pho|xom|doi dien) nha"
    r"(?! (?:tho|hang|may|van hoa|sach|xe|nghi|khach|thuoc|ga|hat|thi dau|dan|nuoc|mang"
    r"|me|ba|bo|ong|ngoai|noi|co|chu|di|bac|anh|chi|em|con|hang xom|ban)| so(?!\w)| \d)"
    r"(?: (?:toi|tui|em|minh|t|e))?)(?!\w)"
)
_DIGITS = re.compile(r"\d+(?:[/.,:]\d+)*")  # house and alley numbers, times, dates
_LINK = re.compile(r"(?:https?://|www\.)\S+")  # a map link, a pinned place
# the problem said to be in the writer's ward too: "…, cũng ở Long Bình, …"
_ALSO_IN_BEFORE = re.compile(r"(?<!\w)(?:cung|van) (?:o|thuoc|la)\s*$")
# another house of the writer's, where "trước nhà" may be: "Tôi có căn nhà cho thuê tại …"
_OTHER_HOUSE = re.compile(
    r"(?<!\w)(?:(?:can )?nha cho thue|(?:co|so huu) (?:mot |1 )?(?:can )?nha)(?!\w)"
)
# by a relative's home: "trước nhà ba", "hẻm nhà mẹ tôi"
_NEAR_KIN_HOME = re.compile(
    r"(?<!\w)(?:gan|truoc|canh|sau|hem|dau hem|doi dien) nha"
    r" (?:me|ba|bo|ong|ngoai|noi|co|chu|di|bac|anh|chi|con)(?!\w)"
)
# a relative's home, not the writer's: "Ông ngoại tôi ở Long Phước", "mẹ mình sống ở"
_KIN_HOME_BEFORE = re.compile(
    r"(?<!\w)(?:ong|ba|me|bo|ma|ngoai|noi|anh|chi|em|con|co|chu|bac|di|cau|vo|chong)"
    r" (?:toi|tui|em|minh|t|e)(?: \w+)? (?:o|song o)(?: (?:phuong|p))?\s*\.?\s*$"
)
# a ward said not to be the one: "không phải Long Bình Q9 đâu", "hông phải Linh Đông đâu", "không
# thuộc địa bàn phường Linh Xuân", "gần ranh với Cát Lái nhưng vẫn là Bình Trưng Tây cũ"
_DENIED_BEFORE = re.compile(
    r"(?<!\w)(?:(?:gan|sat|giap) ranh(?: voi)?"  # "gần ranh với Cát Lái nhưng vẫn là …"
    r"|(?:khong|ko|k|hong) (?:phai(?: (?:o|la))?|thuoc(?: (?:dia ban|khu vuc|dia gioi))?"
    r"(?: quan ly)?(?: cua)?))(?: (?:phuong|p))?\s*\.?\s*$"
)
# "Nhà ở …" opening the text or a sentence: the writer's home
_HOME_OPENING = re.compile(
    r"(?:^|[.!?\n,]\s*)nha(?: tro)? (?:o|tai)"
    # an address before the ward: "nhà ở 112 Dương Đình Hội, khu phố 6, phường …"
    r"(?: (?:so )?\d[^.;!?\n:()]{0,50}?| (?:hem|duong|khu pho|kp|to) [^.;!?\n:()]{0,50}?)?"
    r"(?: (?:phuong|p))?\s*[.:]?\s*$"
)
# the problem is on the writer's way elsewhere, after the writer's own ward: "Em ở Linh Trung
# mà ngày nào cũng đi làm qua Dĩ An", "qua phà sang Nhơn Trạch", "đoạn đường tôi đi làm"; or
# at the writer's work or school elsewhere
_AWAY_AFTER = re.compile(
    r"(?<!\w)(?:di (?:lam|hoc|cong tac)|(?:cho|dua|don) (?:con|be|chau)(?: \w+)? di hoc"
    r"|chay xe)(?: \w+){0,2}? (?:qua|ngang|sang|thay)(?!\w)"
    # "but where I work is elsewhere": "mà chỗ em làm ở Bình Thạnh" (not "kẹt ở chỗ làm")
    r"|(?<!\w)(?:ma|nhung) (?:cho|noi|cong ty|cty|xuong) (?:(?:toi|tui|em|minh|t|e) )?"
    r"(?:lam|lam viec|hoc) (?:o|ben|tai)(?!\w)"
    r"|(?<!\w)qua pha sang(?!\w)|(?<!\w)(?:di|chay) (?:qua|ngang)(?: \w+){1,5}? thay(?!\w)"
    r"|(?<!\w)(?:qua|ngang) (?:\w+ ){1,4}di (?:lam|hoc)(?!\w)"  # "qua hầm Thủ Thiêm đi làm"
    r"|(?<!\w)(?:duong|tren duong) (?:(?:toi|tui|em|minh|e) )?(?:di lam|di hoc)(?!\w)"
)
# … unless it is at home after all: "đi làm thấy đầu hẻm nhà em ngập"
_HOME_AFTER = re.compile(
    r"(?<!\w)(?:(?:truoc|gan|canh|sau|hem) nha|dau hem|khu pho|xom"
    r"|(?<!cach )(?<!xa )nha (?:toi|tui|em|minh|e|t))(?!\w)"  # not "cách nhà em hai cây số"
)
# a place elsewhere that is not where the problem is: said not to be the one ("chớ không phải
# Biên Hòa", "không phải Long Phước bên Long Thành, Đồng Nai"), the writer's home town ("quê
# Đồng Nai"), or where the writer is now ("Tôi đang kẹt ở chỗ làm bên Bình Dương")
_NOT_THERE_BEFORE = re.compile(
    r"(?<!\w)(?:khong|ko|k) phai[^.!?;\n]{0,30}$"
    r"|(?<!\w)(?<!ve )(?<!di )(?:que|que quan|nguyen quan)(?: (?:o|tai))?\s*$"
    r"|(?<!\w)(?<!con )(?<!vo )(?<!chong )(?<!ty )(?<!xuong )(?<!me )(?<!ba )(?<!bo )(?<!ong )"
    r"(?<!anh )(?<!chi )(?<!em )(?<!co )(?<!chu )(?<!bac )(?<!di )(?<!cau )(?:toi|tui|em|minh|t|e)"
    r"(?: \w+){0,4} (?:o|ben|tai)"
    r"(?: \w+){0,3}\s*$"
)
# words that head a place named after a ward: "bệnh viện …", "chợ …", "KCN …"
_FAR_HEADS = r"(?:benh vien|bv|cho|kcn|khu cong nghiep|san bay|ben xe)"
# the writer came back from the place: "vừa đi Đà Lạt về thì thấy …"
_BACK_AFTER = re.compile(r"\s+(?:(?:moi|vua|thi|choi|xong) )?ve(?!\w)")
_LIST_COMMA = re.compile(r"\s*,\s*")
_NOW_IN_BEFORE = re.compile(
    r"(?<!\w)(?:ve|thuoc|nay la|gio la|nhap vao|sap nhap vao)\s+(?:(?:phuong|p)\s*\.?\s*)?$"
)
# a word of place: "khu", "bên", or "ở" after someone ("ai ở", "nhà em ở"), not "thắng ở hiệp phụ"
_PLACE_WORD_BEFORE = re.compile(
    r"(?<!\w)(?:(?:ai|nha|toi|tui|minh|em|e|song|tro|pho) o|khu|tai|ben|khuc|gan|quanh|ve|vung"
    r"|(?:khu pho|kp)\s*\d{1,2}) $"
)
# a landmark's name that starts with digits and letters: "4S", "9View"
_CODE_NAME = re.compile(r"\d+[A-Za-z]\w*")
# a street or alley right after a name: "PLB đường Dương Đình Hội", "HBP, duong Hiep Binh"
_STREET_NEXT = r"\s*(?:\s|[-–:,]\s*)(?:duong|dg|hem|kp|khu pho)(?!\w)"
_PLACE_AFTER = re.compile(_STREET_NEXT)
# said to be a former ward's name: "truong thanh cu, duong Lo Lu hem 4"
_FORMER_AFTER = re.compile(r"\s*\(?cu(?!\w)")
# a particle after a name, as in a chat answer saying where: "Linh Trug á", "Long Phướk á mn"
_PARTICLE_AFTER = re.compile(r"\s*,?\s*(?:a|nha|ne|do|day)(?!\w)")
# "Ở …" opening the text or a sentence
_OPENING_AT = re.compile(r"(?:^|[.!?\n]\s*)o $")
# a ward's name opening a chat with "nè"/"đây"/"nha" after it: "Bình Chiểu nè ae, đèn đường …"
_TEXT_OPENING = re.compile(r"\W*(?:(?:alo|ua)\W+)?")
# ("Cát Lài nha mọi người, …"), or a word of place ("Phú Hửu đường Võ Chí Công …")
_HERE_AFTER = re.compile(rf"\s*[,.!]*\s*(?:ne|day|nha|oi)(?!\w)|{_STREET_NEXT}")
_NEXT_WORD = re.compile(r" ([a-z]+)")
_WORD_BEFORE = re.compile(r"(?<!\w)([a-z]+) $")
# a word that makes an everyday word with the first of a name after it: "lung linh"
_WORD_THEN_NAME = {"linh": ("lung",)}
_PH_AS_F = re.compile(r"(?<!\w)ph")
_TWO_WORDS_BEFORE = re.compile(r"(?:([^\W\d_]+) )?([^\W\d_]+) $")
# "Hiệp Phú FC": a football team; "An Khánh Residence": a building
_CLUB_AFTER = re.compile(
    r" (?:FC|F\.C\.?|Residence|City|Tower|Garden|Riverside|Plaza|Apartment|Homes?|Limousine"
    r"|Express|Travel|Taxi)(?!\w)"
)
_SEPARATOR = re.compile(r"\s*[,(\-–]?\s*")
_ADMIN_WORDS = frozenset({"quận", "huyện", "tỉnh", "thị xã", "thành phố", "tp", "tx"})


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one letter added, dropped, changed or two swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    if len(a) == len(b):
        swapped = a[i + 1 : i + 2] == b[i : i + 1] and a[i : i + 1] == b[i + 1 : i + 2]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


@dataclass(frozen=True, slots=True)
class _Mention:
    """A ward the text names: where, after "phường" or bare, and whether a split former ward."""

    ward: str
    span: _Span
    marked: bool
    split: bool


@dataclass(frozen=True, slots=True)
class _Found:
    """What one text says, before the sources are combined."""

    ward: str | None = None
    street: str | None = None
    house_number: str | None = None
    alley: str | None = None
    landmark: str | None = None
    district_hint: str | None = None


def blanked(text: str, spans: Iterable[_Span]) -> str:
    """``text`` with the ``spans`` blanked, spaces collapsed."""
    out = list(text)
    for start, end in spans:
        out[start:end] = " " * (end - start)
    return " ".join("".join(out).split())


def _pothole(t: _Text, start: int) -> bool:
    """ "o ga" typed without marks is "ổ gà" (a pothole), not "ở ga" (at a station), unless a
    name follows ("o ga Thao Dien")."""
    before = t.orig[max(0, start - 3) : start].lower()
    return (
        t.folded.startswith("ga ", start)
        and (before == "o " or before.endswith((" o ", "\no ")))
        and not t.capital(start + 3)
    )


class _TextRules(_StreetRules):
    """The compiled rules; built once from the reference data, then only read."""

    def __init__(self, ref: ReferenceData) -> None:
        names: dict[str, str] = {}
        every_name: list[str] = []
        for ward in ref.wards:
            for name in (ward.name, *ward.aliases, *(f.name for f in ward.former_wards)):
                for form in dict.fromkeys((name, _PH_AS_F.sub("f", name).replace("Ph", "F"))):
                    names.setdefault(fold(form), ward.name)  # "Fước Bình", "tăng nhơn fú"
                    every_name.append(form)
        self.names = names
        self.wards = _Lexicon(every_name, words=False, exact=True, digit_end=True)
        # names typed run together ("LinhTrung", "p.thaodien"); those that need "phường" or
        # this area's context count only after "phường/P."
        self.glued = {_squash(k): w for k, w in names.items() if " " in k}
        glued = "|".join(sorted(self.glued, key=len, reverse=True))
        # also glued to the marker in a hashtag: "#phuongLongPhuoc", "#pThaoDien"
        self.glued_re = re.compile(
            rf"(?:(?<!\w)|(?<=(?<!\w)phuong)|(?<=(?<!\w)p))(?:{glued})(?!\w)"
        )
        self.surnames = {normalize(n).lower() for n in _SURNAMES}
        self.plain_surnames = {fold(n) for n in _SURNAMES}
        self.need_marker = {_squash(n) for n in _NEEDS_MARKER}
        self.need_context = {_squash(n) for n in _NEEDS_CONTEXT}
        self.abbreviations = {a: names[fold(full)] for a, full in _ABBREVIATIONS.items()}
        initials = "|".join(self.abbreviations)
        self.abbreviation_re = re.compile(rf"(?<!\w)({_MARKER})?({initials})(?!\w)")
        # one letter off a name of two words or more ("Thao Diem", "Bình Trưn Tây"): each
        # name and each of its one-letter deletions → the names
        self.near: dict[str, set[str]] = {}
        for name in names:
            if " " in name and len(name) >= 7:
                for key in (name, *_deletions(name)):
                    self.near.setdefault(key, set()).add(name)
        # former wards split between two current wards ("Linh Tây"): weak evidence
        self.split = {
            _squash(fold(f.name)) for w in ref.wards for f in w.former_wards if not f.whole
        }
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
            r"\s*[,\-–(]?\s*(?:(?:o|thuoc|tai|ben)\s+)?(?:(?:quan|q)\s*\.?\s*(?:1[0-2]|[13-8])(?!\w)"
            r"|(?:(?:quan|q|tp|thanh pho|huyen|tinh|thi xa|tx)\s*\.?\s*)?"
            rf"(?P<place>{others})(?!\w))"
        )
        self.other_places = frozenset(p.lower() for p in _OTHER_PLACES)
        self.other_places_folded = frozenset(fold(p) for p in _OTHER_PLACES)
        self.other_place_re = re.compile(
            rf"(?<!\w)(?:(?:quan|q)\s*\.?\s*(?:1[0-2]|[13-8])|(?P<place>{others}))(?!\w)"
        )
        # the city's other wards after "phường/p./xã" ("phường Bình Lợi Trung") and landmarks
        # elsewhere ("Chợ Rẫy", "KCN Tân Tạo"): away from the writer's own ward of this area
        far = load_elsewhere()
        self.far_wards = frozenset(normalize(n).lower() for n in far.wards)
        self.far_landmarks = frozenset(normalize(n).lower() for n in far.landmarks)
        far_wards = "|".join(sorted((re.escape(fold(n)) for n in far.wards), key=len, reverse=True))
        self.far_re = re.compile(
            rf"(?<!\w)(?:(?:phuong|p|xa)\s*\.?\s*(?P<ward>{far_wards})"
            # a hospital, market or park named after one: "Bệnh viện Nhân dân Gia Định"
            rf"|{_FAR_HEADS}(?: \w+){{0,2}}? (?P<named>{far_wards})"
            + r"|(?P<mark>"
            + "|".join(sorted((re.escape(fold(n)) for n in far.landmarks), key=len, reverse=True))
            + r"))(?!\w)"
        )
        # folded, a ward's name can begin like a place elsewhere: "Long Thạnh Mỹ", "Long Thành"
        by_length = sorted(map(re.escape, names), key=len, reverse=True)
        self.ward_name_at = re.compile("|".join(by_length))
        # after a comma, a named district, town or province that is not this area ("phường An
        # Khánh, quận Ninh Kiều"); folded, "quan"/"tinh" are also "quán"/"tình", so where the
        # text has diacritics the word must be typed with them, and where it has none the name
        # must be capitalised
        self.named_elsewhere = re.compile(
            r"\s*[,\-–(]\s*(?:(?:o|thuoc|tai|ben)\s+)?(quan|huyen|tinh|thi xa|thanh pho|tp|tx)"
            r"\s*\.?\s*(?!(?:thu duc|td|hcm|ho chi minh|sai gon|sg|moi|cu)(?!\w))([a-z]{2,})"
        )
        self.hints: dict[str, str] = {}
        by_wards: dict[tuple[str, ...], str] = {}
        for alias, wards in ref.district_aliases.items():
            self.hints[_hint_key(alias)] = by_wards.setdefault(tuple(sorted(wards)), alias)
        self.city = self.hints.get(_hint_key("TP Thủ Đức"))
        keys = "|".join(sorted(self.hints, key=len, reverse=True))
        self.hint_re = re.compile(rf"(?<!\w)(?:{keys}|thu duc)(?!\w)")

    def scan(self, text: str) -> _Found:
        return self._scan(_Text.of(text))

    def without_places(self, text: str) -> str:
        """The text (normalised) with every place it names blanked: ward names (any form the
        rules read), streets, landmarks, alleys, former districts, words of place ("phường",
        "đường", "số"), links and numbers, which say where and when rather than what."""
        t = _Text.of(text)
        _, spans = self.scan_spans(t)
        return blanked(t.orig, spans)

    def scan_with_places(self, text: str) -> tuple[_Found, str | None, list[_Span]]:
        """``scan``, the text as the rules read it (stretched letters blanked: "ngập   ") and
        the spans of every place it names (``without_places``); the text is None where its
        offsets are not ``text``'s (``normalize`` changed its length)."""
        t = _Text.of(text)
        found, spans = self.scan_spans(t)
        return found, t.orig if len(t.orig) == len(text) else None, spans

    def scan_spans(self, t: _Text) -> tuple[_Found, list[_Span]]:
        """What ``t`` says, and the spans of every place it names."""
        spans = self._place_words(t)
        return self._scan(t, spans), spans

    def _place_words(self, t: _Text) -> list[_Span]:
        return [
            *self.markers.find(t),
            *self.street_heads.find(t),
            *self.road_heads.find(t),
            *self.alley_heads.find(t),
            *(m.span() for m in _DIGITS.finditer(t.folded)),
            *(m.span() for m in _LINK.finditer(t.folded)),
        ]

    def _scan(self, t: _Text, spans: list[_Span] | None = None) -> _Found:
        """What ``t`` says; with ``spans``, the spans of every place it names are added to it."""
        ward_names = self.wards.find(t)
        streets = self._headed_streets(t)
        landmarks = self._landmarks(t, [s[:2] for s in streets] + ward_names)
        streets += self._bare_streets(t, [s[:2] for s in streets] + landmarks)
        alleys = self._alleys(t, [s[:2] for s in streets] + landmarks)
        streets += self._streets_after_numbers(t, alleys, [s[:2] for s in streets] + landmarks)
        house = self._house_number(t, alleys, streets)
        blocked = [s[:2] for s in streets] + landmarks
        hints = self._hints(t, blocked)
        mentions = [
            *self._named(t, blocked, bool(hints)),
            *self._abbreviated(t, blocked, bool(hints)),
        ]
        ward, ward_span = self._ward(t, mentions)
        if spans is not None:
            spans += ward_names + blocked + alleys + [span for span, _ in hints]
            spans += [m.span for m in mentions]
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

    # -- landmarks, house numbers, district hints, wards ------------------------------------

    def _landmarks(self, t: _Text, blocked: list[_Span]) -> list[_Span]:
        found = [m.span() for m in _KTX.finditer(t.folded)]
        for start, end in self.landmark_heads.find(t):
            if (
                _inside(start, end, blocked)
                or _inside(start, end, found)
                or (_compound(t, start) and self._after_qualifiers(t, end + 1) == end + 1)
                or t.folded[end : end + 1] != " "
                or _pothole(t, start)
                or (t.capital(start) and self.streets.match(t, start))  # "Trường Lưu", a street
            ):
                continue
            pos = self._after_qualifiers(t, end + 1)
            known = self.landmark_names.match(t, pos)
            if known:
                found.append((start, known))
            elif t.capital(pos) and (run := self._capitalised(t, pos, stop=False, gaps=True)):
                found.append((start, run[1]))
            elif code := _CODE_NAME.match(t.orig, pos):
                # a name that starts with a code: "chung cư 4S Linh Đông", "chung cư 9View"
                after = code.end() + 1
                run = self._capitalised(t, after, stop=False) if t.capital(after) else None
                found.append((start, run[1] if run else code.end()))
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
        """ "số nhà 12", "số 3 hẻm 5", "12/3 Võ Văn Ngân": a number so named or before a street;
        "gần số 150", "trước số 62": a house the problem is next to."""
        starts = {s[0] for s in streets} | {a[0] for a in alleys}
        taken = [s[:2] for s in streets] + alleys
        candidates: list[_Span] = []
        for start, end in self.house_words.find(t):
            m = _HOUSE_NUMBER.match(t.folded, end)
            if not m or _inside(*m.span(1), taken):
                continue
            strong = t.folded[start:end] not in ("so", "nha")
            near = t.folded[start:end] == "so" and _NEAR_BEFORE.search(t.folded, 0, start)
            if strong or near or m.end() + 1 in starts or m.end() + 2 in starts:
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

    def _ward(self, t: _Text, mentions: list[_Mention]) -> tuple[str | None, _Span | None]:
        """The ward named of the ``mentions`` (``_named``, ``_abbreviated``): the first one
        after "phường/P." if any, else the first bare one.

        After "phường/P." a name also counts typed run together ("p.thaodien") or with a
        wrong tone mark ("phường Trừơng Thạnh"); without it a run-together name counts
        ("hiepbinhchanh mưa xíu là ngập"), and a misspelt one only where it is long or placed
        (``_nearly_spelled``, ``_misspelt``). A misspelling that is an everyday word is that
        word ("mong phường linh động giải quyết": flexibly).

        Where the text names two wards, the problem is in the one that is not the writer's home
        or work ("Nhà tôi ở Phước Bình nhưng … ngang Hiệp Phú, vỉa hè …"), and a former ward
        split between two wards yields to the ward it is said to belong to."""
        found = mentions
        # a ward in the field that says where the problem is ("Nơi xảy ra: …", "Vị trí sự cố:
        # …") or said to be where it is ("vị trí thuộc địa bàn phường Tam Bình") wins
        said = [
            c
            for c in found
            if self._problem_field_before(t, c.span[0]) and not self._writer_before(t, *c.span)
        ]
        if said:
            found = said
        if len({c.ward for c in found}) > 1:
            # a split former ward yields to the ward it is said to be in now ("… mà giờ về
            # p.Tăng Nhơn Phú", "… nhập về tăng nhơn phú")
            if any(not c.split and (c.marked or self._now_in(t, c.span[0])) for c in found):
                found = [c for c in found if not c.split]
            # the writer's ward however often named: "ngụ P. Thủ Đức (Linh Chiểu cũ)"
            homes = {c.ward for c in found if self._writer_before(t, *c.span)}
            mine = [c for c in found if c.ward in homes]
            kin = [c for c in found if _KIN_HOME_BEFORE.search(self._window(t, c.span[0]))]
            home = [c for c in mine if self._home_before(t, c.span[0])]
            others_end = max((c.span[1] for c in found if c not in mine), default=len(t.folded))
            again = [
                c
                for c in mine
                if (c.marked or _ALSO_IN_BEFORE.search(t.folded, 0, c.span[0]))
                and c.span[0] > others_end
                and not self._writer_before(t, *c.span)
            ]
            if again:
                # the writer's ward named again, "phường …", after the other: the problem is
                # there ("nhà tui Long Phước, đi làm qua Long Trường, mà con đường … phường Long
                # Phước coi lẹ đi")
                found = [min(again, key=lambda c: c.span)]
            elif kin and _NEAR_KIN_HOME.search(t.folded):
                # the problem is by a relative's home: "Ba tôi ở Phước Long A … trước nhà ba"
                found = [min(kin, key=lambda c: c.span)]
            elif home and _NEAR_HOME.search(t.folded) and not _OTHER_HOUSE.search(t.folded):
                # the problem is by the writer's home, not at work: "Tôi làm ở Thảo Điền, nhà ở
                # Phước Long B. Ngay đầu hẻm nhà tôi …", "… cty thì bên Thảo Điền. Sáng nay khúc
                # Đồng Văn Cống gần nhà ngập"
                found = [min(home, key=lambda c: c.span)]
            # every one the writer's (home, then work): the problem is at the last named ("Nhà
            # tôi ở phường Tam Bình nhưng tôi làm ở P. Thủ Đức: ngay trước cổng …")
            found = [c for c in found if c not in mine] or [max(found, key=lambda c: c.span)]
        elif (
            found
            and any(self._writer_before(t, *c.span) for c in found)
            and self._away(t, max(c.span[1] for c in found))
        ):
            return None, None  # only the writer's own ward, and the problem elsewhere
        marked = [c for c in found if c.marked]
        best = min(marked or found, default=None, key=lambda c: c.span)
        return (best.ward, best.span) if best else (None, None)

    def _named(self, t: _Text, blocked: list[_Span], local_context: bool) -> Iterator[_Mention]:
        """The ward names of the text that count, with or without "phường" before them."""
        mentions = self._mentions(t)
        starts = {m[0]: m[1] for m in mentions}

        def elsewhere(end: int, depth: int = 0) -> bool:
            """Placed elsewhere, or listed before a name that is: "Phước Bình, Phước Long,
            Bình Phước" (a commune and a town of Bình Phước)."""
            if self._elsewhere(t, end):
                return True
            after = _LIST_COMMA.match(t.folded, end)
            following = starts.get(after.end()) if after and after.group() else None
            return following is not None and depth < 3 and elsewhere(following, depth + 1)

        for start, end, ward, marked in self._misspelt(t, [m[:2] for m in mentions]):
            if not (_inside(start, end, blocked) or elsewhere(end)):
                yield _Mention(ward, (start, end), marked, False)
        for start, end, ward, key, spelled in mentions:
            before = t.folded[max(0, start - 24) : start]
            if (
                _inside(start, end, blocked)
                or _ADMIN_BEFORE.search(before)
                or _DENIED_BEFORE.search(t.folded, max(0, start - 48), start)
                or elsewhere(end)
                or (key in self.need_context and not local_context)
            ):
                continue
            split = key in self.split
            if _MARKER_BEFORE.search(before):
                if spelled or t.orig[start:end].lower() not in _EVERYDAY_WORDS:
                    yield _Mention(ward, (start, end), True, split)
            elif (
                (spelled or self._nearly_spelled(t, start, end))
                and key not in self.need_marker
                and (
                    " " not in t.folded[start:end]
                    or _looks_like_name(t, start, end, self._placed(t, start, end))
                )
                and not _NAMED_AFTER.search(t.orig[max(0, start - 40) : start].lower())
                and not _CHAT_TITLE.search(t.orig[max(0, start - 12) : start])
                and not self._after_surname(t, start)
                and not self._word_goes_on(t, start, end)
                and not _CLUB_AFTER.match(t.orig, end)
            ):
                yield _Mention(ward, (start, end), False, split)

    def _nearly_spelled(self, t: _Text, start: int, end: int) -> bool:
        """Typed with the marks of one word wrong ("Thạnh Mỹ Lơi", "khu cát lai", "ở long
        truờng"): a name of three words, or of two after a word of place."""
        words = len(t.folded[start:end].split())
        return self.wards.nearly_spelled(t, start, end) and (
            words >= 3 or (words == 2 and self._placed(t, start, end))
        )

    def _misspelt(self, t: _Text, exact: list[_Span]) -> Iterator[tuple[int, int, str, bool]]:
        """Names one letter off (start, end, ward, after "phường"): two words or more after
        "phường/P." ("Phuong Thao Diem", "P.Long Phướt", "P.Cat Lay"); bare, three capitalised
        words ("Bình Trưn Tây", "Hiệp Bìh Chánh") or two after a word of place ("ai ở Long
        Trườg"), of eight letters or more. Only where no name is spelled right, and only where
        every name that close is the same ward."""
        words = [m.span() for m in _WORD.finditer(t.folded)]
        after_marker = {m.end() for m in _MARKER_AT.finditer(t.folded)}
        caps = [t.capital(a) for a, _ in words] if t.cased else []
        for i, (start, _) in enumerate(words):
            marked = start in after_marker
            three = len(caps) >= i + 3 and all(caps[i : i + 3])
            placed = (
                len(caps) >= i + 2
                and all(caps[i : i + 2])
                and (
                    _PLACE_WORD_BEFORE.search(t.folded[max(0, start - 12) : start]) is not None
                    or _opening_here(t, start, words[i + 1][1])
                    or _PARTICLE_AFTER.match(t.folded, words[i + 1][1]) is not None
                )
            )
            if not (marked or three or placed):
                continue
            for n in (4, 3, 2) if marked else (3, 2) if placed else (3,):
                run = words[i : i + n]
                end = run[-1][1]
                if len(run) < n or _inside(start, end, exact):
                    continue
                text = t.folded[start:end]
                if any(c.isdigit() for c in text) or " ".join(text.split()) != text:
                    continue
                if text in self.other_places_folded:
                    break  # spelled right, a place elsewhere: "bên Tân Bình" is no "Tam Bình"
                close = set().union(*(self.near.get(k, ()) for k in (text, *_deletions(text))))
                wards = {self.names[c] for c in close if _one_edit(text, c)}
                short = len(text) < 8 and not marked  # "P.Cat Lay": seven letters need "phường"
                if (
                    len(wards) == 1
                    and not short
                    and t.orig[start:end].lower() not in _EVERYDAY_WORDS
                ):
                    yield start, end, wards.pop(), marked
                    break

    def _abbreviated(
        self, t: _Text, blocked: list[_Span], local_context: bool
    ) -> Iterator[_Mention]:
        """Reviewed initials: after "phường/P." ("P.HBC"); bare after a word of place ("ai ở
        TNPB", "khúc hbc") or before a district of this area ("hbp q.tđ"). "BTĐ" is also Bình
        Trị Đông, elsewhere in the city: it needs a district of this area after it, or
        "phường/P." before it in a text that names this area ("P.BTĐ cũ … Điện lực Thủ Đức")."""
        for m in self.abbreviation_re.finditer(t.folded):
            start, end = m.span(2)
            if _inside(start, end, blocked):
                continue
            ward, marked = self.abbreviations[m.group(2)], m.group(1) is not None
            if m.group(2) in _ABBREVIATIONS_NEED_HINT and not (
                self._hinted_after(t, end)
                # "P.BTĐ" in a text naming this area or one of its streets ("p.BTĐ, đg Nguyễn
                # Duy Trinh ngập")
                or (marked and (local_context or bool(self.streets.find(t))))
                or (marked and _FORMER_AFTER.match(t.folded, end) is not None)  # "P.BTĐ (cũ)"
            ):
                continue
            capitals = t.orig[start:end].isupper() and _PLACE_AFTER.match(t.folded, end) is not None
            if marked or capitals or self._placed(t, start, end):
                # "ủa PLB đường Dương Đình Hội …": initials in capitals before a street
                yield _Mention(ward, (start, end), marked, False)

    def _word_goes_on(self, t: _Text, start: int, end: int) -> bool:
        """The name, in lowercase, ends an everyday word with the next ("bình trưng bày") or
        begins one with the word before ("lung linh xuân về": sparkling)."""
        if not t.orig[start:end].islower():
            return False
        after = _NEXT_WORD.match(t.folded, end)
        if after is not None and after.group(1) in _NAME_THEN_WORD.get(t.folded[start:end], ()):
            return True
        before = _WORD_BEFORE.search(t.folded, 0, start)
        first = t.folded[start:end].split(" ", 1)[0]
        return before is not None and before.group(1) in _WORD_THEN_NAME.get(first, ())

    def _now_in(self, t: _Text, start: int) -> bool:
        return _NOW_IN_BEFORE.search(t.folded[max(0, start - 24) : start]) is not None

    def _window(self, t: _Text, start: int) -> str:
        return t.folded[max(0, start - 40) : start]

    def _home_before(self, t: _Text, start: int) -> bool:
        """Of the writer's places, the home: not work or school, not a relative's."""
        before = self._window(t, start)
        return not (_WORK_BEFORE.search(before) or _KIN_HOME_BEFORE.search(before))

    def _problem_field_before(self, t: _Text, start: int) -> bool:
        """The name is in a field saying where the problem is, or said to be where it is."""
        return _PROBLEM_FIELD_BEFORE.search(t.folded, max(0, start - 120), start) is not None

    def _writer_before(self, t: _Text, start: int, end: int | None = None) -> bool:
        """The writer lives or works there: "nhà tôi ở …", "mình ở …", "tôi làm ở phường …";
        or the office that writes or forwards the text is there ("điểm trực P. …", "UBND
        phường Phước Long kính chuyển …")."""
        return (
            _WRITER_BEFORE.search(self._window(t, start)) is not None
            # searched in place, so that "^" is the text's start, not the window's
            or _WORK_NOTE_BEFORE.search(t.folded, max(0, start - 40), start) is not None
            or _HOME_OPENING.search(t.folded, 0, start) is not None
            or _ADDRESS_FIELD_BEFORE.search(t.folded[max(0, start - 70) : start]) is not None
            or _OFFICE_BEFORE.search(t.folded[max(0, start - 60) : start]) is not None
            or (end is not None and _FORWARDS_AFTER.match(t.folded, end) is not None)
        )

    def _mentions(self, t: _Text) -> list[tuple[int, int, str, str, bool]]:
        """(start, end, ward, squashed folded name, spelled as listed) of every ward name.

        A letter after a name that is no part of it stays out ("tăng nhơn phú á" is Tăng Nhơn
        Phú and the particle "á", not Tăng Nhơn Phú A)."""
        found = []
        for m in self.wards.anywhere.finditer(t.folded):
            start, end = m.span()
            spelled = self.wards.spelled(t, start, end)
            shorter = t.folded[start : end - 2]
            if not spelled and t.folded[end - 2 : end - 1] == " " and shorter in self.names:
                end, spelled = end - 2, self.wards.spelled(t, start, end - 2)
            name = t.folded[start:end]
            found.append((start, end, self.names[name], _squash(name), spelled))
        found += [
            (m.start(), m.end(), self.glued[m.group()], m.group(), True)
            for m in self.glued_re.finditer(t.folded)
        ]
        return sorted(found)

    def _elsewhere(self, t: _Text, end: int) -> bool:
        """The name is placed elsewhere: "phường Long Bình, Biên Hòa", "…, quận Ninh Kiều"."""
        after = self.elsewhere_after.match(t.folded, end)
        if after and not self._ward_named_at(t, after):
            return True
        m = self.named_elsewhere.match(t.folded, end)
        if not m:
            return False
        if t.plain:  # "quan bar" is a bar ("quán"), "quan Ninh Kieu" a district
            return t.capital(m.start(2))
        return t.orig[m.start(1) : m.end(1)].lower() in _ADMIN_WORDS

    def _away(self, t: _Text, end: int) -> bool:
        """After the writer's own ward, the problem is elsewhere: on the way ("đi làm ngang Võ
        Nguyên Giáp thấy", "qua phà sang Nhơn Trạch") or in a place outside this area ("làm bên
        Dĩ An", "một trường tư bên Gò Vấp"), and not back at home ("… đầu hẻm nhà em")."""
        away = _AWAY_AFTER.search(t.folded, end)
        if away and not _HOME_AFTER.search(t.folded, away.end()):
            return True
        for m in self.other_place_re.finditer(t.folded, end):
            start = m.start()
            ward = self.ward_name_at.match(t.folded, start)
            if ward is not None and ward.end() >= m.end():
                continue  # also a ward's name: "Tân Phú", "Long Thạnh Mỹ" (not "Long Thành")
            if m.group("place") and (
                not t.capital(start)
                if t.plain
                else t.orig[start : m.end()].lower() not in self.other_places
            ):
                continue  # "chị Huệ" is no "Huế"
            before = t.folded[max(0, start - 40) : start]
            if _NOT_THERE_BEFORE.search(before) or _WRITER_BEFORE.search(before):
                continue
            if not _HOME_AFTER.search(t.folded, m.end()):
                return True
        return any(self._far(t, m) for m in self.far_re.finditer(t.folded, end))

    def _far(self, t: _Text, m: re.Match[str]) -> bool:
        """A place outside this area where the problem is: another ward of the city ("làm ở
        phường Bình Lợi Trung") or a landmark elsewhere ("vào Chợ Rẫy thăm mẹ thấy …"), named
        capitalised, as spelled where the text has diacritics, and not the writer's place, home
        town or trip they came back from ("vừa đi Đà Lạt về thì …")."""
        group = next(g for g in ("ward", "named", "mark") if m.group(g))
        start, stop = m.start(group), m.end(group)
        if not t.capital(start) or self.ward_name_at.match(t.folded, start) is not None:
            return False
        names = self.far_landmarks if group == "mark" else self.far_wards
        if not t.plain and t.orig[start:stop].lower() not in names:
            return False
        before = t.folded[max(0, m.start() - 40) : m.start()]
        return not (
            _NOT_THERE_BEFORE.search(before)
            or _WRITER_BEFORE.search(before)
            or _BACK_AFTER.match(t.folded, stop)
            or _HOME_AFTER.search(t.folded, stop)
        )

    def _ward_named_at(self, t: _Text, after: re.Match[str]) -> bool:
        """Folded, the place elsewhere is the start of a ward's name: "Long Thạnh Mỹ" is not
        "Long Thành" (Đồng Nai)."""
        place = after.start("place")
        ward = self.ward_name_at.match(t.folded, place) if place >= 0 else None
        return ward is not None and ward.end() > after.end()

    def _placed(self, t: _Text, start: int, end: int) -> bool:
        """A word of place right before ("ai ở", "nhà em ở", "khu", "bên", "khu phố 2") or a
        district of this area right after ("cát lái q2", "hbp q.tđ"), or "cũ" after the name
        ("truong thanh cu, …")."""
        before = t.folded[max(0, start - 12) : start]
        return (
            bool(_PLACE_WORD_BEFORE.search(before))
            or _OPENING_AT.search(t.folded[max(0, start - 5) : start]) is not None
            or self._hinted_after(t, end)
            or _opening_here(t, start, end)
            or _FORMER_AFTER.match(t.folded, end) is not None
        )

    def _hinted_after(self, t: _Text, end: int) -> bool:
        """A district of this area right after the name ("cát lái q2", "trường thọ, Q.9")."""
        return self.hint_re.match(t.folded, _SEPARATOR.match(t.folded, end).end()) is not None

    def _after_surname(self, t: _Text, start: int) -> bool:
        """A capitalised family name right before, or before "Thị"/"Văn": a person ("Ông
        Nguyễn Trường Thọ", "Nguyễn Thị An Khánh")."""
        m = _TWO_WORDS_BEFORE.search(t.orig[max(0, start - 16) : start])
        if not m or not m.group(2)[:1].isupper():
            return False
        word = m.group(2).lower()
        if fold(word) in ("thi", "van") and m.group(1) and m.group(1)[:1].isupper():
            word = m.group(1).lower()  # "Nguyễn Thị An Khánh": a family name and Thị/Văn
        return word in self.surnames or (t.plain and word in self.plain_surnames)


def _opening_here(t: _Text, start: int, end: int) -> bool:
    """The name opens the text and "nè"/"đây"/"nha" or a word of place follows it: the writer
    says where they are ("Bình Chiểu nè ae, …", "alo cát lái nè", "Phú Hửu đường Võ Chí Công")."""
    opening = _TEXT_OPENING.match(t.folded, 0, start)
    return (
        opening is not None
        and opening.end() == start
        and _HERE_AFTER.match(t.folded, end) is not None
    )
