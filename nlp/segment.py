"""The one module that talks to underthesea (word segmentation, offline).

underthesea is imported lazily (it takes seconds) and called under a lock, because its CRF
tagger is not documented as thread-safe and the annotation worker runs beside the API.

    >>> words("Đường Võ Văn Ngân ngập sâu")
    ['Đường', 'Võ Văn Ngân', 'ngập', 'sâu']
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from core.errors import ModelUnavailable

_lock = threading.Lock()
_tokenize: Callable[..., Any] | None = None


def warm_up() -> None:
    """Import underthesea and run it once so the first real call is fast."""
    global _tokenize
    with _lock:
        if _tokenize is not None:
            return
        try:
            from underthesea import word_tokenize
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelUnavailable(
                "underthesea is not installed; run the README's set-up command",
                code="nlp.underthesea_missing",
            ) from exc
        word_tokenize("khởi động")
        _tokenize = word_tokenize


def words(text: str) -> list[str]:
    """Word segments of ``text``; multi-syllable words keep their inner spaces."""
    if _tokenize is None:
        warm_up()
    assert _tokenize is not None
    if not text.strip():
        return []
    with _lock:
        result: list[str] = _tokenize(text)
    return result
