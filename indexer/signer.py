"""The signer of a Vietnamese administrative document, read from its signature block.

The block under the text reads "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / (signature) / Nguyễn Văn A"; text from
a PDF may glue the "Nơi nhận:" column to it, so a name is also taken from the end of a line.

    >>> find_signer(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"])
    'Nguyễn Văn A'
"""

from __future__ import annotations

import re

from indexer.casing import fold

_ROLE = re.compile(
    r"\b(?:KT|TM|TL|TUQ|Q)\.|\b(?:CHU TICH|GIAM DOC|BO TRUONG|THU TUONG|THU TRUONG|CHANH VAN PHONG"
    r"|TRUONG PHONG|TRUONG BAN|CHU NHIEM|BI THU|HIEU TRUONG|CHANH THANH TRA|CUC TRUONG)\b"
)
_NOT_A_NAME = re.compile(
    r"CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|THỦ TƯỚNG|[ỦU][YỶ] BAN|NHÂN DÂN|HỘI ĐỒNG|VĂN PHÒNG|CHỦ NHIỆM|BÍ THƯ"
    r"|NƠI NHẬN|CỘNG HÒA|VIỆT NAM|PHƯỜNG|THÀNH PHỐ|CHÁNH|\bKÝ\b|\b(?:CHU TICH|GIAM DOC|UY BAN"
    r"|NHAN DAN|HOI DONG|VAN PHONG|NOI NHAN|THANH PHO|DA KY)\b"
)
_TOKEN_END = (".", ":", ";", ",")
_BULLETS = ("-", "+", "•", "*", "–")


def _name_at_end(line: str) -> str | None:
    """A person's name filling ``line``, or ending it after "VT." / "PHÓ CHỦ TỊCH"."""
    tokens = line.split()
    run = 0
    while run < min(len(tokens), 5) and _is_name_token(tokens[-1 - run]):
        run += 1
    if run < 2 or len(tokens) > run + 12:
        return None
    if len(tokens) == run:
        return None if line.startswith(_BULLETS) else line
    before = tokens[-1 - run]
    if before.endswith(_TOKEN_END) or (len(before) > 1 and before.isupper()):
        return " ".join(tokens[-run:])
    return None


def _is_name_token(token: str) -> bool:
    return token.isalpha() and token[0].isupper() and (len(token) == 1 or token[1:].islower())


def _caps_name(line: str) -> str | None:
    tokens = line.split()
    if 2 <= len(tokens) <= 5 and all(t.isalpha() and t.isupper() for t in tokens):
        return None if _NOT_A_NAME.search(line) or _NOT_A_NAME.search(fold(line)) else line
    return None


def find_signer(tail: list[str]) -> str | None:
    """The last name-looking line after the first "KT. CHỦ TỊCH"-style line of the tail."""
    start = next((i for i, line in enumerate(tail) if _ROLE.search(fold(line))), None)
    if start is None:
        return None
    names = [_name_at_end(line) or _caps_name(line) for line in tail[start:]]
    found = [name for name in names if name]
    return found[-1] if found else None
