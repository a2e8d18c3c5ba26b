"""Word lists of ``nlp.places``: streets of the area, landmark words, family names, stop words.

These lexicons are reference data: ``nlp.places_rules`` compiles them into the matchers of
``_TextRules``. They are kept here for now but belong in ``nlp/data/places.json``. Names are
written as a citizen would type them with diacritics; ``nlp.places_text`` folds them. The places
outside the area (other wards of the city, landmarks elsewhere) are already data:
``data/places_elsewhere.json``, read by ``load_elsewhere``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelUnavailable

ELSEWHERE_FILE = Path(__file__).resolve().parent / "data" / "places_elsewhere.json"


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """Places outside the area: the city's other wards and communes, and landmarks."""

    version: str
    wards: tuple[str, ...]
    landmarks: tuple[str, ...]


def load_elsewhere(path: Path = ELSEWHERE_FILE) -> Elsewhere:
    """``data/places_elsewhere.json``; missing or broken, a ``ModelUnavailable`` naming it."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        wards, landmarks = doc["wards"], doc["landmarks"]
        if not all(isinstance(n, str) and n.strip() for n in [*wards, *landmarks]):
            raise ValueError("every name must be a non-empty string")
        return Elsewhere(str(doc["version"]), tuple(wards), tuple(landmarks))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelUnavailable(
            f"place list {path} is missing or broken ({exc}); restore it from git"
        ) from exc


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
    "vòng xoay", "bùng binh", "nút giao", "cầu vượt", "cầu", "hầm", "bến xe", "bến phà", "phà",
    "cảng", "nhà ga", "ga", "trạm metro", "bệnh viện", "bv", "trường", "đại học", "đh", "công viên",
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
nhanh nhe nhieu nho nhu nhua nhung no noi nua nuoc nut o oi ong phia pho qua quanh que ra rac rat
ray roi rong sach sang sat sau se so song sup ta tai tam tat tau thang the thi tho thoi thong thuy
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
    "Hứa", "Tạ", "Kha", "Phùng", "Diệp", "Vương", "Đàm", "Tống", "Bạch", "Doãn", "Thân",
)  # fmt: skip
# Family names that are no everyday word ("hồ" lake, "mai" tomorrow, "hà", "lâm" …), capitalised
# right before a bare ward name: a person ("Ông Nguyễn Trường Thọ"), not the ward.
_SURNAMES = tuple(
    n for n in _FAMILY_NAMES
    if n not in {"Hồ", "Dương", "Lý", "Đào", "Lâm", "Mai", "Tô", "Tôn", "Hà", "Châu", "Lã", "Chu",
                 "Kiều", "Kha", "Bạch", "Thân"}
)  # fmt: skip
_OTHER_PLACES = (
    "Gò Vấp", "Bình Thạnh", "Tân Bình", "Tân Phú", "Phú Nhuận", "Bình Tân", "Nhà Bè", "Củ Chi",
    "Hóc Môn", "Bình Chánh", "Cần Giờ", "Biên Hòa", "Dĩ An", "Thuận An", "Thủ Dầu Một",
    "Nha Trang", "Hoài Đức", "Vũng Tàu", "Nhơn Trạch", "Long Thành", "Ninh Kiều",
    # the provinces and centrally-run cities, by the names in use before and after 1/7/2025
    "An Giang", "Bà Rịa", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Huế",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái",
)  # fmt: skip
# Reviewed initials of former wards; "BTĐ" only before a district of this area ("BTĐ Q2"),
# since it is also Bình Trị Đông (Bình Tân).
_ABBREVIATIONS = {
    "hbc": "Hiệp Bình Chánh", "hbp": "Hiệp Bình Phước", "tnp": "Tăng Nhơn Phú",
    "tnpa": "Tăng Nhơn Phú A", "tnpb": "Tăng Nhơn Phú B", "ltm": "Long Thạnh Mỹ",
    "tml": "Thạnh Mỹ Lợi", "pla": "Phước Long A", "plb": "Phước Long B", "btt": "Bình Trưng Tây",
    "btd": "Bình Trưng Đông", "bt dong": "Bình Trưng Đông", "bt tay": "Bình Trưng Tây",
}  # fmt: skip
_ABBREVIATIONS_NEED_HINT = frozenset({"btd"})
_NEEDS_MARKER = frozenset({"thu duc"})
_NEEDS_CONTEXT = frozenset({"tan phu", "an phu"})
# Former ward names that are everyday words typed without diacritics ("trưởng thành",
# "linh động", "cắt lại", "hiệp phụ"): without "phường" they must be capitalised.
_EVERYDAY = frozenset({"truong thanh", "truong tho", "linh dong", "cat lai", "hiep phu"})
# Those that are everyday words even typed with the name's marks ("sống trường thọ", "xe chở
# cát lái ẩu").
_EVERYDAY_MARKED = frozenset({"truong tho", "cat lai"})
# The everyday words themselves, which even after "phường" are not a misspelt ward ("mong
# phường linh động giải quyết").
_EVERYDAY_WORDS = frozenset({"trưởng thành", "linh động", "cắt lại", "hiệp phụ"})
# A name whose last word makes an everyday word with the next one: "bình trưng bày" (a display
# vase), not Bình Trưng
_NAME_THEN_WORD = {
    "binh trung": ("bay",),  # bình trưng bày
    "tam binh": ("thuong", "tinh"),  # tạm bình thường, tạm bình tĩnh
    "phuoc binh": ("an",),  # (cầu cho) phước bình an
    "an khanh": ("thanh",),  # ăn khánh thành
    "linh trung": ("doan", "si", "uy", "ta"),  # lính trung đoàn, trung sĩ, trung úy, trung tá
}
