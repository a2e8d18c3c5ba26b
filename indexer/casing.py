"""Capitalisation of Vietnamese header text printed in capitals, and diacritic folding.

Administrative documents print the issuing body and often the subject in capitals
("ỦY BAN NHÂN DÂN PHƯỜNG HIỆP BÌNH"); titles and search results read better the way Vietnamese
writes them in running text, with capitals only on proper names and the first word.

    >>> readable_agency("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG")
    'Sở Tài nguyên và Môi trường'
    >>> sentence_case("QUY ĐỊNH CHI TIẾT LUẬT ĐẤT ĐAI")
    'Quy định chi tiết Luật Đất đai'
"""

from __future__ import annotations

from nlp.normalize import strip_diacritics

_CANON = {
    ("uy", "ban", "nhan", "dan"): "Ủy ban nhân dân", ("ubnd",): "Ủy ban nhân dân",
    ("hoi", "dong", "nhan", "dan"): "Hội đồng nhân dân", ("hdnd",): "Hội đồng nhân dân",
}  # fmt: skip
_ADMIN = {
    ("thành", "phố"), ("thanh", "pho"), ("thị", "xã"), ("thi", "xa"), ("thị", "trấn"),
    ("thi", "tran"), ("phường",), ("phuong",), ("xã",), ("xa",), ("quận",), ("quan",),
    ("huyện",), ("huyen",), ("tỉnh",), ("tinh",), ("tp.",), ("tp",),
}  # fmt: skip
_ORGS = {
    ("so",), ("bo",), ("phong",), ("cuc",), ("chi", "cuc"), ("tong", "cuc"), ("ban",), ("vu",),
    ("trung", "tam"), ("van", "phong"), ("vien",), ("truong",), ("benh", "vien"), ("cong", "an"),
    ("thanh", "tra"), ("kho", "bac"), ("chinh", "phu"), ("quoc", "hoi"),
}  # fmt: skip
_PLAIN_WORDS = {
    "năm", "nam", "và", "va", "của", "cua", "trên", "tren", "trong", "theo", "về", "ve", "giai",
    "đến", "den", "tại", "tai", "thuộc", "thuoc", "để", "cho", "với", "voi", "các", "cac",
}  # fmt: skip
_JOINERS = {"và", "va", "-", "–", "&", ","}
_LONG_PLACES = {("ho", "chi", "minh")}


def fold(text: str) -> str:
    """Diacritics off, same length ("Số" → "So"), so a match on the copy slices the original."""
    return "".join(strip_diacritics(ch) or ch for ch in text)


def is_caps(line: str) -> bool:
    """Whether every letter of ``line`` is a capital (and it has letters at all)."""
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _phrase_at(keys: list[str], index: int, table: set[tuple[str, ...]] | dict) -> int:
    for size in (4, 2, 1):
        if tuple(keys[index : index + size]) in table:
            return size
    return 0


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _admin_at(lower: list[str], index: int) -> int:
    size = _phrase_at(lower, index, _ADMIN)
    if (
        size == 1
        and lower[index] in ("xã", "xa")
        and lower[index + 1 : index + 2] in (["hội"], ["hoi"])
    ):
        return 0
    return size


def readable_agency(caps: str, *, lower_first: bool = False) -> str:
    """Agency names keep their capitals only where Vietnamese writes them.

    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" → "Sở Tài nguyên và Môi trường"; "UBND" is spelt out and place
    names after "PHƯỜNG", "THÀNH PHỐ" ... stay capitalised.
    """
    words = caps.split()
    lower = [word.lower() for word in words]
    folded = [fold(word) for word in lower]
    out: list[str] = []
    mode, index = "plain", 0
    while index < len(words):
        size = _phrase_at(folded, index, _CANON)
        if size:
            out.append(_CANON[tuple(folded[index : index + size])])
            mode = "name"
        elif size := _admin_at(lower, index):
            out.append(
                "thành phố"
                if lower[index].startswith("tp")
                else " ".join(lower[index : index + size])
            )
            mode = "name"
        elif index == 0 and (size := _phrase_at(folded, 0, _ORGS)):
            out.append(_cap(" ".join(lower[:size])))
            mode = "first"
        else:
            size, word, low = 1, words[index], lower[index]
            mode = "plain" if mode == "name" and low in _PLAIN_WORDS else mode
            starts = mode in ("first", "name") or (mode == "sector" and out[-1] in _JOINERS)
            mode = "sector" if mode == "first" else mode
            keep = "." in word.rstrip(".") or not word.isalpha()
            out.append(word if keep else _cap(word) if starts else low)
        index += size
    text = " ".join(out)
    return text if lower_first else text[:1].upper() + text[1:]


def sentence_case(caps: str) -> str:
    """Subjects printed in capitals, made readable: "QUY ĐỊNH CHI TIẾT LUẬT ĐẤT ĐAI" →
    "Quy định chi tiết Luật Đất đai"; a place name (two syllables, or "Hồ Chí Minh") is kept."""
    words = caps.split()
    lower = [word.lower() for word in words]
    folded = [fold(word) for word in lower]
    out: list[str] = []
    names, index = 0, 0
    while index < len(words):
        if names and words[index].isalpha() and lower[index] not in _PLAIN_WORDS:
            out.append(_cap(words[index]))
            names -= 1
        elif size := _admin_at(lower, index):
            out.append(" ".join(lower[index : index + size]))
            names = 3 if tuple(folded[index + size : index + size + 3]) in _LONG_PLACES else 2
            index += size
            continue
        else:
            out.append(lower[index])
            names = 1 if folded[index] == "luat" else 0
            out[-1] = _cap(out[-1]) if names else out[-1]
        index += 1
    text = " ".join(out)
    return text[:1].upper() + text[1:]
