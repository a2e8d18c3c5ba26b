"""Regular expressions of ``nlp.places`` over folded text, and the context tests built on them.

Numbers (house, alley, road numbers), what comes before a ward name ("phường", "quận", a form
of address), what makes a number no house number ("ngày 12") and a word part of a compound
("giảng đường"): all matched on ``fold``ed text, where "đ" is "d" and no mark is left.
"""

from __future__ import annotations

import re

from nlp.places_lexicon import _EVERYDAY, _EVERYDAY_MARKED
from nlp.places_text import _Text, fold

_NUM = r"\d{1,5}[a-h]?(?:/\d{1,5}[a-h]?)*"
_NUM_END = r"(?![\w/]|[.,]\d)"
_NUMBER = re.compile(rf"(?<![\w/.,]){_NUM}{_NUM_END}")
_NUMBERED_NAME = re.compile(
    rf"(?:so\s*\d{{1,4}}[a-h]?|\d{{1,4}}[a-h]?|[a-z]\d{{1,2}}){_NUM_END}"
    r"(?!\s*(?:chieu|lan|km|m|met|cm|xe|nguoi|cai|con)(?!\w))"
)
_ROAD_NUMBER = re.compile(rf"\s*\.?\s*\d{{1,3}}[a-z]?{_NUM_END}")  # after "QL", "quốc lộ"
_ALLEY_NUMBER = re.compile(rf"\s*(?:so\s*)?({_NUM}){_NUM_END}")  # after "hẻm"; group 1: number
# "gần số 150", "trước số 62", "chỗ số 190": "số" after a word of nearness names a house
_NEAR_BEFORE = re.compile(r"(?<!\w)(?:gan|truoc|sau|canh|doi dien|cho|sat|ke|ngang)\s+$")
_HOUSE_NUMBER = re.compile(rf"\s*[:.]?\s*({_NUM}){_NUM_END}")  # after "số nhà"
# "phường", "P.", "p", "F.", "ph." before a ward's name, and a form's "Phường/Xã:" field
_MARKER = r"(?<!\w)(?:phuong(?:\s*/\s*xa)?|ph|p|f)\s*[.:]?\s*"
_MARKER_BEFORE = re.compile(_MARKER + "$")
_MARKER_AT = re.compile(_MARKER + r"(?=\w)")
_ADMIN_BEFORE = re.compile(
    r"(?<!\w)(?<!/)(?<!/ )"  # "xã" of a form's "Phường/Xã:" is not a commune
    r"(?:quan(?:\s*/\s*huyen)?|q|tp|thanh pho|huyen|tinh|thi xa|thi tran|tx|xa|district|city)"
    r"\s*[.:]?\s*$"
)
# A bare ward name right after a form of address or a shop is someone's or something's name:
# "anh Long Bình nhà bên", "quán cơm Bình Thọ",
# "tiệm sửa xe Bình Trưng", "Công ty Cổ phần Xây dựng Phước Long" (but not "quán ốc ở Linh
# Xuân"). Matched on the lowercased text as typed, so "chi", "co", "ba" count only where
# diacritics are missing ("chỉ", "có" stay words).
_NOT_WHERE = r"(?!(?:ở|o|tại|tai|gần|gan|trên|tren|bên|ben|khu|phường|phuong)(?!\w))"
_NAMED_AFTER = re.compile(
    r"(?<!\w)(?:anh|chị|chi|cô|co|chú|chu|bác|ông|ong|bà|ba|em|cậu|dì|thím|mợ|bé|be|thằng|thang|thầy|thay"
    r"|tên|ten"
    rf"|(?:quán|quan|tiệm|tiem)(?: {_NOT_WHERE}[^\W\d_]+){{1,3}}"
    rf"|(?:công ty|cong ty|cty)(?: (?:vận tải|van tai|{_NOT_WHERE}[^\W\d_]+)){{0,4}}"
    r"|nhà thuốc|nha thuoc|cửa hàng|cua hang|điện lực|dien luc|nước suối|nuoc suoi|nước mắm"
    r"|nuoc mam|dự án|du an|căn hộ|can ho"
    r"|(?:nhãn |thương |nhan |thuong )?(?:hiệu|hieu)"  # a brand: "bánh trung thu hiệu An Khánh"
    # "nhà hàng tiệc cưới Phước Long", "nhóm Zalo Cư dân Thủ Thiêm Review"
    r"|(?:nhà hàng|nha hang)"
    rf"(?: (?:tiệc cưới|tiec cuoi|hải sản|hai san|{_NOT_WHERE}[^\W\d_]+)){{0,2}}"
    rf"|(?:nhóm|nhom|group)(?: (?:zalo|facebook|fb|cư dân|cu dan)){{1,2}}"
    r"|(?:chi nhánh|chi nhanh)(?: [^\W\d_]+)?|nhà xe|nha xe|gara|garage|trà sữa|tra sua"
    rf"|(?:htx|hợp tác xã|hop tac xa)(?: (?:vận tải|van tai|{_NOT_WHERE}[^\W\d_]+)){{0,2}}"
    r"|page|fanpage|đội bóng|doi bong|fc"
    # titles of things: "phim Cô Dâu Thủ Thiêm", "chương trình Chuyện phố Phước Long"
    r"|dự án|du an|(?:phim|bài hát|bai hat|cuốn|cuon|chương trình|chuong trinh)"
    rf"(?: {_NOT_WHERE}[^\W\d_]+){{0,3}}"
    rf"|(?:clb|câu lạc bộ|cau lac bo)(?: {_NOT_WHERE}[^\W\d_]+){{0,2}}"
    r"|khách sạn|khach san|shop|tạp hóa|tap hoa|karaoke|cà phê|ca phe|cafe)\s*$"
)
# the same for the chat forms "a", "c", "e" (anh, chị, em), typed in lowercase and not after
# "nhà", "khu" or "ở": "a Phước Long tổ trưởng", not "nhà e Hiệp Bình Phước", "khu A Linh Trung"
_CHAT_TITLE = re.compile(r"(?<![\w])(?<!nhà )(?<!nha )(?<!khu )(?<!ở )(?<!o )[ace] $")
_NOT_HOUSE_BEFORE = re.compile(
    r"(?<!\w)(?:ngay|luc|tu|den|hom|khu pho|kp|to|ap|phuong|p|f|quan|q|duong|ql|quoc lo|nga"
    r"|tinh lo|lo|tang|phong|can ho|block|lau|so|lop|nam)\s*[.:]?\s*$"
)
# "giảng đường", "thiên đường", "thị trường", "yêu cầu": the word is not a street or landmark.
_COMPOUND_BEFORE = re.compile(
    r"(?<!\w)(giang|thien|tieu|thao|thanh|hoc|luong|mia|banh|thi|cong|dau|moi|hien|chien"
    r"|ngu|thuong|lap|yeu|nhu|toan|dia) $"
)
_GATE_BEFORE = re.compile(r"(?<!\w)cổng $")
_KTX = re.compile(r"(?<!\w)(?:ktx|k[yi] tuc xa)\s+khu\s+[a-z](?!\w)")
_WORD = re.compile(r"[^\W_]+")


