from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.settings import PROJECT_DIR
from core.errors import InvalidInput
from core.reference import ReferenceData
from nlp.linear_training import Example, fit_temperature, is_held_out, load_examples
from nlp.normalize import for_model
from nlp.router import UNCLEAR, CategoryRouter, load_router
from services.training import train_router_files
from tests.seed_files import copy_heads

SEED = PROJECT_DIR / "eval" / "data" / "router_seed"


def test_held_out_split_is_stable_and_about_a_fifth() -> None:
    examples = load_examples(SEED)
    held = [e for e in examples if is_held_out(e.text)]
    assert 0.15 < len(held) / len(examples) < 0.25
    assert [e.text for e in held] == [e.text for e in load_examples(SEED) if is_held_out(e.text)]


def test_every_category_has_at_least_40_seed_examples(reference: ReferenceData) -> None:
    counts = {c: 0 for c in reference.category_codes}
    for e in load_examples(SEED):
        counts[e.label] += 1
    assert min(counts.values()) >= 40, counts


def test_a_malformed_seed_line_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text('{"text": "ngập"}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"x\.jsonl:1"):
        load_examples(tmp_path)


def test_temperature_makes_overconfident_scores_softer() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    scores = rng.normal(size=(300, 3))
    scores[np.arange(300), y] += 1.0
    assert fit_temperature(scores * 10, y) > fit_temperature(scores, y)


@pytest.mark.slow
def test_train_router_writes_a_loadable_model_and_its_card(
    tmp_path: Path, reference: ReferenceData
) -> None:
    seed = tmp_path / "seed"
    files = copy_heads(SEED, seed, lines=30)  # a smaller seed keeps this test quick
    out = tmp_path / "router"
    result = train_router_files(seed, out, reference)
    model = load_router(out)
    assert model.classes == reference.category_codes
    meta = json.loads((out / "router.json").read_text(encoding="utf-8"))
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert meta["version"] in card
    assert all(f"| {c} |" in card for c in reference.category_codes)
    assert meta["train_examples"] + meta["held_out_examples"] == len(files) * 30
    assert result["metrics"]["held_out"]["n"] == meta["held_out_examples"]
    assert 0.0 <= result["metrics"]["held_out"]["macro_f1"] <= 1.0


@pytest.mark.slow
def test_vague_reports_train_a_class_that_is_never_an_answer(
    tmp_path: Path, reference: ReferenceData
) -> None:
    seed = tmp_path / "seed"
    copy_heads(SEED, seed, lines=30)
    copy_heads(SEED / "unclear", seed / "unclear", lines=120)
    vague = load_examples(seed / "unclear")
    assert vague and {e.label for e in vague} == {UNCLEAR}
    out = tmp_path / "router"
    result = train_router_files(seed, out, reference, routing_threshold=0.45)
    model = load_router(out)
    assert model.classes == (*reference.category_codes, UNCLEAR)
    held = [e for e in vague if is_held_out(e.text)]
    assert result["info"]["unclear_examples"] == len(vague) - len(held)
    scored = result["metrics"]["held_out_unclear"]
    assert scored["n"] == len(held) and 0 <= scored["as_written"]["waiting"] <= len(held)
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert f"{len(vague) - len(held)} vague reports" in card and f"`{UNCLEAR}`" in card
    assert f"| {UNCLEAR} |" not in card  # not a category row
    router = CategoryRouter(out, reference.routing)
    answers = [router.route(for_model(e.text), ward=None) for e in vague]
    assert all(a.category != UNCLEAR for a in answers)
    assert all(UNCLEAR not in {alt.label for alt in a.alternatives} for a in answers)
    # the class takes probability from the categories: the held-out vague reports are less
    # sure than the same reports under the model trained without the class
    plain = tmp_path / "plain_seed"
    copy_heads(SEED, plain, lines=30)
    train_router_files(plain, tmp_path / "plain", reference)
    without = CategoryRouter(tmp_path / "plain", reference.routing)
    held_conf = [router.route(for_model(e.text), None).confidence for e in held]
    plain_conf = [without.route(for_model(e.text), None).confidence for e in held]
    assert np.median(held_conf) < np.median(plain_conf)


def test_unknown_seed_label_is_refused(tmp_path: Path, reference: ReferenceData) -> None:
    from nlp.linear_training import train_linear

    with pytest.raises(InvalidInput, match="ngap_lut"):
        train_linear([Example("ngập", "ngap_lut")], reference.category_codes, "v")
