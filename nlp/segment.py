"""The one module that talks to underthesea (word segmentation, offline).

underthesea is imported lazily (it takes seconds) and called under a lock, because its CRF
tagger is not documented as thread-safe and the annotation worker runs beside the API.

    >>> words("Đường Võ Văn Ngân ngập sâu")
    ['Đường', 'Võ Văn Ngân', 'ngập', 'sâu']
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

from core.errors import ModelUnavailable

_lock = threading.Lock()
_tokenize: Callable[..., Any] | None = None


def _underthesea(name: str) -> Callable[..., Any]:
    """One function of underthesea, imported on first use (the import takes seconds)."""
    try:
        module = importlib.import_module("underthesea")
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable(
            "underthesea is not installed; run the README's set-up command",
            code="nlp.underthesea_missing",
        ) from exc
    function: Callable[..., Any] = getattr(module, name)
    return function


def warm_up(ner: bool = False) -> None:
    """Import underthesea and run it once so the first real call is fast (``ner``: the tagger
    of ``entities`` too)."""
    global _tokenize
    with _lock:
        if _tokenize is None:
            word_tokenize = _underthesea("word_tokenize")
            word_tokenize("khởi động")
            _tokenize = word_tokenize
    if ner:
        entities("khởi động")


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


_ner: Callable[..., Any] | None = None


def entities(text: str) -> list[tuple[str, str]]:
    """Word segments of ``text`` with their underthesea NER label (``B-PER``, ``I-LOC``, ``O`` …).

    The NER tagger is imported on first use (under the same lock), so code that never needs
    names does not pay for it. Tokens may differ slightly from the input (underthesea fixes tone
    marks), so callers align them themselves.
    """
    global _ner
    if not text.strip():
        return []
    with _lock:
        if _ner is None:
            _ner = _underthesea("ner")
        result = _ner(text)
    return [(str(row[0]), str(row[-1])) for row in result]
