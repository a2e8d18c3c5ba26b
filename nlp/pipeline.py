"""The annotation pipeline: text in, ``Annotation`` out. Pure computation, no storage.

Each text is normalised once and its sparse features computed once (``features.analyze``);
every linear model reads those same features. Where a linear sentiment or toxicity answer is
unsure, the tuned encoder (``nlp.encoder``) reads the text too, once for all its heads and in
one batch, and the two answers are blended: the encoder costs 10–20 ms of CPU a text, so sure
answers skip it. A profane message is then at least ``offensive`` (``nlp.profanity``).
Embeddings are computed for each chunk at its end, from the text with its personal data and the
places it names blanked (the spans found while annotating; ``embedding_text``): personal data
never shapes similarity, and two reports read alike for what they are about, not for the
street they share (the duplicate finder checks the place itself).

    >>> pipeline = AnnotationPipeline(router, places, pii, urgency, classifiers, embedder)
    >>> pipeline.warm_up()
    >>> pipeline.annotate(TextInput("Đường Võ Văn Ngân ngập sâu sau cơn mưa")).routing.category
    'thoat_nuoc'
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from core.types import Annotation, Label, TextInput, Urgency
from nlp import features, segment
from nlp.encoder import ENCODER_BELOW, ENCODER_HEADS, Encoder, refine
from nlp.linear import FeatureBatch
from nlp.normalize import for_model, normalize
from nlp.pii import PiiDetector
from nlp.places import PlaceExtractor, blanked
from nlp.profanity import ProfanityLexicon, at_least_offensive
from nlp.router import CategoryRouter

#: Texts annotated before their unsure ones go to the encoder, in the background.
CHUNK = 64

#: The text the embedder reads (``AnnotationPipeline.embedding_text``), part of the model name.
EMBEDDED_TEXT = "places-blanked"


class FeatureClassifier(Protocol):
    def warm_up(self) -> None: ...

    def classify_batch(self, model_texts: Sequence[str], batch: FeatureBatch) -> list[Label]: ...


class UrgencyAssessor(Protocol):
    def warm_up(self) -> None: ...

    def assess_batch(self, model_texts: Sequence[str], batch: FeatureBatch) -> list[Urgency]: ...


class Embedder(Protocol):
    name: str

    def warm_up(self) -> None: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class _Prepared:
    item: TextInput
    normalized: str
    model_text: str
    feats: list[str]


class AnnotationPipeline:
    """Normalise, find places and personal data, classify, embed. ``warm_up`` loads models."""

    def __init__(
        self,
        router: CategoryRouter,
        places: PlaceExtractor,
        pii: PiiDetector,
        urgency: UrgencyAssessor | None = None,
        classifiers: Mapping[str, FeatureClassifier] | None = None,
        embedder: Embedder | None = None,
        encoder: Encoder | None = None,
        encoder_below: float = ENCODER_BELOW,
        profanity: ProfanityLexicon | None = None,
    ) -> None:
        self._router = router
        self._places = places
        self._pii = pii
        self._urgency = urgency
        self._classifiers = dict(classifiers or {})
        self._embedder = embedder
        self._encoder = encoder
        self._encoder_below = encoder_below
        self._profanity = profanity
        self._timings: dict[str, float] = defaultdict(float)
        self._lock = threading.Lock()
        self._encoder_thread: ThreadPoolExecutor | None = None

    @property
    def router(self) -> CategoryRouter:
        return self._router

    def warm_up(self) -> None:
        segment.warm_up(ner=True)  # personal data: names
        self._router.warm_up()
        models = (self._urgency, *self._classifiers.values(), self._embedder, self._encoder)
        for model in models:
            if model is not None:
                model.warm_up()

    def annotate(self, item: TextInput) -> Annotation:
        return self.annotate_batch([item])[0]

    def annotate_batch(self, items: Sequence[TextInput]) -> list[Annotation]:
        """Annotate in chunks of ``CHUNK``: while the encoder reads one chunk's unsure texts in
        the background (ONNX Runtime leaves Python's lock free), this thread annotates the next,
        so a two-core machine runs both at once (``eval/bench_pipeline.py``)."""
        if self._encoder is None or len(items) <= CHUNK:
            return self._finish(self._annotate(items))
        pending = [
            self._background().submit(self._finish, self._annotate(items[i : i + CHUNK]))
            for i in range(0, len(items), CHUNK)
        ]
        return [a for done in pending for a in done.result()]

    @property
    def embedding_model(self) -> str | None:
        """What the stored embeddings are: the embedder and the text it reads. Vectors of
        another value (an earlier embedder, full texts) are not comparable with new ones."""
        return None if self._embedder is None else f"{self._embedder.name}/{EMBEDDED_TEXT}"

    def embedding_text(self, redacted_text: str) -> str:
        """What the embedder reads: the text with its personal data and every place it names
        blanked (``PlaceExtractor.without_places``). The pipeline blanks the spans it found
        while annotating; this reads a redacted text again (its placeholders stay as words),
        for a text whose offsets the place rules could not keep."""
        return self._places.without_places(redacted_text)

    def _embedded(self, out: list[Annotation], texts: Sequence[str]) -> list[Annotation]:
        """The annotations with the embedding of ``texts`` (the encoder leaves it be)."""
        if self._embedder is None or not out:
            return out
        with self._timed("embedding"):
            vectors = self._embedder.passages(texts)
        return [
            replace(a, embedding=v, embedding_model=self.embedding_model)
            for a, v in zip(out, vectors, strict=True)
        ]

    def _background(self) -> ThreadPoolExecutor:
        """The one thread that runs the encoder behind ``annotate_batch``'s chunks, in order."""
        with self._lock:
            if self._encoder_thread is None:
                self._encoder_thread = ThreadPoolExecutor(1, thread_name_prefix="pipeline")
            return self._encoder_thread

    def timings(self) -> dict[str, float]:
        """Seconds spent per stage since start-up (for benchmarks and profiling)."""
        with self._lock:
            return dict(self._timings)

    def _prepare(self, item: TextInput) -> _Prepared:
        with self._timed("normalize"):
            normalized = normalize(item.text)
            model_text = for_model(normalized)
        with self._timed("features"):
            feats = features.analyze(model_text)
        return _Prepared(item, normalized, model_text, feats)

    def _annotate(self, items: Sequence[TextInput]) -> list[Annotation]:
        """Every field but the encoder's; the linear models read the whole batch at once
        (``FeatureBatch``: each text's features counted once for all six)."""
        prepared = [self._prepare(item) for item in items]
        texts = [p.model_text for p in prepared]
        with self._timed("places"):
            found = [
                self._places.extract_with_places(
                    p.normalized, p.item.location_text, p.item.latitude, p.item.longitude
                )
                for p in prepared
            ]
            places = [place for place, _, _ in found]
        with self._timed("features"):
            batch = FeatureBatch.of([p.feats for p in prepared])
        with self._timed("router"):
            names = [[n for n in (pl.street, pl.landmark, pl.ward, pl.alley) if n] for pl in places]
            wards = [pl.ward for pl in places]
            routings = self._router.route_batch(texts, wards, batch, names)
        urgencies: list[Urgency | None] = [None] * len(prepared)
        if self._urgency is not None:
            with self._timed("urgency"):
                urgencies = list(self._urgency.assess_batch(texts, batch))
        labels: dict[str, list[Label]] = {}
        for name, model in self._classifiers.items():
            with self._timed(name):
                labels[name] = model.classify_batch(texts, batch)
        out, embedding_texts = [], []
        for i, p in enumerate(prepared):
            with self._timed("personal data"):
                spans = self._pii.find(p.normalized)
                redacted = self._pii.redact(p.normalized, spans)
            if self._embedder is not None:
                with self._timed("embedding"):
                    _, read, in_text = found[i]
                    if read is None:
                        embedding_texts.append(self.embedding_text(redacted))
                    else:
                        personal = [(s.start, s.end) for s in spans]
                        embedding_texts.append(blanked(read, in_text + personal))
            out.append(
                Annotation(
                    normalized_text=p.normalized,
                    model_text=p.model_text,
                    routing=routings[i],
                    place=places[i],
                    redacted_text=redacted,
                    pii=tuple(spans),
                    urgency=urgencies[i],
                    sentiment=_at(labels.get("sentiment"), i),
                    toxicity=_at(labels.get("toxicity"), i),
                    spam=_at(labels.get("spam"), i),
                    relevance=_at(labels.get("relevance"), i),
                )
            )
        return self._embedded(out, embedding_texts)

    def _finish(self, out: list[Annotation]) -> list[Annotation]:
        """The encoder's blend, then the profanity floor on the final toxicity answer."""
        out = self._refine(out)
        if self._profanity is None:
            return out
        lexicon = self._profanity
        floored = [at_least_offensive(a.toxicity, a.normalized_text, lexicon) for a in out]
        return [
            a if new is a.toxicity else replace(a, toxicity=new)
            for a, new in zip(out, floored, strict=True)
        ]

    def _refine(self, out: list[Annotation]) -> list[Annotation]:
        """Blend the encoder into the linear answers that are below ``encoder_below``."""
        if self._encoder is None:
            return out
        heads = [h for h in ENCODER_HEADS if h in self._encoder.classes]
        answers = [{h: getattr(a, h) for h in heads} for a in out]
        with self._timed("encoder"):
            texts = [a.model_text for a in out]
            refined = refine(self._encoder, texts, answers, self._encoder_below)
        return [
            a if new is old else replace(a, **new)
            for a, old, new in zip(out, answers, refined, strict=True)
        ]

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - t0
            with self._lock:
                self._timings[stage] += elapsed


def _at(labels: list[Label] | None, i: int) -> Label | None:
    return None if labels is None else labels[i]
