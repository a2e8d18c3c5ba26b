"""Header fields of a Vietnamese administrative document (văn bản hành chính).

Nghị định 30/2020/NĐ-CP fixes where each field sits: the issuing body at the top left, the national
motto at the top right, "Số: 1234/QĐ-UBND" under the body, place and date under the motto, the type
in capitals in the middle with the subject (trích yếu) under it, the signer's name at the end.
Text from a PDF may glue both header columns into one line, so the rules work line by line and cut
away what belongs to the other column. Matching runs on a same-length copy without diacritics, so
"So: 12/TB-UBND" and "Số: 12/TB-UBND" read alike and a match slices the original text.
Capitalisation lives in ``indexer.casing``, the signature block in ``indexer.signer``.

    >>> meta = parse_metadata("ỦY BAN NHÂN DÂN\\nPHƯỜNG HIỆP BÌNH\\nSố: 12/TB-UBND\\n...")
    >>> meta.number, meta.doc_type, meta.issuer
    ('12/TB-UBND', 'Thông báo', 'Ủy ban nhân dân phường Hiệp Bình')
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.documents import DocumentMetadata
from indexer.casing import fold, is_caps, readable_agency, sentence_case
from indexer.signer import find_signer

__all__ = ["document_title", "fold", "parse_metadata", "readable_agency", "sentence_case"]


HEADER_LINES = 40
SIGNER_LINES = 25
MAX_TITLE = 200

_TYPE_TITLES = {
    "BO LUAT": "Bộ luật", "LUAT": "Luật", "NGHI DINH": "Nghị định", "NGHI QUYET": "Nghị quyết",
    "THONG TU LIEN TICH": "Thông tư liên tịch", "THONG TU": "Thông tư",
    "QUYET DINH": "Quyết định", "CONG VAN": "Công văn", "KE HOACH": "Kế hoạch",
    "THONG BAO": "Thông báo", "CHI THI": "Chỉ thị", "HUONG DAN": "Hướng dẫn",
    "BAO CAO": "Báo cáo", "TO TRINH": "Tờ trình", "CHUONG TRINH": "Chương trình",
    "PHUONG AN": "Phương án", "QUY CHE": "Quy chế", "QUY DINH": "Quy định",
    "GIAY MOI": "Giấy mời", "BIEN BAN": "Biên bản",
}  # fmt: skip
_SYMBOL_TYPES = {
    "QD": "Quyết định", "KH": "Kế hoạch", "TB": "Thông báo", "CT": "Chỉ thị",
    "ND": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "HD": "Hướng dẫn",
    "BC": "Báo cáo", "TTR": "Tờ trình", "NQ": "Nghị quyết", "CV": "Công văn",
    "CTR": "Chương trình", "PA": "Phương án", "QC": "Quy chế", "QYD": "Quy định",
    "GM": "Giấy mời", "BB": "Biên bản",
}  # fmt: skip
_TITLE = re.compile("({})(?=\\s|$)".format("|".join(sorted(_TYPE_TITLES, key=len, reverse=True))))
_NUMBER = re.compile(
    r"(?:^(?P<lead>(?:Bo [Ll]uat|Luat|Nghi quyet|Phap lenh|Lenh) so)|(?:^|(?<=\s))S[oO])"
    r"[ \t]*:?[ \t]*(?P<num>\d+[A-Za-z]?"
    r"(?:[ \t]*/[ \t]*[A-Za-z0-9][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*)+)",
    re.MULTILINE,
)
_LEAD_TYPES = {
    "Luat so": "Luật", "Bo luat so": "Bộ luật", "Bo Luat so": "Bộ luật",
    "Nghi quyet so": "Nghị quyết", "Phap lenh so": "Pháp lệnh", "Lenh so": "Lệnh",
}  # fmt: skip
_DATE_WORDS = re.compile(
    r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s+nam\s+(\d{4})\b", re.IGNORECASE
)
_DATE_DIGITS = re.compile(
    r"(?<![\d/.-])(\d{1,2})[ \t]*([/.-])[ \t]*(\d{1,2})[ \t]*\2[ \t]*(\d{4})(?!\d)"
)
_PLACE_DATE = re.compile(
    r"(?:[A-Z][\w.]*[ \t]+){0,3}[A-Z][\w.]*[ \t]*,[ \t]*[Nn]gay[ \t]+(?:\d|\.{2}|…|_)"
    r"|[Nn]gay[ \t]+\d{1,2}[ \t]+thang[ \t]+\d{1,2}[ \t]+nam[ \t]+\d{4}"
)
_MOTTO = re.compile(
    r"CONG HOA XA HOI CHU NGHIA VIET NAM|Doc lap\s*[-–—]\s*Tu do\s*[-–—]\s*Hanh phuc",
    re.IGNORECASE,
)
_RULE = re.compile(r"[-_=*~.·•─—–]{3,}")
_VV = re.compile(r"(?:^|(?<=\s))[Vv]/[Vv][.:]?\s*")
_STOPS = re.compile(
    r"(?:CAN CU|KINH GUI|CHU TICH|PHO CHU TICH|UY BAN|UBND|HOI DONG|CHINH PHU|QUOC HOI|BO TRUONG"
    r"|GIAM DOC|THU TUONG|QUYET DINH|QUYET NGHI|DIEU \d|CHUONG [IVXLC\d]|PHAN [IVXLC\d]"
    r"|[IVX]+\.|\d+\.)"
)
_AGENCY_START = re.compile(
    r"(?:UY BAN|UBND|HOI DONG|HDND|CHINH PHU|QUOC HOI|BO|SO|PHONG|CUC|CHI CUC|TONG CUC|VU|BAN"
    r"|VAN PHONG|TRUNG TAM|CONG AN|THANH TRA|TRUONG|BENH VIEN|VIEN|KHO BAC|DOAN|MAT TRAN"
    r"|CONG TY|TOA AN|DANG UY|THANH UY|HUYEN UY|QUAN UY)\b"
)
_ADMIN_TAIL = re.compile(
    r"\b(?:THÀNH PHỐ|THANH PHO|THỊ XÃ|THI XA|THỊ TRẤN|THI TRAN|PHƯỜNG|PHUONG|XÃ(?! HỘI)|XA(?! HOI)"
    r"|QUẬN|QUAN|HUYỆN|HUYEN|TỈNH|TINH|TP)\b.*$"
)


def parse_metadata(text: str) -> DocumentMetadata:
    """Number, type, issuer, date, subject and signer from the header and the signature block.

    Only the first ``HEADER_LINES`` and the last ``SIGNER_LINES`` non-empty lines are read, so a
    long document costs no more than a short one; a field not found stays ``None``.
    """
    text = unicodedata.normalize("NFC", text)
    # " | " separates table cells (see readers): a two-column header table is two columns here too.
    lines = [cell.strip() for line in text.splitlines() for cell in line.split(" | ")]
    lines = [line for line in lines if line]
    header = lines[:HEADER_LINES]
    number, lead = _number(header)
    title = _find_title(header)
    doc_type = title[1] if title else _LEAD_TYPES.get(lead or "") or _type_of_symbol(number)
    return DocumentMetadata(
        number=number,
        doc_type=doc_type,
        issuer=_issuer(header),
        issued_on=_issued_on(header),
        subject=_subject(header, title),
        signer=find_signer(lines[-SIGNER_LINES:]),
    )


def document_title(text: str, metadata: DocumentMetadata, fallback: str) -> str:
    """A readable title: "Quyết định 1234/QĐ-UBND về việc ...", else the first heading line.

    ``fallback`` (usually the file name) is used when the text offers nothing better.
    """
    title = _title_from_metadata(metadata) or _first_heading(text) or fallback
    if len(title) <= MAX_TITLE:
        return title
    return title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"


def _title_from_metadata(meta: DocumentMetadata) -> str | None:
    subject = meta.subject
    if meta.doc_type in ("Luật", "Bộ luật") and subject and not fold(subject).startswith("Ve "):
        return f"{meta.doc_type} {subject}" + (f" số {meta.number}" if meta.number else "")
    if subject and subject[:1].isupper() and not subject[1:2].isupper():
        subject = subject[0].lower() + subject[1:]
    parts = [part for part in (meta.doc_type, meta.number, subject) if part]
    if meta.doc_type and len(parts) > 1:
        return " ".join(parts)
    return meta.subject


def _first_heading(text: str) -> str | None:
    for raw in text.splitlines()[:HEADER_LINES]:
        line = raw.strip().lstrip("#").strip()
        folded = fold(line)
        if not line or _RULE.fullmatch(line) or _MOTTO.search(folded) or _NUMBER.match(folded):
            continue
        return sentence_case(line) if is_caps(line) else line
    return None


def _number(header: list[str]) -> tuple[str | None, str | None]:
    joined = "\n".join(header)
    match = _NUMBER.search(fold(joined))
    if match is None:
        return None, None
    raw = joined[match.start("num") : match.end("num")]
    return re.sub(r"\s*/\s*", "/", raw).rstrip("."), match.group("lead")


def _type_of_symbol(number: str | None) -> str | None:
    """QĐ → Quyết định; a symbol without a type code ("123/UBND-VP") is a Công văn."""
    for part in (number or "").split("/")[1:]:
        if not any(ch.isalpha() for ch in part):
            continue
        code = part.split("-")[0]
        if code.upper() == "HĐ":
            return "Hợp đồng"
        known = _SYMBOL_TYPES.get(fold(code).upper())
        return known or ("Công văn" if code.isalpha() else None)
    return None


def _find_title(header: list[str]) -> tuple[int, str, str] | None:
    for index, line in enumerate(header):
        if not is_caps(line):
            continue
        match = _TITLE.match(fold(line))
        rest = line[match.end() :].strip() if match else ""
        if match and ":" not in rest and not fold(rest).startswith("SO "):
            return index, _TYPE_TITLES[match.group(1)], rest
    return None


def _issued_on(header: list[str]) -> date | None:
    """The first date of the header, before "Căn cứ" / "Kính gửi"; 31/02 gives ``None``."""
    region: list[str] = []
    for line in header:
        if re.match(r"(?i)(?:can cu|kinh gui|dieu \d)", fold(line)):
            break
        region.append(line)
    folded = fold("\n".join(region))
    found = [m for m in (_DATE_WORDS.search(folded), _DATE_DIGITS.search(folded)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    day, month, year = (
        int(first.group(i)) for i in ((1, 2, 3) if first.re is _DATE_WORDS else (1, 3, 4))
    )
    try:
        issued = date(year, month, day)
    except ValueError:
        return None
    return issued if 1945 <= year <= 2100 else None


def _blank(line: str, *patterns: re.Pattern[str]) -> str:
    """``line`` with what ``patterns`` match (on the folded copy) removed, spaces collapsed."""
    chars = list(line)
    folded = fold(line)
    for pattern in patterns:
        for match in pattern.finditer(folded):
            chars[match.start() : match.end()] = " " * (match.end() - match.start())
    return " ".join("".join(chars).split())


def _cut_date(line: str) -> str:
    match = _PLACE_DATE.search(fold(line))
    return (line[: match.start()] if match else line).strip()


def _agency_groups(header: list[str]) -> list[str]:
    groups: list[str] = []
    for line in header[:10]:
        cleaned = _blank(_cut_date(line), _MOTTO, _RULE)
        folded = fold(cleaned)
        if not cleaned:
            continue
        if not is_caps(cleaned) or _NUMBER.match(folded) or _TITLE.match(folded):
            break
        if _AGENCY_START.match(folded):
            groups.append(cleaned)
        elif groups:
            groups[-1] += " " + cleaned
        else:
            break
    return groups


def _issuer(header: list[str]) -> str | None:
    """The last agency of the top-left block, with the parent's place when it names none."""
    groups = _agency_groups(header)
    if not groups:
        return None
    issuer = readable_agency(groups[-1])
    if len(groups) > 1 and not _ADMIN_TAIL.search(groups[-1]):
        place = _ADMIN_TAIL.search(groups[-2])
        if place:
            issuer += " " + readable_agency(groups[-2][place.start() :], lower_first=True)
    return issuer


