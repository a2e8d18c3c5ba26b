"""The composition root: the one place that picks concrete stores and wires services.

>>> c = Container(Settings())
>>> c.start()                 # migrate, warm up models, start the annotation worker
>>> c.feedback.submit(...)
>>> c.close()
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from app.analytics_wiring import AnalyticsWiring
from app.chat_wiring import ChatWiring
from app.lazy import cached_property
from app.pipeline_wiring import PipelineWiring
from app.settings import Settings
from bots.channels.zalo_api import ZaloPhotoFetcher
from core.analytics import local_day
from core.cases import SlaTargets
from core.open311 import Open311Catalogue
from core.ports import ChunkStore
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.e5_weights import weights_path
from nlp.embed import FastE5Embedder
from services.accounts import AccountService
from services.annotation import InProcessAnnotationWorker
from services.documents import DocumentIndexService
from services.dossiers import DossierService
from services.duplicates import DuplicateFinder
from services.intake import FeedbackService
from services.open311 import Open311Service
from services.search import SearchService
from services.sla import SlaService
from services.triage import TriageService
from stores.http.dossier_source import HttpDossierSource
from stores.qdrant import ClientChunkStore, EdgeChunkStore
from stores.sql.account_store import SqlAccountStore
from stores.sql.audit_store import SqlAuditLog
from stores.sql.case_store import SqlCaseStore
from stores.sql.db import Database
from stores.sql.dossier_store import SqlDossierStore
from stores.sql.feedback_store import SqlFeedbackStore

log = logging.getLogger(__name__)


class Container(PipelineWiring, ChatWiring, AnalyticsWiring):
    """Builds everything lazily from one ``Settings``; ``start``/``close`` bracket its life."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._started = False
        self._chunk_stores: dict[str, ChunkStore] = {}

    @cached_property
    def db(self) -> Database:
        return Database(self.settings.db_url)

    @cached_property
    def store(self) -> SqlFeedbackStore:
        return SqlFeedbackStore(self.db)

    @cached_property
    def duplicates(self) -> DuplicateFinder:
        return DuplicateFinder(self.store, model=self.pipeline.embedding_model)

    @cached_property
    def worker(self) -> InProcessAnnotationWorker:
        return InProcessAnnotationWorker(
            self.store,
            self.pipeline,
            threshold=self.settings.routing_threshold,
            duplicates=self.duplicates,
            on_annotated=self.sla.on_annotated,
        )

    @cached_property
    def feedback(self) -> FeedbackService:
        return FeedbackService(
            self.store,
            self.worker,
            sender_secret=self.settings.secret_key,
            wait_seconds=self.settings.annotation_wait_seconds,
            redact=self.redact_fast,
            on_status_change=self.notifications.feedback_status_changed,
        )

    @cached_property
    def audit(self) -> SqlAuditLog:
        return SqlAuditLog(self.db)

    @cached_property
    def accounts(self) -> AccountService:
        return AccountService(
            SqlAccountStore(self.db),
            self.audit,
            self.reference,
            session_hours=self.settings.session_hours,
        )

    @cached_property
    def cases(self) -> SqlCaseStore:
        return SqlCaseStore(self.db)

    @cached_property
    def sla(self) -> SlaService:
        """Due dates from ``sla.json`` of LANGNGHE_REFDATA_DIR if it has one."""
        own = self.settings.refdata_dir
        directory = own if own and (own / "sla.json").exists() else None
        targets = SlaTargets.load(directory).check(self.reference.category_codes)
        return SlaService(self.cases, targets)

    @cached_property
    def triage(self) -> TriageService:
        return TriageService(self.feedback, self.cases, self.audit, self.reference, self.sla,
                             on_counts_changed=self._recount_day_of)  # fmt: skip

    def _recount_day_of(self, received_at: datetime) -> None:
        self.analytics.refresh_aggregates([local_day(received_at)])

    def _backfill_due_dates(self) -> None:
        try:
            self.sla.backfill()
        except Exception:  # a background thread: log and go on serving
            log.exception("app.sla_backfill_failed")

    @cached_property
    def open311(self) -> Open311Service:
        """Open311 GeoReport v2; ``open311.json`` of LANGNGHE_REFDATA_DIR if it has one."""
        own = self.settings.refdata_dir and self.settings.refdata_dir / "open311.json"
        catalogue = Open311Catalogue.load(
            own if own and own.exists() else None, self.reference.category_codes
        )
        return Open311Service(self.feedback, self.reference, catalogue, redact=self.redact_fast)

    @cached_property
    def document_embedder(self) -> FastE5Embedder:
        """e5 for documents whatever LANGNGHE_EMBEDDER says: search needs meaning, not words."""
        return FastE5Embedder(max_tokens=512)

    @cached_property
    def bm25(self) -> Bm25Encoder:
        return Bm25Encoder()

    def chunk_store(self, collection: str | None = None) -> ChunkStore:
        """The e-document store: a Qdrant server when a URL is set, else the embedded engine."""
        name = collection or self.settings.collection
        if name not in self._chunk_stores:
            s = self.settings
            store: ChunkStore
            if s.qdrant_url:
                store = ClientChunkStore(
                    url=s.qdrant_url, api_key=s.qdrant_api_key, collection=name
                )
            elif s.qdrant_engine == "local":
                store = ClientChunkStore(path=str(s.qdrant_path / "local"), collection=name)
            else:
                assert s.qdrant_path is not None
                store = EdgeChunkStore(s.qdrant_path / "edge", collection=name)
            self._chunk_stores[name] = store
        return self._chunk_stores[name]

    def document_indexer(self, collection: str | None = None) -> DocumentIndexService:
        return DocumentIndexService(
            self.chunk_store(collection), self.document_embedder, self.bm25, StructuralChunker()
        )

    def document_search(self, collection: str | None = None) -> SearchService:
        return SearchService(self.chunk_store(collection), self.document_embedder, self.bm25)

    @cached_property
    def dossier_source(self) -> HttpDossierSource | None:
        s = self.settings
        if not s.dossier_source_url:
            return None
        return HttpDossierSource(
            s.dossier_source_url, s.dossier_source_api_key or "", timeout=s.dossier_source_timeout
        )

    @cached_property
    def dossiers(self) -> DossierService:
        return DossierService(SqlDossierStore(self.db), self.dossier_source)

    def start(self) -> None:
        """Migrate the database, load models (failing fast if one is missing), start workers."""
        if self._started:
            return
        self.db.migrate()
        self.pipeline.warm_up()
        weights_path()  # document search needs e5: fail now, not at the first query
        self.worker.start()
        self.notification_worker.start()
        self.analytics_worker.start()  # aggregates follow the feedback; spikes are detected
        threading.Thread(target=self._backfill_due_dates, name="sla-backfill", daemon=True).start()
        if self.chat_senders:  # Telegram or Zalo configured: answer what a crash left behind
            threading.Thread(
                target=self._recover_chats_logged, name="chat-recovery", daemon=True
            ).start()
        self._started = True
        log.info("app.started database=%s", self.db.url.render_as_string(hide_password=True))

    def close(self) -> None:
        if "worker" in self.__dict__:
            self.worker.stop()
        if "notification_worker" in self.__dict__:
            self.notification_worker.stop()
        self.stop_analytics()
        if self.__dict__.get("zalo_api") is not None:
            self.zalo_api.close()  # type: ignore[union-attr]
        if "attachment_executor" in self.__dict__:
            self.attachment_executor.shutdown(wait=True)
        for fetcher in self.__dict__.get("photo_fetchers", {}).values():
            if isinstance(fetcher, ZaloPhotoFetcher):
                fetcher.close()
        if self.__dict__.get("dossier_source") is not None:
            self.dossier_source.close()  # type: ignore[union-attr]
        if "db" in self.__dict__:
            self.db.dispose()
        for store in self._chunk_stores.values():
            store.close()
        self._chunk_stores.clear()
        self._started = False
