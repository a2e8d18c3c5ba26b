"""The topic benchmark's accuracy decision (``services.encoder_eval.accuracy_predictor``)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from core.types import Label
from nlp.encoder import TunedEncoder
from nlp.profanity import ProfanityLexicon
from nlp.textcat import TextCategorizer
from services.encoder_eval import (
    accuracy_predictor,
    blend_predictor,
    reweighted,
    training_prior,
)
from services.textcat_data import rebuild_of
from services.textcat_evaluation import FeatureCache

MODELS = Path(__file__).resolve().parents[2] / "models"
CLASSES = ("common", "rare")


def test_the_prior_follows_the_classes_order() -> None:
    prior = training_prior({"rare": 10, "common": 90}, CLASSES)
    assert prior.tolist() == pytest.approx([0.9, 0.1])
    assert training_prior({"common": 5}, CLASSES).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="label counts"):
        training_prior({}, CLASSES)


def test_reweighting_moves_probability_to_the_common_class_and_stays_normalised() -> None:
    probs = np.array([[0.4, 0.6], [0.5, 0.5]])
    out = reweighted(probs, np.array([0.9, 0.1]), 1.0)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out[0, 0] == pytest.approx(0.36 / (0.36 + 0.06))
    assert np.allclose(reweighted(probs, np.array([0.5, 0.5]), 1.0), probs)


class _Fakes:
    """An encoder and a linear model that both lean slightly to the rare class."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.encoder: Any = SimpleNamespace(
            files=SimpleNamespace(
                classes={"topic": CLASSES}, meta={"label_counts": {"topic": counts}}
            ),
            probabilities=lambda texts: {"topic": np.tile([0.45, 0.55], (len(texts), 1))},
            classes={"topic": CLASSES},
        )
        scores = {"common": 0.4, "rare": 0.6}
        self.linear: Any = SimpleNamespace(
            model=SimpleNamespace(meta={"label_counts": counts}),
            classify=lambda *_: Label("rare", 0.6, dict(scores)),
        )


def test_a_skewed_prior_turns_a_slight_lean_to_the_rare_class_into_the_common_one() -> None:
    fakes, cache = _Fakes({"common": 900, "rare": 100}), FeatureCache()
    texts = ["thầy dạy hay", "phòng học nóng"]
    plain = blend_predictor(fakes.encoder, "topic", fakes.linear, cache, below=1.01)(texts)
    decided = accuracy_predictor(fakes.encoder, "topic", fakes.linear, cache)(texts)
    assert [label for label, _ in plain] == ["rare", "rare"]
    assert [label for label, _ in decided] == ["common", "common"]
    # linear 0.4·0.9 / (0.36 + 0.06) and encoder 0.45·0.949 / (0.427 + 0.174), averaged
    expected = 0.5 * (0.36 / 0.42) + 0.5 * (0.45 * 0.9**0.5 / (0.45 * 0.9**0.5 + 0.55 * 0.1**0.5))
    assert decided[0][1] == pytest.approx(expected)


def test_the_pipeline_answer_for_toxicity_includes_the_profanity_floor() -> None:
    classes = ("clean", "offensive", "hate")
    encoder: Any = SimpleNamespace(
        probabilities=lambda texts: {"toxicity": np.tile([0.9, 0.05, 0.05], (len(texts), 1))},
        classes={"toxicity": classes},
    )
    linear: Any = SimpleNamespace(
        classify=lambda *_: Label("clean", 0.6, {"clean": 0.6, "offensive": 0.3, "hate": 0.1})
    )
    texts, lexicon = ["vcl đường ngập hoài", "đường ngập hoài"], ProfanityLexicon.load()
    floored = blend_predictor(encoder, "toxicity", linear, profanity=lexicon)(texts)
    plain = blend_predictor(encoder, "toxicity", linear)(texts)
    assert [label for label, _ in floored] == ["offensive", "clean"]
    assert [label for label, _ in plain] == ["clean", "clean"]
    assert floored[1] == plain[1]


def test_no_texts_give_no_answers() -> None:
    fakes = _Fakes({"common": 900, "rare": 100})
    fakes.encoder.probabilities = lambda texts: {"topic": np.zeros((0, 2))}
    assert accuracy_predictor(fakes.encoder, "topic", fakes.linear)([]) == []


def test_with_a_uniform_prior_it_answers_like_the_plain_blend() -> None:
    fakes = _Fakes({"common": 500, "rare": 500})
    decided = accuracy_predictor(fakes.encoder, "topic", fakes.linear)(["a"])
    assert decided[0][0] == "rare"
    assert decided[0][1] == pytest.approx(0.5 * 0.6 + 0.5 * 0.55)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Thầy giảng bài rất nhiệt tình và dễ hiểu", "lecturer"),
        ("thay giang bai rat nhiet tinh va de hieu", "lecturer"),
        ("Phòng học không có máy lạnh, quạt thì hư", "facility"),
        ("phong hoc khong co may lanh, quat thi hu", "facility"),
        ("Chương trình đào tạo có quá nhiều môn đại cương", "training_program"),
    ],
)
def test_the_committed_models_answer_plain_topics(text: str, topic: str) -> None:
    encoder = TunedEncoder(MODELS / "encoder")
    linear = TextCategorizer(MODELS / "vsfc_topic", "vsfc_topic", rebuild_of("vsfc_topic"))
    label, score = accuracy_predictor(encoder, "topic", linear)([text])[0]
    assert label == topic
    assert 0.0 < score <= 1.0
