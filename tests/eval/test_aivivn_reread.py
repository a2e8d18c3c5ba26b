"""The AIVIVN second reading and GPU runs: files well formed, helpers right."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eval.aivivn_ceiling_fit import _rows_for, dev_scores, run_key
from eval.aivivn_reread_eval import (
    LABELS,
    LOGITS,
    RUNS,
    averaged,
    ngram_probabilities,
    text_id,
    wilson,
)
from nlp.linear_training import Example
from services.encoder_fit import CLASSES, Rows


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


def test_the_recorded_gpu_runs_name_their_settings_and_scores() -> None:
    runs = json.loads(RUNS.read_text(encoding="utf-8"))
    assert runs["what"] and runs["runs"]
    for run in runs["runs"]:
        tune, epochs, rate = run["candidate"].split(":")
        assert 1 <= int(tune) <= 12 and int(epochs) >= 1 and float(rate) > 0
        assert 0.5 < run["dev"]["macro_f1"] < 1.0
        assert run["aivivn_factor"] >= 0 and run["rows"] > 10_000


def test_aivivn_only_rows_keep_the_sentiment_label_and_nothing_else() -> None:
    rows = Rows([[0, 5, 2], [0, 6, 2], [0, 7, 2]],
                np.array([[2, -1, -1], [0, 1, 3], [1, -1, 2]]),
                np.array([1.0, 2.0, 3.0], np.float32), np.array([1, 2, 3], np.uint32))  # fmt: skip
    mask = np.array([True, False, True])
    only = _rows_for(rows, mask, 0.0)
    assert only.ids == [[0, 5, 2], [0, 7, 2]]
    assert only.labels.tolist() == [[2, -1, -1], [1, -1, -1]]
    doubled = _rows_for(rows, mask, 2.0)
    assert doubled.weights.tolist() == [2.0, 2.0, 6.0]
    assert doubled.labels.tolist() == rows.labels.tolist()
    assert rows.weights.tolist() == [1.0, 2.0, 3.0]  # the bundle's rows are left as they were


def test_dev_scores_count_a_neutral_answer_as_wrong() -> None:
    neg, neu, pos = (CLASSES["sentiment"].index(c) for c in ("negative", "neutral", "positive"))
    gold = np.array([neg, neg, pos, pos])
    right = dev_scores(gold, gold)
    assert right == {"macro_f1": 1.0, "accuracy": 1.0, "neutral_answers": 0}
    hedged = dev_scores(gold, np.array([neg, neu, pos, neu]))
    assert hedged["accuracy"] == 0.5 and hedged["neutral_answers"] == 2
    assert hedged["macro_f1"] == pytest.approx(2 / 3, abs=1e-4)


def test_the_ngram_model_answers_unseen_reviews_from_their_words() -> None:
    good = [
        "hàng đẹp giao nhanh",
        "sản phẩm tốt lắm",
        "rất hài lòng, đóng gói đẹp",
        "tốt, sẽ ủng hộ",
    ]
    bad = ["hàng lỗi, thất vọng", "giao chậm, tệ quá", "rách hết, không hài lòng", "tệ, hàng lỗi"]
    train = [Example(t, "positive") for t in good] + [Example(t, "negative") for t in bad]
    train *= 5
    dev = [Example("đẹp, tốt lắm", "positive"), Example("thất vọng vì hàng lỗi", "negative")]
    answers, p = ngram_probabilities(train, dev)
    assert answers == ["positive", "negative"]
    assert p[0] > 0.5 > p[1]


def test_the_saved_dev_logits_belong_to_the_seeded_runs() -> None:
    runs = json.loads(RUNS.read_text(encoding="utf-8"))["runs"]
    seeded = {run_key(r["name"], r["candidate"], r["seed"]): r for r in runs if "seed" in r}
    with np.load(LOGITS) as saved:
        assert set(saved.files) == set(seeded)
        for key in saved.files:
            logits = saved[key]
            assert logits.shape == (1314, len(CLASSES["sentiment"]))
            assert np.isfinite(logits).all()
            # the recorded accuracy is the saved logits' own (neutral counted wrong)
            assert seeded[key]["dev"]["neutral_answers"] == int(
                (logits.argmax(axis=1) == CLASSES["sentiment"].index("neutral")).sum()
            )


def test_averaging_takes_the_mean_probability_and_the_best_subset() -> None:
    classes = CLASSES["sentiment"]
    gold = ["negative", "positive", "positive", "negative"]
    # columns: negative, neutral, positive
    sure_right = np.array([[0.9, 0, 0.1], [0.2, 0, 0.8], [0.3, 0, 0.7], [0.6, 0, 0.4]])
    half_right = np.array([[0.9, 0, 0.1], [0.6, 0, 0.4], [0.3, 0, 0.7], [0.4, 0, 0.6]])
    loud_wrong = np.array([[0.0, 0, 1.0], [1.0, 0, 0.0], [1.0, 0, 0.0], [0.0, 0, 1.0]])
    members = {"a": sure_right, "b": half_right, "c": loud_wrong}
    every, best, chosen = averaged(members, gold, classes)
    # the loud, wrong member outvotes the others on three texts of four: answers neg, neg, neg,
    # pos; negative F1 = 2 * (1/3 * 1/2) / (1/3 + 1/2) = 0.4, positive 0
    assert every == pytest.approx(0.2)
    assert chosen == ("a", "b") and best == 1.0
