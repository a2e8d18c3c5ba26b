from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from app.settings import PROJECT_DIR
from core.errors import InvalidInput
from nlp.linear_training import is_held_out, load_examples
from nlp.normalize import strip_diacritics
from nlp.textcat import TASKS, textcat_for
from services.textcat_data import (
    read_aivivn,
    read_victsd,
    read_vihsd,
    read_vnexpress,
    read_vsfc,
    task_data,
)
from services.textcat_evaluation import FeatureCache
from services.train_textcat import OneVsRestCandidate, train_textcat_files
from tests.seed_files import copy_heads, write_jsonl

DATA = PROJECT_DIR / "eval" / "data"


# --- our own hand-written sets -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "minimum"),
    [
        ("civic_sentiment", {"negative": 100, "neutral": 90, "positive": 90}),
        ("spam", {"spam": 200, "not_spam": 200}),
        ("relevance", {"relevant": 250, "irrelevant": 250}),
        ("toxicity", {"clean": 150, "offensive": 100, "hate": 100}),
    ],
)
def test_own_sets_are_large_enough_and_labelled_with_task_classes(
    folder: str, minimum: dict[str, int]
) -> None:
    examples = load_examples(DATA / folder)
    counts = Counter(e.label for e in examples)
    assert set(counts) == set(minimum)
    for label, n in minimum.items():
        assert counts[label] >= n, (label, counts)
    texts = [e.text for e in examples]
    assert len(texts) == len(set(texts)), "duplicate texts"
    held = sum(is_held_out(t) for t in texts)
    assert 0.12 < held / len(texts) < 0.28


@pytest.mark.parametrize("folder", ["civic_sentiment", "spam", "relevance", "toxicity"])
def test_own_sets_mix_text_with_and_without_diacritics(folder: str) -> None:
    texts = [e.text for e in load_examples(DATA / folder)]
    plain = [t for t in texts if strip_diacritics(t) == t]
    assert 0.05 < len(plain) / len(texts) < 0.5


@pytest.mark.parametrize(
    ("task", "folder"),
    [
        ("sentiment", "civic_sentiment_fresh"),
        ("spam", "spam_fresh"),
        ("relevance", "relevance_fresh"),
        ("toxicity", "toxicity_fresh"),
    ],
)
def test_blind_sets_are_scored_as_fresh_and_never_trained_on(
    task: str, folder: str, shared: Path
) -> None:
    data = task_data(task, DATA, shared)
    fresh = data.evals["fresh"]
    assert fresh.note == f"blind test set eval/data/{folder}"
    assert len(fresh.examples) >= 100
    assert {e.label for e in fresh.examples} <= set(TASKS[task])
    trained = {e.text for e in data.train}
    assert not [e.text for e in fresh.examples if e.text in trained]


def test_every_blind_set_of_a_task_is_scored_in_the_order_written(
    tmp_path: Path, shared: Path
) -> None:
    data_dir = tmp_path / "data"
    copy_heads(DATA / "spam", data_dir / "spam", lines=20)
    copy_heads(DATA / "router_seed", data_dir / "router_seed", lines=3, files=2)
    for n, folder in enumerate(["spam_fresh", "spam_fresh10", "spam_fresh2"]):
        write_jsonl(
            data_dir / folder / "fresh.jsonl",
            [{"text": f"quảng cáo số {n}", "category": "spam", "style": "casual"}],
        )
    data = task_data("spam", data_dir, shared)
    fresh = [(k, v.note) for k, v in data.evals.items() if k.startswith("fresh")]
    assert fresh == [
        ("fresh", "blind test set eval/data/spam_fresh"),
        ("fresh2", "blind test set eval/data/spam_fresh2"),
        ("fresh10", "blind test set eval/data/spam_fresh10"),
    ]
    assert not {e.text for e in data.train} & {"quảng cáo số 0", "quảng cáo số 1", "quảng cáo số 2"}


def test_the_blind_toxicity_set_is_also_scored_as_toxic_or_clean(shared: Path) -> None:
    data = task_data("toxicity", DATA, shared)
    three, two = data.evals["fresh"], data.evals["fresh_toxic"]
    assert [e.text for e in two.examples] == [e.text for e in three.examples]
    assert Counter(e.label for e in two.examples) == {
        "clean": sum(e.label == "clean" for e in three.examples),
        "toxic": sum(e.label != "clean" for e in three.examples),
    }
    assert two.mapping == {"offensive": "toxic", "hate": "toxic"}


# --- readers of the public corpora, on a tiny hand-made copy of their formats -----------------


