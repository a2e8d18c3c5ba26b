"""Batch analysis of JSON lines: ``{"id", "text"}`` in, one annotation line out per input.

Streams: reads a batch, annotates it, writes it, so a file of any size runs in bounded memory.
A bad line produces an ``error`` line with the same id instead of stopping the run.

    >>> for out in analyze_lines(pipeline, ['{"id": 1, "text": "Đường ngập sâu"}']):
    ...     print(out["category"])
    thoat_nuoc
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from core.errors import InvalidInput
from core.ports import Annotator
from core.types import TextInput
from services.validation import clean_text

BATCH = 256


def analyze_lines(
    pipeline: Annotator, lines: Iterable[str], batch_size: int = BATCH
) -> Iterator[dict[str, Any]]:
    it = (line for line in lines if line.strip())
    while batch := list(islice(it, batch_size)):
        parsed = [_parse(n, line) for n, line in enumerate(batch)]
        good = [p for p in parsed if "error" not in p]
        annotations = pipeline.annotate_batch(
            [TextInput(p["text"], p["location"], p["lat"], p["lon"]) for p in good]
        )
        results = iter(annotations)
        for p in parsed:
            if "error" in p:
                yield {"id": p["id"], "error": p["error"]}
                continue
            annotation = next(results)
            yield {"id": p["id"], **annotation.to_dict(), "redacted_text": annotation.redacted_text}


def _parse(n: int, line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": {"code": "analyze.bad_json", "message": exc.msg}}
    if not isinstance(row, dict):
        return {"id": None, "error": {"code": "analyze.bad_json", "message": "not an object"}}
    try:
        text = clean_text(row.get("text") if isinstance(row.get("text"), str) else None)
    except InvalidInput as exc:
        return {"id": row.get("id"), "error": {"code": exc.code, "message": exc.message}}
    location = row.get("location")
    lat, lon = (_number(row.get(k)) for k in ("lat", "lon"))
    return {
        "id": row.get("id"),
        "text": text,
        "lat": lat,
        "lon": lon,
        "location": location if isinstance(location, str) else None,
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
