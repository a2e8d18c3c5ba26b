"""The AIVIVN second reading: its file is well formed and the interval helper is right."""

from __future__ import annotations

import json

import pytest

from eval.aivivn_reread_eval import LABELS, text_id, wilson


def test_the_labels_file_has_one_known_label_per_distinct_id() -> None:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 240
    assert len({r["id"] for r in rows}) == 240
    assert {r["reader"] for r in rows} <= {"positive", "negative", "unclear"}
    assert all(len(r["id"]) == 12 and int(r["id"], 16) >= 0 for r in rows)


def test_ids_are_the_sha1_prefix_of_the_text() -> None:
    assert text_id("abc") == "a9993e364706"


@pytest.mark.parametrize(("k", "n", "lo", "hi"), [(215, 240, 0.851, 0.928), (0, 10, 0.0, 0.278)])
def test_wilson_interval(k: int, n: int, lo: float, hi: float) -> None:
    low, high = wilson(k, n)
    assert low == pytest.approx(lo, abs=0.001)
    assert high == pytest.approx(hi, abs=0.001)
