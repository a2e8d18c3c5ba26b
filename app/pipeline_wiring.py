"""The annotation pipeline and what it needs, built from the settings alone (no database).

``Container`` inherits it; ``langnghe analyze`` workers build only this, so a worker process
does not import the web, chat, search and analytics stacks it never uses (about 2 s each).

    >>> pipeline = PipelineWiring(Settings()).pipeline
    >>> pipeline.warm_up()
"""

from __future__ import annotations

from app.lazy import cached_property
from app.settings import Settings
from core.reference import ReferenceData
from nlp.embed import FastE5Embedder
from nlp.embed_hashing import LexicalEmbedder
from nlp.encoder import TunedEncoder
from nlp.pii import PiiDetector
from nlp.pipeline import AnnotationPipeline
from nlp.places import PlaceExtractor
from nlp.profanity import ProfanityLexicon
from nlp.router import CategoryRouter
from nlp.textcat import textcat_for
from nlp.urgency import UrgencyClassifier

#: The text classifiers every feedback goes through (``langnghe train <task>`` rebuilds each).
PIPELINE_TASKS = ("sentiment", "toxicity", "spam", "relevance")


class PipelineWiring:
    """Reference data, the rule-based extractors, the models and the pipeline, built lazily."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def reference(self) -> ReferenceData:
        return ReferenceData.load(self.settings.refdata_dir)

    @cached_property
    def pii(self) -> PiiDetector:
        return PiiDetector.from_reference(self.reference)

    def redact_fast(self, text: str) -> str:
        """Rule-based redaction at intake (no NER); annotation refines it with names."""
        return self.pii.redact(text, self.pii.find(text, names=False))

    @cached_property
    def places(self) -> PlaceExtractor:
        polygons = None
        if self.settings.refdata_dir is not None:
            polygons = self.settings.refdata_dir / "wards.geojson"
        return PlaceExtractor.from_reference(self.reference, polygons)

    @cached_property
    def embedder(self) -> FastE5Embedder | LexicalEmbedder:
        return FastE5Embedder() if self.settings.embedder == "e5" else LexicalEmbedder()

    @cached_property
    def pipeline(self) -> AnnotationPipeline:
        router = CategoryRouter(self.settings.model_dir / "router", self.reference.routing)
        models = self.settings.model_dir
        return AnnotationPipeline(
            router,
            self.places,
            self.pii,
            urgency=UrgencyClassifier(models / "urgency"),
            classifiers={task: textcat_for(models, task) for task in PIPELINE_TASKS},
            embedder=self.embedder,
            encoder=self._encoder(),
            encoder_below=self.settings.encoder_below,
            profanity=ProfanityLexicon.load(),
        )

    def _encoder(self) -> TunedEncoder | None:
        if not self.settings.encoder:
            return None
        return TunedEncoder(
            self.settings.model_dir / "encoder", threads=self.settings.encoder_threads
        )
