"""The chatbot's part of the composition root: NLU, dialogue engine, channels, notifications.

``Container`` inherits it; it uses the container's settings, database and services.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from app.lazy import cached_property
from app.settings import Settings
from bots.channels.telegram import TelegramChannel
from bots.channels.telegram_render import TelegramPhotoFetcher, TelegramSender
from bots.channels.zalo import ZaloChannel, ZaloSender
from bots.channels.zalo_api import ZaloApi, ZaloCredentials, ZaloPhotoFetcher, ZaloTokens
from bots.core.dialogue import BotServices, DialogueEngine
from core.attachments import PhotoFetcher
from core.chat import ChatChannel, Incoming, Reply
from core.chat_ports import ChannelSender
from core.reference import ReferenceData
from core.types import LOCAL_TZ
from nlp.nlu import NluParser
from nlp.places import PlaceExtractor
from nlp.textcat import textcat_for
from services.accounts import AccountService
from services.analytics import AnalyticsService
from services.attachments import AttachmentService
from services.dossiers import DossierService
from services.intake import FeedbackService
from services.notifications import NotificationService, NotificationWorker
from services.search import SearchService
from stores.sql.attachment_store import SqlAttachmentStore
from stores.sql.chat_link_store import SqlChatLinkStore
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from stores.sql.zalo_token_store import SqlZaloTokenStore

log = logging.getLogger(__name__)


class ChatWiring:
    """Mixin of ``Container``: everything the chat channels need, built lazily.

    It relies on the container's ``settings``, ``db``, ``feedback``, ``dossiers``,
    ``reference``, ``places``, ``accounts`` and ``document_search()``.
    """

    settings: Settings
    db: Database
    feedback: FeedbackService
    dossiers: DossierService
    reference: ReferenceData
    places: PlaceExtractor
    accounts: AccountService
    analytics: AnalyticsService

    def document_search(self, collection: str | None = None) -> SearchService:
        raise NotImplementedError

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
            officials=self.accounts,
            linker=self.accounts,
            analytics=self.analytics,
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

    @cached_property
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
            self.chat_store, self.chat_links, self.chat_senders, reference=self.reference
        )

    @cached_property
    def notification_worker(self) -> NotificationWorker:
        return NotificationWorker(self.notifications)

    def recover_chats(self) -> int:
        """Answer what a crash left accepted but unanswered (same engine as the webhooks, so
        the two never answer one update twice)."""
        senders = {sender.channel: sender for sender in self.chat_senders}

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


class _LazyDialogue:
    """The dialogue engine as a ``DialogueHandler``, built at the first message it answers."""

    def __init__(self, container: ChatWiring) -> None:
        self._container = container

    def accept(self, incoming: Incoming) -> bool:
        return self._container.dialogue.accept(incoming)

    def handle(self, incoming: Incoming) -> list[Reply]:
        return self._container.dialogue.handle(incoming)