def _subject(header: list[str], title: tuple[int, str, str] | None) -> str | None:
    for index, line in enumerate(header):
        match = _VV.search(line)
        if match:
            parts = [_cut_date(line[match.end() :])]
            parts += _continuation(header[index + 1 : index + 4], caps=False)
            subject = " ".join(part for part in parts if part)
            return f"Về việc {subject}" if subject else None
    if title is None:
        return None
    index, _, rest = title
    return _subject_after(header[index + 1 :], rest)


def _continuation(lines: list[str], *, caps: bool) -> list[str]:
    taken: list[str] = []
    for line in lines:
        line = _cut_date(line)
        if _RULE.fullmatch(line) or _STOPS.match(fold(line).upper()) or line.endswith(":"):
            break
        same_case = is_caps(line) if caps else line[:1].islower() or line[:1].isdigit()
        if not same_case:
            break
        taken.append(line)
    return taken


def _subject_after(lines: list[str], rest: str) -> str | None:
    """The line(s) under the type title: "Về việc ban hành ...", "QUY ĐỊNH CHI TIẾT ..."."""
    lines = [line for line in lines[:5] if line]
    while not rest and lines and _RULE.fullmatch(lines[0]):
        lines = lines[1:]
    if not rest:
        if not lines or _STOPS.match(fold(lines[0]).upper()) or lines[0].endswith(":"):
            return None
        rest, lines = lines[0], lines[1:]
    caps = is_caps(rest)
    subject = " ".join([rest, *_continuation(lines[:3], caps=caps)])
    return sentence_case(subject) if caps else subject