def _looks_like_name(t: _Text, start: int, end: int, placed: bool = False) -> bool:
    """A ward name without "phường" must look like a name. In a text with capitals it is
    capitalised ("Trường Thọ", "Tam Bình", half shouted "thảo ĐIỀN") or all lowercase ("o linh
    trung", "ra thủ thiêm"); not "Tam binh" opening a sentence. Everyday words ("truong
    thanh", "linh dong", and with their marks "trường thọ", "cát lái") must be capitalised,
    or be placed: after a word of place or before a district of this area (``placed``: "ai o
    truong thanh", "cát lái q2"; in a text all in capitals, "CAT LAI - HEM 135 …")."""
    words = t.orig[start:end].split()
    if len(words) > 1 and words[-1].lower() in ("a", "b"):
        words = words[:-1]  # the letter of a former ward in either case: "Phuoc Long b"
    # half shouted, each word all in capitals or all in lowercase: "thảo ĐIỀN", "LINH trung"
    capitalised = all(w[:1].isupper() for w in words) or (
        any(len(w) > 1 and w.isupper() for w in words)
        and all(w.isupper() or w.islower() for w in words)
    )
    lowercase = all(w[:1].islower() for w in words)
    key, plain = t.folded[start:end], t.typed_plain(start, end)
    if key in _EVERYDAY and (plain or key in _EVERYDAY_MARKED):
        return (t.cased and capitalised) or ((lowercase or not t.cased) and placed)
    return not t.cased or capitalised or lowercase


def _compound(t: _Text, start: int) -> bool:
    """True when the word at ``start`` ends a compound ("giảng đường", "thị trường"). Typed
    with marks, "cổng trường" (a school's gate) is none, unlike "công trường" (a site)."""
    m = _COMPOUND_BEFORE.search(t.folded[max(0, start - 8) : start])
    if not m:
        return False
    if m.group(1) == "cong" and not t.folded.startswith(("truong", "duong"), start):
        return False  # "cong cho", "cong KCX": a gate (cổng), only "công trường" is a site
    return not _GATE_BEFORE.search(t.orig[max(0, start - 8) : start].lower())


def _not_house(folded: str, start: int) -> bool:
    """True when the number at ``start`` follows "ngày", "phường", "khu phố" … (not a house)."""
    return bool(_NOT_HOUSE_BEFORE.search(folded[max(0, start - 16) : start]))


def _hint_key(alias: str) -> str:
    """ "Q.9" -> r"q[\\s.]*9": a district alias as a pattern, separators and case free."""
    tokens = re.findall(r"[a-z]+|\d+", fold(alias))
    return r"[\s.]*".join(tokens)
