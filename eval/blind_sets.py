"""The blind test sets of one kind (``eval/data/<kind>_fresh*/``), in the order they were written.

>>> [p.parent.name for p in blind_sets("pii", "fresh.jsonl")][:2]
['pii_fresh', 'pii_fresh2']
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def set_number(name: str, kind: str) -> int:
    """``router_fresh`` → 1, ``router_fresh2`` → 2: the order the sets were written in."""
    return int(name.removeprefix(f"{kind}_fresh") or 1)


def blind_sets(kind: str, file: str | None = None) -> list[Path]:
    """The set folders of ``kind``, oldest first (or the file ``file`` inside each)."""
    folders = sorted(DATA.glob(f"{kind}_fresh*/"), key=lambda d: set_number(d.name, kind))
    return [d / file if file else d for d in folders]
