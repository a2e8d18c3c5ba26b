"""The blind test sets of one kind (``eval/data/<kind>_fresh*/``), in the order they were written.

>>> [p.parent.name for p in blind_sets("pii", "fresh.jsonl")][:2]
['pii_fresh', 'pii_fresh2']
"""

from __future__ import annotations

from pathlib import Path

from nlp.linear_training import blind_set_dirs, set_number

__all__ = ["DATA", "blind_sets", "set_number"]

DATA = Path(__file__).resolve().parent / "data"


def blind_sets(kind: str, file: str | None = None) -> list[Path]:
    """The set folders of ``kind``, oldest first (or the file ``file`` inside each)."""
    return [d / file if file else d for d in blind_set_dirs(DATA, kind)]