def test_corpus_labels_are_mapped_as_their_sources_define_them(shared: Path) -> None:
    assert {e.label for e in read_vsfc(shared, "train")} == set(TASKS["sentiment"])
    train, dev = read_aivivn(shared)
    by_text = {e.text: e.label for e in train + dev}
    assert by_text["sản phẩm tốt lắm lần 0"] == "positive"
    assert by_text["hàng lỗi thất vọng lần 0"] == "negative"
    assert {e.label for e in read_vihsd(shared, "dev")} == set(TASKS["toxicity"])
    assert {e.label for e in read_victsd(shared, "valid")} == {"clean", "offensive"}


def test_vnexpress_sample_reads_sections_not_the_source_note(tmp_path: Path) -> None:
    folder = tmp_path / "vnexpress_titles_8cls"
    folder.mkdir()
    (folder / "SOURCE.txt").write_text("dataset: vnexpress\nlicense: evaluation only\n")
    (folder / "THE_THAO.txt").write_text("Đội tuyển thắng 2-0\nHLV mới nhậm chức\n\nCầu thủ\n")
    sample = read_vnexpress(tmp_path, 2)
    assert [(e.text, e.label, e.style) for e in sample] == [
        ("Đội tuyển thắng 2-0", "irrelevant", "THE_THAO"),
        ("HLV mới nhậm chức", "irrelevant", "THE_THAO"),
    ]


def test_aivivn_dev_is_a_fixed_tenth(shared: Path) -> None:
    train, dev = read_aivivn(shared)
    again = read_aivivn(shared)[1]
    assert [e.text for e in dev] == [e.text for e in again]
    assert not {e.text for e in train} & {e.text for e in dev}
    assert 0 < len(dev) < len(train)


def test_a_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="missing"):
        task_data("toxicity", DATA, tmp_path)


def test_unknown_task_is_refused(shared: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown"):
        task_data("sarcasm", DATA, shared)


def test_evaluation_sets_are_never_trained_on(shared: Path) -> None:
    for task in TASKS:
        data = task_data(task, DATA, shared)
        train = {e.text for e in data.train}
        assert len(data.weights) == len(data.train)
        for name, es in data.evals.items():
            assert not train & {e.text for e in es.examples}, (task, name)


# --- the one-vs-rest estimator -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ovr-svm@1", "nb-svm@0.3", "nb-logreg@10"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_one_vs_rest_is_a_plain_linear_model(name: str, n_classes: int) -> None:
    rng = np.random.default_rng(0)
    dense = rng.random((60, 8)) * (rng.random((60, 8)) > 0.5)
    y = np.arange(60) % n_classes
    dense[np.arange(60), y] += 2.0  # feature c marks class c
    x = sp.csr_matrix(dense)
    clf = OneVsRestCandidate(name).build().fit(x, y)
    assert clf.coef_.shape == (n_classes, 8)
    scores = clf.decision_function(x)
    assert np.allclose(scores, x @ clf.coef_.T + clf.intercept_)
    assert (scores.argmax(1) == y).mean() > 0.9


def test_feature_cache_analyses_a_text_once() -> None:
    cache = FeatureCache()
    first = cache("Đường ngập quá")
    assert cache("Đường ngập quá") == first
    assert len(cache) == 1
    assert "s:ngap" in first and "x:len1" in first


# --- training end to end (tmp dirs only; models/ is never touched) ------------------------------


@pytest.mark.slow
def test_train_spam_writes_a_loadable_model_and_its_card(tmp_path: Path, shared: Path) -> None:
    out = tmp_path / "spam"
    result = train_textcat_files("spam", DATA, out, shared)
    assert {p.name for p in out.iterdir()} == {"spam.npz", "spam.json", "CARD.md"}
    held = result["metrics"]["held_out"]
    assert held["macro_f1"] > 0.8  # a sanity floor; quality numbers live in the card
    assert set(held["per_class_recall"]) == {"spam", "not_spam"}
    card = (out / "CARD.md").read_text(encoding="utf-8")
    assert "langnghe train spam" in card and "GPL-3.0-or-later" in card
    cat = textcat_for(tmp_path, "spam")
    cat.warm_up()
    assert cat.classes == TASKS["spam"]


@pytest.mark.slow
def test_train_sentiment_on_a_tiny_corpus(tmp_path: Path, shared: Path) -> None:
    result = train_textcat_files("sentiment", DATA, tmp_path / "sentiment", shared, limit=60)
    assert result["info"]["sources"]["uit_vsfc"] == 60
    assert set(result["metrics"]) >= {"uit_vsfc_dev", "aivivn2019_dev", "held_out"}
    assert set(result["metrics"]["aivivn2019_dev"]["per_class_f1"]) == {"negative", "positive"}
    card = (tmp_path / "sentiment" / "CARD.md").read_text(encoding="utf-8")
    assert "Research use only" in card
