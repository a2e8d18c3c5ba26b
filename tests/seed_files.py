"""Small copies of the project's labelled sets for training tests, and JSON-lines writing:
``copy_heads(PROJECT_DIR / "eval" / "data" / "router_seed", tmp_path / "seed", lines=8)``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def copy_heads(source: Path, dest: Path, lines: int, files: int | None = None) -> list[Path]:
    """The first ``lines`` lines of each ``*.jsonl`` of ``source`` (the first ``files`` of them,
    by name, when given) written to ``dest``; returns the source files copied."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = sorted(source.glob("*.jsonl"))[:files]
    for path in paths:
        head = path.read_text(encoding="utf-8").splitlines()[:lines]
        (dest / path.name).write_text("\n".join(head) + "\n", encoding="utf-8")
    return paths


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """One JSON object per line, UTF-8, as the project's labelled sets are stored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
