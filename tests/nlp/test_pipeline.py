from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from core.reference import ReferenceData
from core.types import TextInput
from nlp.embed_hashing import LexicalEmbedder
from nlp.encoder import TunedEncoder
from nlp.pii import PiiDetector
from nlp.pipeline import CHUNK, AnnotationPipeline
from nlp.places import PlaceExtractor
from nlp.profanity import ProfanityLexicon
from nlp.router import CategoryRouter
from nlp.textcat import TASKS, textcat_for
from nlp.urgency import UrgencyClassifier

MODELS = Path(__file__).resolve().parents[2] / "models"
TEXTS = [
    "Cảm ơn phường đã xử lý rất nhanh, tuyệt vời",
    "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay",
    "ok",
    "sáng nay",
]


class FakeEncoder:
    """Says every text is positive and hateful, and remembers what it was asked."""

    classes: ClassVar[dict[str, tuple[str, ...]]] = {
        "sentiment": ("negative", "neutral", "positive"),
        "toxicity": ("clean", "offensive", "hate"),
        "topic": ("lecturer", "training_program", "facility", "others"),
    }

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def warm_up(self) -> None:
        pass

    def probabilities(self, model_texts: Sequence[str]) -> dict[str, np.ndarray]:
        self.calls.append(list(model_texts))
        n = len(model_texts)
        return {
            "sentiment": np.tile([0.0, 0.0, 1.0], (n, 1)),
            "toxicity": np.tile([0.0, 0.0, 1.0], (n, 1)),
            "topic": np.tile([1.0, 0.0, 0.0, 0.0], (n, 1)),
        }


def _pipeline(reference: ReferenceData, encoder: object, below: float) -> AnnotationPipeline:
    return AnnotationPipeline(
        CategoryRouter(MODELS / "router", reference.routing),
        PlaceExtractor.from_reference(reference),
        PiiDetector.from_reference(reference),
        classifiers={t: textcat_for(MODELS, t) for t in ("sentiment", "toxicity")},
        encoder=encoder,  # type: ignore[arg-type]
        encoder_below=below,
    )


def test_every_text_goes_to_the_encoder_in_one_batch_when_asked(
    reference: ReferenceData,
) -> None:
    encoder = FakeEncoder()
    linear = _pipeline(reference, None, 0.9).annotate_batch([TextInput(t) for t in TEXTS])
    blended = _pipeline(reference, encoder, 1.0).annotate_batch([TextInput(t) for t in TEXTS])
    assert len(encoder.calls) == 1 and len(encoder.calls[0]) == len(TEXTS)
    for a, b in zip(linear, blended, strict=True):
        assert b.sentiment is not None and a.sentiment is not None
        assert b.sentiment.scores["positive"] == pytest.approx(
            0.5 * a.sentiment.scores["positive"] + 0.5
        )
        assert b.toxicity is not None and b.toxicity.label == "hate"
        assert b.routing == a.routing and b.redacted_text == a.redacted_text


def test_sure_answers_skip_the_encoder(reference: ReferenceData) -> None:
    encoder = FakeEncoder()
    linear = _pipeline(reference, None, 0.9).annotate_batch([TextInput(t) for t in TEXTS])
    out = _pipeline(reference, encoder, 0.9).annotate_batch([TextInput(t) for t in TEXTS])
    unsure = [
        a.model_text
        for a in linear
        if a.sentiment and a.toxicity and min(a.sentiment.score, a.toxicity.score) < 0.9
    ]
    assert encoder.calls == ([unsure] if unsure else [])
    for a, b in zip(linear, out, strict=True):
        if a.model_text not in unsure:
            assert b.sentiment == a.sentiment and b.toxicity == a.toxicity
    nothing = FakeEncoder()
    _pipeline(reference, nothing, 0.0).annotate_batch([TextInput(t) for t in TEXTS])
    assert nothing.calls == []


def test_the_committed_encoder_runs_in_the_pipeline(reference: ReferenceData) -> None:
    pipeline = _pipeline(reference, TunedEncoder(MODELS / "encoder"), 1.0)
    pipeline.warm_up()
    text = TextInput("Cảm ơn các anh chị phường đã hỗ trợ rất nhiệt tình")
    out = pipeline.annotate(text)
    assert out.sentiment is not None and out.sentiment.label == "positive"
    assert sum(out.sentiment.scores.values()) == pytest.approx(1.0, abs=1e-4)
    assert "encoder" in pipeline.timings()
    linear = _pipeline(reference, None, 1.0).annotate(text)
    assert linear.sentiment is not None and out.sentiment.scores != linear.sentiment.scores


class LengthEncoder(FakeEncoder):
    """Positive for a text of even length, negative for odd: a misplaced answer shows."""

    def probabilities(self, model_texts: Sequence[str]) -> dict[str, np.ndarray]:
        self.calls.append(list(model_texts))
        even = np.array([[len(t) % 2 == 0] for t in model_texts], dtype=float)
        return {
            "sentiment": np.hstack([1.0 - even, np.zeros_like(even), even]),
            "toxicity": np.tile([1.0, 0.0, 0.0], (len(model_texts), 1)),
            "topic": np.tile([1.0, 0.0, 0.0, 0.0], (len(model_texts), 1)),
        }


