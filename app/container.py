"""The composition root: the one place that picks concrete stores and wires services.

>>> c = Container(Settings())
>>> c.start()                 # migrate, warm up models, start the annotation worker
>>> c.feedback.submit(...)
>>> c.close()
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import cached_property

from app.settings import Settings
from bots.channels.telegram import TelegramChannel
from bots.channels.telegram_render import TelegramPhotoFetcher, TelegramSender
from bots.channels.zalo import ZaloChannel, ZaloSender
from bots.channels.zalo_api import ZaloApi, ZaloCredentials, ZaloPhotoFetcher, ZaloTokens
from bots.core.dialogue import BotServices, DialogueEngine
from core.attachments import PhotoFetcher
from core.chat import ChatChannel, Incoming, Reply
from core.chat_ports import ChannelSender
from core.ports import ChunkStore
from core.reference import ReferenceData
from core.types import LOCAL_TZ
from indexer.chunking import StructuralChunker
from indexer.sparse import Bm25Encoder
from nlp.embed import FastE5Embedder, LexicalEmbedder, weights_path
from nlp.nlu import NluParser
from nlp.pii import PiiDetector
from nlp.pipeline import AnnotationPipeline
from nlp.places import PlaceExtractor
from nlp.router import CategoryRouter
from nlp.textcat import textcat_for
from nlp.urgency import UrgencyClassifier
from services.annotation import InProcessAnnotationWorker
from services.attachments import AttachmentService
from services.documents import DocumentIndexService
from services.dossiers import DossierService
from services.duplicates import DuplicateFinder
from services.intake import FeedbackService
from services.notifications import NotificationService, NotificationWorker
from services.search import SearchService
from stores.http.dossier_source import HttpDossierSource
from stores.qdrant import ClientChunkStore, EdgeChunkStore
from stores.sql.attachment_store import SqlAttachmentStore
from stores.sql.chat_link_store import SqlChatLinkStore
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.dossier_store import SqlDossierStore
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.zalo_token_store import SqlZaloTokenStore

log = logging.getLogger(__name__)

#: The text classifiers every feedback goes through (``langnghe train <task>`` rebuilds each).
PIPELINE_TASKS = ("sentiment", "toxicity", "spam", "relevance")


class Container:
    """Builds everything lazily from one ``Settings``; ``start``/``close`` bracket its life."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._started = False
        self._chunk_stores: dict[str, ChunkStore] = {}

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
            on_status_change=self.notifications.feedback_status_changed,
        )

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

    @cached_property
    def nlu(self) -> NluParser:
        return NluParser.load(self.settings.model_dir / "nlu", self.reference)

    @cached_property
    def chat_store(self) -> SqlChatStore:
        return SqlChatStore(self.db)

    @cached_property
    def dialogue(self) -> DialogueEngine:
        """The chatbot core shared by every channel; built at the first message, so the API
        runs (and chat answers 503) while the NLU model is not trained yet."""
        services = BotServices(
            nlu=self.nlu,
            feedback=self.feedback,
            dossiers=self.dossiers,
            search=self.document_search(),
            reference=self.reference,
            places=self.places,
            toxicity=textcat_for(self.settings.model_dir, "toxicity"),
            chat_store=self.chat_store,
            clock=lambda: datetime.now(LOCAL_TZ),
            links=self.chat_links,
            attachments=self.attachments,
        )
        return DialogueEngine(services)

    @cached_property
    def attachment_executor(self) -> ThreadPoolExecutor:
        """Photo downloads run here, so the citizen's "sent" reply never waits for them."""
        return ThreadPoolExecutor(max_workers=2, thread_name_prefix="photos")

    @cached_property
    def photo_fetchers(self) -> dict[ChatChannel, PhotoFetcher]:
        fetchers: dict[ChatChannel, PhotoFetcher] = {}
        s = self.settings
        if s.telegram_token:
            fetchers[ChatChannel.TELEGRAM] = TelegramPhotoFetcher(
                s.telegram_token, s.telegram_base_url
            )
        if self.zalo_api is not None:
            fetchers[ChatChannel.ZALO] = ZaloPhotoFetcher()
        return fetchers

    @cached_property
    def attachments(self) -> AttachmentService:
        return AttachmentService(
            SqlAttachmentStore(self.db), self.photo_fetchers, executor=self.attachment_executor
        )

    @cached_property
    def chat_links(self) -> SqlChatLinkStore:
        """Who filed which feedback on chat (the bot calls ``link`` when it files one)."""
        return SqlChatLinkStore(self.db)

    @cached_property
    def zalo_api(self) -> ZaloApi | None:
        """The Zalo OA client; None unless all four LANGNGHE_ZALO_* secrets are set."""
        s = self.settings
        app_id, app_secret, refresh = s.zalo_app_id, s.zalo_app_secret_key, s.zalo_refresh_token
        if not (app_id and app_secret and refresh and s.zalo_oa_secret_key):
            return None
        credentials = ZaloCredentials(
            app_id, app_secret, refresh, s.zalo_api_base, s.zalo_oauth_base
        )
        return ZaloApi(ZaloTokens(SqlZaloTokenStore(self.db), credentials))

    def zalo_channel(self) -> ZaloChannel | None:
        """``POST /webhooks/zalo``, when Zalo is configured."""
        if self.zalo_api is None:
            return None
        s = self.settings
        return ZaloChannel(
            _LazyDialogue(self), self.zalo_api, self.chat_store,
            app_id=s.zalo_app_id or "", oa_secret_key=s.zalo_oa_secret_key or "",
            max_event_age=timedelta(seconds=s.zalo_max_event_age_seconds),
            on_user_active=self.notifications.release_held,
        )  # fmt: skip

    def chat_senders(self) -> list[ChannelSender]:
        """One notification sender per configured chat channel."""
        senders: list[ChannelSender] = []
        if self.zalo_api is not None:
            window = timedelta(days=self.settings.zalo_window_days)
            senders.append(ZaloSender(self.zalo_api, self.chat_store, window))
        if self.settings.telegram_token:
            s = self.settings
            senders.append(TelegramSender(s.telegram_token, s.telegram_base_url))
        return senders

    def telegram_channel(self) -> TelegramChannel | None:
        """``POST /webhooks/telegram`` when a token and a webhook secret are set (a token alone
        is the development set-up: ``langnghe bot telegram --polling``)."""
        s = self.settings
        if not (s.telegram_token and s.telegram_webhook_secret):
            return None
        return TelegramChannel(
            _LazyDialogue(self),
            s.telegram_token,
            webhook_secret=s.telegram_webhook_secret,
            base_url=s.telegram_base_url,
        )

    @cached_property
    def notifications(self) -> NotificationService:
        return NotificationService(
            self.chat_store, self.chat_links, self.chat_senders(), reference=self.reference
        )

    @cached_property
    def notification_worker(self) -> NotificationWorker:
        return NotificationWorker(self.notifications)

    def recover_chats(self) -> int:
        """Answer what a crash left accepted but unanswered (same engine as the webhooks, so
        the two never answer one update twice)."""
        senders = {sender.channel: sender for sender in self.chat_senders()}

        def send(incoming: Incoming, replies: list[Reply]) -> None:
            sender = senders.get(incoming.channel)
            if sender is not None:  # web chat: the page retries its message_id and gets the answer
                sender.send(incoming.user_id, replies)

        return self.dialogue.recover(send)

    def _recover_chats_logged(self) -> None:
        try:
            answered = self.recover_chats()
        except Exception:  # a background thread: log and go on serving
            log.exception("app.chat_recovery_failed")
            return
        if answered:
            log.info("app.chat_recovered updates=%d", answered)

    def start(self) -> None:
        """Migrate the database, load models (failing fast if one is missing), start workers."""
        if self._started:
            return
        self.db.migrate()
        self.pipeline.warm_up()
        weights_path()  # document search needs e5: fail now, not at the first query
        self.worker.start()
        self.notification_worker.start()
        if self.chat_senders():  # Telegram or Zalo configured: answer what a crash left behind
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


class _LazyDialogue:
    """The dialogue engine as a ``DialogueHandler``, built at the first message it answers."""

    def __init__(self, container: Container) -> None:
        self._container = container

    def accept(self, incoming: Incoming) -> bool:
        return self._container.dialogue.accept(incoming)

    def handle(self, incoming: Incoming) -> list[Reply]:
        return self._container.dialogue.handle(incoming)
