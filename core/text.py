"""Text helpers the core needs to compare names typed in different ways.

>>> fold("Phường  Hiệp Bình")
'phuong hiep binh'
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces: how names are compared."""
    plain = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return " ".join(plain.replace("đ", "d").replace("Đ", "D").lower().split())