def test_a_long_batch_answers_as_each_text_alone_with_the_encoder_behind_it(
    reference: ReferenceData,
) -> None:
    texts = [f"{t} {'!' * (i % 3)} lần {i}" for i in range(50) for t in TEXTS][:150]
    encoder = LengthEncoder()
    pipeline = _pipeline(reference, encoder, 1.0)
    batch = pipeline.annotate_batch([TextInput(t) for t in texts])
    assert len(encoder.calls) == -(-len(texts) // CHUNK) > 1  # one call per chunk
    assert [t for call in encoder.calls for t in call] == [a.model_text for a in batch]
    alone = [pipeline.annotate(TextInput(t)) for t in texts]
    assert batch == alone
    for a in batch:
        assert a.sentiment is not None
        want = "positive" if len(a.model_text) % 2 == 0 else "negative"
        assert a.sentiment.label == want


def test_a_batch_of_linear_answers_equals_each_text_alone(reference: ReferenceData) -> None:
    pipeline = AnnotationPipeline(
        CategoryRouter(MODELS / "router", reference.routing),
        PlaceExtractor.from_reference(reference),
        PiiDetector.from_reference(reference),
        urgency=UrgencyClassifier(MODELS / "urgency"),
        classifiers={t: textcat_for(MODELS, t) for t in TASKS},
    )
    texts = [*TEXTS, "", "🔥🔥 cháy nhà hẻm 5 có người mắc kẹt!!!", "Mua sim số đẹp 0909 123 456"]
    batch = pipeline.annotate_batch([TextInput(t) for t in texts])
    alone = [pipeline.annotate(TextInput(t)) for t in texts]
    assert batch == alone
    assert batch[-2].urgency is not None and batch[-2].urgency.level == "critical"
    assert batch[-1].spam is not None and batch[-1].spam.label == "spam"
    assert {a.routing.category for a in batch[:2]} >= {"thoat_nuoc"}


def test_a_profane_message_is_never_shown_as_clean(reference: ReferenceData) -> None:
    texts = ["vcl đường Võ Văn Ngân ngập hoài", "Đường Võ Văn Ngân ngập sâu sau cơn mưa"]
    plain = _pipeline(reference, None, 0.0).annotate_batch([TextInput(t) for t in texts])
    floored = AnnotationPipeline(
        CategoryRouter(MODELS / "router", reference.routing),
        PlaceExtractor.from_reference(reference),
        PiiDetector.from_reference(reference),
        classifiers={t: textcat_for(MODELS, t) for t in ("sentiment", "toxicity")},
        profanity=ProfanityLexicon.load(),
    ).annotate_batch([TextInput(t) for t in texts])
    assert [a.toxicity.label for a in floored if a.toxicity] == ["offensive", "clean"]
    assert floored[1] == plain[1]
    assert plain[0].toxicity is not None and floored[0].sentiment == plain[0].sentiment


def test_reports_are_embedded_for_what_they_say_not_where(reference: ReferenceData) -> None:
    pipeline = AnnotationPipeline(
        CategoryRouter(MODELS / "router", reference.routing),
        PlaceExtractor.from_reference(reference),
        PiiDetector.from_reference(reference),
        embedder=LexicalEmbedder(),
    )
    flood, flood_elsewhere, pothole, pothole_plain = pipeline.annotate_batch([
        TextInput("Đường Võ Văn Ngân, P. Linh Xuân ngập sâu sau mưa"),
        TextInput("Đường Kha Vạn Cân, phường Hiệp Bình ngập sâu sau mưa"),
        TextInput("Đường Võ Văn Ngân, P. Linh Xuân có ổ gà lớn"),
        TextInput("duong Vo Van Ngan, p Linh Xuan co o ga lon"),
    ])  # fmt: skip
    assert pipeline.embedding_model == "lexical-char-hash-1024/places-blanked"
    assert flood.embedding_model == pipeline.embedding_model
    vectors = [a.embedding for a in (flood, flood_elsewhere, pothole, pothole_plain)]
    assert all(v is not None for v in vectors)
    # the place is compared apart (services.duplicates.same_place)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0, abs=1e-6)
    assert float(vectors[0] @ vectors[2]) < 0.3  # the same street, another problem
    assert float(vectors[2] @ vectors[3]) == pytest.approx(1.0, abs=1e-6)


def test_personal_data_never_shapes_the_embedding(reference: ReferenceData) -> None:
    places = PlaceExtractor.from_reference(reference)
    pipeline = AnnotationPipeline(
        CategoryRouter(MODELS / "router", reference.routing),
        places,
        PiiDetector.from_reference(reference),
        embedder=LexicalEmbedder(),
    )
    texts = [
        "Hẻm 5 Lò Lu ngập sâu, liên hệ an.nguyen@gmail.com, 0903 123 456",
        "Hẻm 9 Tô Vĩnh Diện ngập sâu, liên hệ",
        "Lò Lu ngậppppp sâuuuu, liên hệ an.nguyen@gmail.com",  # letters stretched
    ]
    vectors = [a.embedding for a in pipeline.annotate_batch([TextInput(t) for t in texts])]
    assert all(v is not None for v in vectors)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(1.0, abs=1e-6)
    assert float(vectors[2] @ vectors[1]) == pytest.approx(1.0, abs=1e-6)
    # a text read again from its redacted form gives the same vector, placeholders aside
    redacted = pipeline.embedding_text("Hẻm 5 Lò Lu ngập sâu, liên hệ [email]")
    assert redacted == "ngập sâu, liên hệ [email]"
