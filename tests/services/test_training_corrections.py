"""Staff corrections as router labels: one label per text, the seed label replaced, a held-out
fifth never trained on, and ``langnghe train router --with-corrections`` end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.settings import PROJECT_DIR
from core.cases import RoutingCorrection
from core.reference import ReferenceData
from nlp.linear_training import Example, is_held_out, load_examples
from services.training import CORRECTION_STYLE, correction_examples, router_data
from stores.sql.case_store import SqlCaseStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.case_factories import add_case
from tests.seed_files import copy_heads, write_jsonl

SEED = PROJECT_DIR / "eval" / "data" / "router_seed"
T0 = datetime(2026, 11, 20, tzinfo=UTC)


def correction(text: str, new: str, minutes: int = 0, old: str = "khac") -> RoutingCorrection:
    return RoutingCorrection(1, text, old, new, None, None, "staff:lan",
                             T0 + timedelta(minutes=minutes))  # fmt: skip


def test_the_latest_label_of_a_text_wins_and_unknown_categories_are_dropped(
    reference: ReferenceData,
) -> None:
    rows = [
        correction("Cống nghẹt", "ha_tang_duong", minutes=5),
        correction("Cống nghẹt", "thoat_nuoc", minutes=9),  # decided again later
        correction("Ổ gà", "ngap_lut"),  # a category since renamed
        correction("   ", "thoat_nuoc"),
        correction("Mất điện", "dien", minutes=1, old="dien"),  # a confirmation is a label too
    ]
    examples = correction_examples(list(reversed(rows)), reference.category_codes)
    assert sorted((e.text, e.label) for e in examples) == [
        ("Cống nghẹt", "thoat_nuoc"), ("Mất điện", "dien")]  # fmt: skip
    assert {e.style for e in examples} == {CORRECTION_STYLE}


def test_corrections_replace_seed_labels_and_their_held_out_fifth_is_never_trained_on() -> None:
    seed = load_examples(SEED)
    relabelled = seed[0]
    corrections = [Example(relabelled.text, "khac", CORRECTION_STYLE)] + [
        Example(f"phản ánh số {i} về cống", "thoat_nuoc", CORRECTION_STYLE) for i in range(60)
    ]
    data = router_data(seed, corrections)
    labels = {e.text: e.label for e in data.train + data.held_out + data.held_out_corrections}
    assert labels[relabelled.text] == "khac"
    trained = {e.text for e in data.train}
    held = {e.text for e in data.held_out_corrections}
    assert held and not held & trained
    assert all(is_held_out(t) for t in held)
    assert sum(e.style == CORRECTION_STYLE for e in data.train) + len(held) == len(corrections)
    assert all(e.style != CORRECTION_STYLE for e in data.held_out)
    plain = router_data(seed)
    assert plain.held_out_corrections == [] and len(plain.train) + len(plain.held_out) == len(seed)


@pytest.mark.slow
def test_train_router_with_corrections_from_the_database(
    tmp_path: Path, sqlite_db: Database, reference: ReferenceData
) -> None:
    seed = tmp_path / "seed"
    copy_heads(SEED, seed, lines=8)  # a small seed keeps this test quick
    fb = add_case(SqlFeedbackStore(sqlite_db), "a")
    cases = SqlCaseStore(sqlite_db)
    for i in range(30):
        text = f"Nắp cống số {i} trước nhà bị vỡ, nước đen trào lên"
        cases.set_routing(fb.id, "thoat_nuoc", None, T0, RoutingCorrection(
            fb.id, text, "ha_tang_duong", "thoat_nuoc", None, None, "staff:lan", T0))  # fmt: skip
    out = tmp_path / "router"
    env = {"LANGNGHE_HOME": str(tmp_path / "home"), "LANGNGHE_LOG_LEVEL": "WARNING",
           "LANGNGHE_DATABASE_URL": str(sqlite_db.url)}  # fmt: skip
    args = ["train", "router", "--with-corrections", "--seed-dir", str(seed), "--out", str(out)]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert "30 stored corrections, 30 distinct texts" in result.output
    assert "held-out corrections" in result.output
    meta = json.loads((out / "router.json").read_text(encoding="utf-8"))
    assert meta["corrections"] == 30
    assert meta["train_examples"] + meta["held_out_examples"] + meta["held_out_corrections"] == (
        len(list(seed.glob("*.jsonl"))) * 8 + 30)  # fmt: skip
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert "30 staff corrections" in card and "| staff corrections |" in card


def test_adopted_blind_router_sets_join_the_training_data(
    tmp_path: Path, reference: ReferenceData
) -> None:
    from services.training import train_router_files

    seed, blind = tmp_path / "router_seed", tmp_path / "router_fresh9"
    copy_heads(SEED, seed, lines=8)  # a small seed keeps this test quick
    rows = [
        {"text": "Cống trước nhà bốc mùi, nước đen tràn lên", "category": "thoat_nuoc"},
        {"text": "Karaoke hát tới 1 giờ sáng không ai ngủ được", "category": "tieng_on"},
    ]
    write_jsonl(blind / "fresh.jsonl", rows)
    alone = train_router_files(seed, tmp_path / "alone", reference)["info"]
    assert alone["adopted_sets"] == {}
    (seed / "adopted.json").write_text(json.dumps({"sets": ["router_fresh9"]}), "utf-8")
    info = train_router_files(seed, tmp_path / "router", reference)["info"]
    assert info["adopted_sets"] == {"router_fresh9": 2}
    assert info["train_examples"] == alone["train_examples"] + 2
    assert (
        info["held_out_examples"] == alone["held_out_examples"]
    )  # adopted rows are never held out
    card = (tmp_path / "router" / "CARD.md").read_text(encoding="utf-8")
    assert "`router_fresh9`" in card and "eval/data/router_seed/adopted.json" in card


def test_the_router_evaluation_leaves_out_the_sets_it_trains_on() -> None:
    from eval.router_eval import ADOPTED_SETS, FRESH_DIRS
    from nlp.linear_training import adopted_sets

    adopted = {f"router_fresh{n}" for n in ("", 2, 3, 4, 5)}
    assert {d.name for d in adopted_sets(SEED)} == ADOPTED_SETS == adopted
    assert not ADOPTED_SETS & {d.name for d in FRESH_DIRS}
    assert {d.name for d in FRESH_DIRS} >= {"router_fresh6", "router_fresh7", "router_fresh8"}
