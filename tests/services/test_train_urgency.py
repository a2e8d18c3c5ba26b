from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.settings import PROJECT_DIR
from nlp.linear_training import Example
from nlp.urgency import UrgencyClassifier, load_urgency_model
from nlp.urgency_rules import LEVELS
from services.train_urgency import (
    OFF_TOPIC_WEIGHT,
    adopted_sets,
    critical_scores,
    rule_counts,
    train_urgency_files,
)
from tests.seed_files import copy_heads, write_jsonl

DATA = PROJECT_DIR / "eval" / "data" / "urgency"


def test_critical_scores_count_misses_and_false_alarms() -> None:
    examples = [
        Example("a", "critical"),
        Example("b", "critical"),
        Example("c", "high"),
        Example("d", "low"),
    ]
    said = {"a": "critical", "b": "high", "c": "critical", "d": "low"}

    def predict(texts: Sequence[str]) -> list[tuple[str, float]]:
        return [(said[t], 0.9) for t in texts]

    scores = critical_scores(predict, examples)
    assert (scores["recall"], scores["precision"], scores["false_alarms"]) == (0.5, 0.5, 1)
    assert scores["missed"] == [{"text": "b", "predicted": "high"}]


@pytest.mark.parametrize(
    "text", ["Cháy nhà ở hẻm 5, có người mắc kẹt", "Chay nha o hem 5, co nguoi mac ket"]
)
def test_rule_counts_say_what_fired_on_which_level(text: str) -> None:
    examples = [Example(text, "critical"), Example("Hôm qua có cháy nhà ở hẻm 5", "normal")]
    counts = rule_counts(UrgencyClassifier(None), examples)
    assert counts["fire"]["fired"] == 1
    assert counts["fire"]["fired_on_critical"] == 1
    assert counts["fire"]["cancelled_by_past"] == 1
    assert counts["trapped"] == {"fired": 1, "fired_on_critical": 1}


@pytest.mark.slow
def test_train_urgency_writes_a_loadable_model_and_its_card(tmp_path: Path) -> None:
    data = tmp_path / "data"
    files = copy_heads(DATA, data, lines=30)  # a smaller set keeps this test quick
    out = tmp_path / "urgency"
    result = train_urgency_files(data, out)
    model = load_urgency_model(out)
    assert model.classes == LEVELS
    meta = json.loads((out / "urgency.json").read_text(encoding="utf-8"))
    assert meta["train_examples"] + meta["held_out_examples"] == len(files) * 30
    metrics = result["metrics"]
    for key in ("held_out", "model_alone", "rules_alone"):
        for suffix in ("", "_without_diacritics"):
            m = metrics[key + suffix]
            assert m["n"] == meta["held_out_examples"]
            assert 0.0 <= m["critical"]["recall"] <= 1.0
            assert 0.0 <= m["macro_f1"] <= 1.0
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert meta["version"] in card
    assert "critical recall" in card
    assert all(f"| {level} |" in card for level in LEVELS)
    clf = UrgencyClassifier(out)
    clf.warm_up()
    assert clf.assess("cháy nhà ở hẻm 5, có người mắc kẹt").level == "critical"


def test_off_topic_posts_train_the_model_as_low(tmp_path: Path) -> None:
    data = tmp_path / "urgency"
    copy_heads(DATA, data, lines=30)
    alone = train_urgency_files(data, tmp_path / "alone")["info"]
    assert alone["off_topic"] == {}
    chatter = [f"Tối nay đi xem phim số {i} không mọi người" for i in range(20)]
    write_jsonl(
        tmp_path / "relevance" / "x.jsonl",
        [{"text": t, "category": "irrelevant"} for t in chatter]
        + [{"text": "Đường ngập sâu", "category": "relevant"}],  # a city problem: left out
    )
    write_jsonl(
        tmp_path / "spam" / "x.jsonl",
        [{"text": f"Vay tiền nhanh lãi thấp gói {i}", "category": "spam"} for i in range(10)],
    )
    out = tmp_path / "model"
    result = train_urgency_files(data, out)
    info, held = result["info"], result["metrics"]["off_topic_held_out"]
    assert set(info["off_topic"]) == {"relevance", "spam"}
    assert sum(info["off_topic"].values()) + sum(held.values()) == 30
    assert info["train_examples"] == alone["train_examples"] + sum(info["off_topic"].values())
    assert info["per_level"]["low"] > alone["per_level"]["low"]
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert "`eval/data/relevance/` (irrelevant" in card
    assert f"weight {OFF_TOPIC_WEIGHT}" in card


def test_adopted_blind_sets_join_the_training_data(tmp_path: Path) -> None:
    data, blind = tmp_path / "urgency", tmp_path / "urgency_fresh9"
    copy_heads(DATA, data, lines=30)
    rows = [
        {"text": "Có người té xuống kênh, ai biết bơi ra cứu giùm", "category": "critical"},
        {"text": "Cảm ơn phường đã dọn rác đầu hẻm", "category": "low"},
    ]
    write_jsonl(blind / "fresh.jsonl", rows)
    assert adopted_sets(data) == []  # no adopted.json: the training part alone
    alone = train_urgency_files(data, tmp_path / "alone")["info"]["train_examples"]
    (data / "adopted.json").write_text(json.dumps({"sets": ["urgency_fresh9"]}), "utf-8")
    assert adopted_sets(data) == [blind]
    out = tmp_path / "model"
    info = train_urgency_files(data, out)["info"]
    assert info["adopted_sets"] == {"urgency_fresh9": 2}
    assert info["train_examples"] == alone + 2
    assert "urgency_fresh9" in (out / "CARD.md").read_text(encoding="utf-8")
    (data / "adopted.json").write_text(json.dumps({"sets": ["urgency_fresh99"]}), "utf-8")
    with pytest.raises(FileNotFoundError, match="urgency_fresh99"):
        adopted_sets(data)


def test_the_evaluation_leaves_out_the_sets_the_model_trains_on() -> None:
    from eval.urgency_eval import ADOPTED, FRESH_DIRS

    assert {d.name for d in adopted_sets(DATA)} == ADOPTED
    assert ADOPTED and not ADOPTED & {d.name for d in FRESH_DIRS}
    assert {d.name for d in FRESH_DIRS} >= {"urgency_fresh25", "urgency_fresh34"}
