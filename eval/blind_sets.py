"""The blind test sets of one kind (``eval/data/<kind>_fresh*/``), in the order they were written.

>>> [p.parent.name for p in blind_sets("pii", "fresh.jsonl")][:2]
['pii_fresh', 'pii_fresh2']
"""

from __future__ import annotations

from pathlib import Path

from nlp.linear_training import blind_set_dirs, set_number

__all__ = ["DATA", "blind_sets", "misses_unread", "set_number"]

DATA = Path(__file__).resolve().parent / "data"


def blind_sets(kind: str, file: str | None = None) -> list[Path]:
    """The set folders of ``kind``, oldest first (or the file ``file`` inside each)."""
    return [d / file if file else d for d in blind_set_dirs(DATA, kind)]


def misses_unread(folder: Path) -> bool:
    """The set's README says its misses were not read (it stays blind for a later honest
    check), and no later History line says they were: reports then print no misses of it."""
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8").lower() if readme.is_file() else ""
    history = text.partition("## history")[2]
    unread = "misses were not read" in history or "misses not read" in history
    return unread and "after reading its misses" not in history
