"""The Telegram channel: python-telegram-bot fed by our own FastAPI webhook route.

``TelegramChannel.router`` serves ``POST /webhooks/telegram``: it checks Telegram's secret
header, stores the update (``DialogueHandler.accept``), queues it on a PTB ``Application`` built
without an ``Updater`` and answers 200 without waiting for the answer. Telegram re-sends every
non-200, so only a failure to store the update is one (503): once it is stored, a crash before
the reply is made good by ``DialogueEngine.recover`` at the next start, and a failure while
answering gets an apology, not a redelivery. The handlers parse the update
(``telegram_render.to_incoming``), call the synchronous dialogue core in a worker thread and
send its replies. ``run_polling`` runs the same handlers on ``getUpdates`` for development,
where there is no public URL.

Updates of different chats are handled concurrently, one chat's in the order they came.
Telegram re-delivers an update only when the webhook failed, yet a delivery that is retried
while the first is still running would answer twice: the ids of recent updates are kept in
memory and a repeat is dropped (the core also stores every update, so nothing is filed twice).

    >>> channel = TelegramChannel(engine, token="123:ABC", webhook_secret="s3cret-0")
    >>> create_app(..., routers=[channel.router])   # the router's lifespan starts PTB
    >>> channel.run_polling()                        # or: langnghe bot telegram --polling
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackContext,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)

from bots.channels.telegram_render import (
    ALLOWED_UPDATES,
    DEFAULT_BASE_URL,
    SECRET_PATTERN,
    TelegramSender,
    send_replies,
    to_incoming,
)
from bots.core.messages_vi import say
from core.chat import Incoming
from core.chat_ports import DialogueHandler
from core.errors import ExternalServiceError, InvalidInput, ModelUnavailable

__all__ = ["BotContext", "TelegramChannel", "TelegramSender", "build_application"]

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class RecentUpdates:
    """The last ``size`` update ids seen, to drop a repeated delivery (memory only).

    >>> recent = RecentUpdates()
    >>> recent.first_time(7), recent.first_time(7)
    (True, False)
    """

    def __init__(self, size: int = 10_000) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self._size = size

    def first_time(self, update_id: int) -> bool:
        """Whether ``update_id`` is new; it is remembered either way."""
        if update_id in self._ids:
            return False
        self._ids[update_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True


@dataclass
class TelegramBotData:
    """What every handler shares (``context.bot_data``).

    >>> application.bot_data.dialogue = engine      # done by ``build_application``
    """

    dialogue: DialogueHandler | None = None
    recent: RecentUpdates = field(default_factory=RecentUpdates)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], TelegramBotData]):
    """The handlers' context, with typed access to the dialogue core.

    >>> async def on_message(update: Update, context: BotContext) -> None:
    ...     replies = await asyncio.to_thread(context.dialogue.handle, incoming)
    """

    @property
    def dialogue(self) -> DialogueHandler:
        dialogue = self.bot_data.dialogue
        if dialogue is None:
            raise RuntimeError("the Telegram application was built without a dialogue core")
        return dialogue


TelegramApp = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], TelegramBotData, None
]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and each chat's in arrival order.

    PTB's own concurrent processor promises no order, and "the text, then the location" from
    one citizen must reach the dialogue in that order. Chats share ``stripes`` locks by id.

    >>> ApplicationBuilder().token(token).concurrent_updates(PerChatUpdateProcessor(16))
    """

    def __init__(self, max_concurrent_updates: int = 16, stripes: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._stripes = stripes
        self._locks: list[asyncio.Lock] = []

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self._locks[hash(chat.id if chat else 0) % self._stripes]:
            await coroutine

    async def initialize(self) -> None:
        """Locks are made here, in the event loop that will use them."""
        self._locks = [asyncio.Lock() for _ in range(self._stripes)]

    async def shutdown(self) -> None:
        """Nothing to release."""


def build_application(
    dialogue: DialogueHandler, token: str, *, base_url: str = DEFAULT_BASE_URL,
    polling: bool = False, concurrency: int = 16,
) -> TelegramApp:  # fmt: skip
    """The PTB application with our handlers; without an ``Updater`` unless ``polling``."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .context_types(ContextTypes(context=BotContext, bot_data=TelegramBotData))
        .concurrent_updates(PerChatUpdateProcessor(concurrency))
        .job_queue(None)
    )
    application: TelegramApp = (builder if polling else builder.updater(None)).build()
    application.bot_data.dialogue = dialogue
    application.add_handler(TypeHandler(Update, drop_repeated), group=-1)
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, on_message)
    )
    application.add_error_handler(on_error)
    return application


async def drop_repeated(update: Update, context: BotContext) -> None:
    """Stop here when this update id was already handled (a repeated delivery)."""
    if not context.bot_data.recent.first_time(update.update_id):
        log.info("telegram.update_repeated update=%s", update.update_id)
        raise ApplicationHandlerStop


async def on_message(update: Update, context: BotContext) -> None:
    """Answer a private message: text, command, photo, location (or something unreadable)."""
    incoming = to_incoming(update)
    if incoming is not None:
        await converse(context, incoming)


async def on_button(update: Update, context: BotContext) -> None:
    """Acknowledge a pressed inline button (stops the client's spinner), then answer it."""
    assert update.callback_query is not None
    try:
        await update.callback_query.answer()
    except TelegramError as exc:  # a stale query cannot be acknowledged; the press still counts
        log.info("telegram.callback_unanswered error=%s", exc)
    incoming = to_incoming(update)
    if incoming is not None:
        await converse(context, incoming)


async def converse(context: BotContext, incoming: Incoming) -> None:
    """The core blocks on models and the database: it runs in a worker thread."""
    replies = await asyncio.to_thread(context.dialogue.handle, incoming)
    await send_replies(context.bot, incoming.user_id, replies)
    log.info("telegram.answered update=%s kind=%s replies=%d", incoming.update_id,
             incoming.kind, len(replies))  # fmt: skip


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback, apologise without it."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        log.info("telegram.user_blocked update=%s", update_id)
        return
    log.error("telegram.handler_failed update=%s error=%s", update_id,
              type(error).__name__, exc_info=error)  # fmt: skip
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None:
        return
    try:
        await context.bot.send_message(chat.id, apology_for(error))
    except TelegramError as exc:
        log.warning("telegram.apology_failed update=%s error=%s", update_id, exc)


def _not_stored(error: Exception) -> JSONResponse:
    """503 (500 for a bug of ours) when the update could not be stored: Telegram resends it."""
    status = 503 if isinstance(error, ExternalServiceError) else 500
    body = {"code": "telegram.update_not_stored", "message": "the update was not stored"}
    return JSONResponse({"error": body}, status_code=status)


def apology_for(error: BaseException | None) -> str:
    """The catalogue's apology: "busy" when a system we need is down, else the generic one."""
    if isinstance(error, ExternalServiceError | ModelUnavailable):
        return say("error.busy")
    return say("error.generic")


class TelegramChannel:
    """The Telegram adapter: ``router`` for webhook mode, ``run_polling`` for development.

    >>> channel = TelegramChannel(engine, token, webhook_secret=settings.telegram_webhook_secret)
    >>> app.include_router(channel.router)           # POST /webhooks/telegram
    """

    def __init__(
        self, dialogue: DialogueHandler, token: str, *, webhook_secret: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:  # fmt: skip
        if not token:
            raise InvalidInput("a Telegram bot token is needed", code="telegram.token_missing")
        self._dialogue, self._token, self._base_url = dialogue, token, base_url
        self._secret = webhook_secret
        self.application = build_application(dialogue, token, base_url=base_url)

    @cached_property
    def router(self) -> APIRouter:
        """``POST /webhooks/telegram``; its lifespan starts and stops the PTB application."""
        if not self._secret or not SECRET_PATTERN.match(self._secret):
            raise InvalidInput(
                "LANGNGHE_TELEGRAM_WEBHOOK_SECRET must be 1-256 of A-Z a-z 0-9 _ - to serve "
                "the Telegram webhook", code="telegram.webhook_secret_invalid",
            )  # fmt: skip
        router = APIRouter(tags=["telegram"], lifespan=self._lifespan)
        router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"],
                             summary="Telegram Bot API webhook")  # fmt: skip
        return router

    @asynccontextmanager
    async def _lifespan(self, _app: object) -> AsyncIterator[None]:
        async with self.application:
            await self.application.start()
            log.info("telegram.webhook_started bot=%s", self.application.bot.username)
            try:
                yield
            finally:
                await self.application.stop()

    async def webhook(self, request: Request) -> JSONResponse:
        """Store and queue the update, then answer 200; a wrong or missing secret gets 403.

        An update already answered (or being answered) is not queued again.
        """
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), (self._secret or "").encode()):
            log.warning("telegram.webhook_forbidden client=%s", request.client)
            body = {"code": "telegram.bad_secret", "message": "wrong or missing secret token"}
            return JSONResponse({"error": body}, status_code=403)
        update = await self._read_update(request)
        if update is None:
            return JSONResponse({"ok": True})
        incoming = to_incoming(update)
        try:  # stored before the 200: from then on Telegram will not deliver it again
            fresh = incoming is None or await asyncio.to_thread(self._dialogue.accept, incoming)
        except Exception as exc:
            log.exception("telegram.update_not_stored update=%s", update.update_id)
            return _not_stored(exc)
        if fresh:
            await self.application.update_queue.put(update)
        return JSONResponse({"ok": True})

    async def _read_update(self, request: Request) -> Update | None:
        """The body as an ``Update``; None (logged, still 200) when it is not one."""
        try:
            body = await request.json()
            if not isinstance(body, dict):
                raise TypeError("not a JSON object")
            return Update.de_json(body, self.application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("telegram.update_unreadable error=%s", exc)
            return None

    def run_polling(self, *, handle_signals: bool = True) -> None:
        """Fetch updates with ``getUpdates`` until Ctrl-C (or, without signal handlers, until
        the event loop is stopped). PTB deletes a registered webhook first."""
        application = build_application(self._dialogue, self._token, base_url=self._base_url,
                                        polling=True)  # fmt: skip
        options: dict[str, Any] = {} if handle_signals else {"stop_signals": None}
        application.run_polling(allowed_updates=list(ALLOWED_UPDATES), **options)
