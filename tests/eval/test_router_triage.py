"""The triage check of eval/router_eval.py: vague reports must stay below the routing threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.router_eval import VAGUE, triage_shares


def test_shares_count_waiting_khac_and_routed_texts_per_kind() -> None:
    answers = {
        "vague": [("khac", 0.2), ("khac", 0.5), ("dien", 0.44), ("dien", 0.45)],
        "clear": [("dien", 0.9), ("thoat_nuoc", 0.3)],
    }
    shares = triage_shares(answers, 0.45)
    assert shares["vague"] == {"wait": 2, "khac": 1, "routed": 1}  # 0.45 itself is routed
    assert shares["clear"] == {"wait": 1, "khac": 0, "routed": 1}
    assert triage_shares({"vague": []}, 0.45) == {"vague": {"wait": 0, "khac": 0, "routed": 0}}


@pytest.mark.parametrize("path", VAGUE, ids=lambda p: p.parent.name)
def test_the_vague_sets_are_well_formed(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["kind"] for r in rows} == {"vague", "clear"}
    assert all(list(r) == ["text", "kind", "style"] and r["text"].strip() for r in rows)
    assert len({r["text"] for r in rows}) == len(rows)
    assert sum(r["kind"] == "vague" for r in rows) >= 60
