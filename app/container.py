"""The composition root: the one place that picks concrete stores and wires services.

>>> c = Container(Settings())
>>> c.start()                 # migrate, warm up models, start the annotation worker
>>> c.feedback.submit(...)
>>> c.close()
"""

from __future__ import annotations

import logging
from functools import cached_property

from app.settings import Settings
from core.reference import ReferenceData
from nlp.embed import FastE5Embedder, LexicalEmbedder
from nlp.pii import PiiDetector
from nlp.pipeline import AnnotationPipeline
from nlp.places import PlaceExtractor
from nlp.router import CategoryRouter
from nlp.textcat import textcat_for
from nlp.urgency import UrgencyClassifier
from services.annotation import InProcessAnnotationWorker
from services.duplicates import DuplicateFinder
from services.intake import FeedbackService
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore

log = logging.getLogger(__name__)

#: The text classifiers every feedback goes through (``langnghe train <task>`` rebuilds each).
PIPELINE_TASKS = ("sentiment", "toxicity", "spam", "relevance")


class Container:
    """Builds everything lazily from one ``Settings``; ``start``/``close`` bracket its life."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._started = False

    @cached_property
    def reference(self) -> ReferenceData:
        return ReferenceData.load(self.settings.refdata_dir)

    @cached_property
    def db(self) -> Database:
        return Database(self.settings.db_url)

    @cached_property
    def store(self) -> SqlFeedbackStore:
        return SqlFeedbackStore(self.db)

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
    def duplicates(self) -> DuplicateFinder:
        return DuplicateFinder(self.store)

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
        )

    @cached_property
    def worker(self) -> InProcessAnnotationWorker:
        return InProcessAnnotationWorker(
            self.store,
            self.pipeline,
            threshold=self.settings.routing_threshold,
            duplicates=self.duplicates,
        )

    @cached_property
    def feedback(self) -> FeedbackService:
        return FeedbackService(
            self.store,
            self.worker,
            sender_secret=self.settings.secret_key,
            wait_seconds=self.settings.annotation_wait_seconds,
            redact=self.redact_fast,
        )

    def start(self) -> None:
        """Migrate the database, load models (failing fast if one is missing), start workers."""
        if self._started:
            return
        self.db.migrate()
        self.pipeline.warm_up()
        self.worker.start()
        self._started = True
        log.info("app.started database=%s", self.db.url.render_as_string(hide_password=True))

    def close(self) -> None:
        if "worker" in self.__dict__:
            self.worker.stop()
        if "db" in self.__dict__:
            self.db.dispose()
        self._started = False
