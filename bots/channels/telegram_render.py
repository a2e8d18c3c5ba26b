"""Telegram updates in, Telegram messages out: parsing, rendering and notifications.

``to_incoming`` turns a Bot API update into the dialogue core's ``Incoming``; ``send_replies``
renders ``Reply``s with the Bot API's own means: buttons become an inline keyboard (one button
a row), a chart becomes a photo, a text over Telegram's limit becomes several messages.

    >>> to_incoming(Update.de_json({"update_id": 7, "message": {...,"text": "/hoso H29.1"}}, bot))
    Incoming(channel=<ChatChannel.TELEGRAM>, user_id='42', update_id='7', kind=COMMAND, ...)
    >>> await send_replies(bot, "42", [Reply("Dạ, em chào anh/chị!", (Button("Hủy", "cancel"),))])

``TelegramSender`` sends notifications the same way, outside any update;
``TelegramPhotoFetcher`` downloads the photos users sent; ``register_webhook`` tells Telegram
where to post updates.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import Forbidden, TelegramError
from telegram.request import HTTPXRequest

from core.attachments import FetchedPhoto, accept_image
from core.chat import Button, ChatChannel, Incoming, IncomingKind, Location, Photo, Reply
from core.chat_ports import MessagingWindowClosed
from core.errors import ExternalServiceError, InvalidInput
from core.types import LOCAL_TZ

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
#: The only updates the bot asks Telegram for (no edits, polls, chat member changes).
ALLOWED_UPDATES = ("message", "callback_query")
#: What Telegram accepts as a webhook's secret token.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
#: Bot API limits: callback_data in bytes, texts and captions in UTF-16 code units.
MAX_CALLBACK_BYTES = 64
MAX_TEXT_UNITS = 4096
MAX_CAPTION_UNITS = 1024


def to_incoming(update: Update) -> Incoming | None:
    """The update as the core's one incoming type, or None for what the bot does not answer:
    group and channel chats (a citizen's case is not discussed in a group), edited messages."""
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        return None
    common: dict[str, Any] = {"channel": ChatChannel.TELEGRAM, "user_id": str(chat.id),
                              "update_id": str(update.update_id)}  # fmt: skip
    query = update.callback_query
    if query is not None:
        if not query.data:
            return None
        return Incoming(kind=IncomingKind.BUTTON, text=query.data,
                        received_at=datetime.now(LOCAL_TZ), **common)  # fmt: skip
    if update.message is None:
        return None
    return _from_message(update.message, common)


def _from_message(message: Message, common: dict[str, Any]) -> Incoming:
    common["received_at"] = message.date.astimezone(LOCAL_TZ)
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height,
                                                       size.file_size or 0))  # fmt: skip
        caption = (message.caption or "").strip()
        photo = Photo(platform_file_id=largest.file_id, caption=caption)
        return Incoming(kind=IncomingKind.PHOTO, text=caption, photo=photo, **common)
    if message.location is not None:
        address = message.venue.address if message.venue is not None else ""
        place = Location(message.location.latitude, message.location.longitude, address)
        return Incoming(kind=IncomingKind.LOCATION, location=place, **common)
    text = _without_bot_name((message.text or "").strip())
    return Incoming(kind=_text_kind(text), text=text, **common)


def _text_kind(text: str) -> IncomingKind:
    """``/start`` is Telegram's "the user started the bot"; other ``/…`` lines are commands.

    A sticker, voice note or file arrives as an empty TEXT: the core answers what it reads.
    """
    if not text.startswith("/"):
        return IncomingKind.TEXT
    return IncomingKind.FOLLOW if text.split()[0].lower() == "/start" else IncomingKind.COMMAND


def _without_bot_name(text: str) -> str:
    """``/hoso@ThuDucBot H29…`` (what a client sends after a tap in a menu) → ``/hoso H29…``."""
    if not text.startswith("/"):
        return text
    head, sep, rest = text.partition(" ")
    return head.split("@", 1)[0] + sep + rest


def callback_data(payload: str) -> str:
    """``payload`` within the Bot API's 64 bytes; nothing is stored server-side.

    A longer payload is cut at the last whole UTF-8 character that fits (never inside a
    multi-byte Vietnamese letter, which the API would reject with the whole message), and the
    cut is logged. The core answers an unknown payload with its menu, so a cut payload can
    confuse nobody; the core's own payloads ("menu:dossier") are far shorter.
    """
    raw = payload.encode("utf-8")
    if len(raw) <= MAX_CALLBACK_BYTES:
        return payload
    cut = raw[:MAX_CALLBACK_BYTES].decode("utf-8", errors="ignore")
    log.warning("telegram.payload_truncated bytes=%d kept=%r", len(raw), cut)
    return cut


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One inline button a row: Vietnamese labels are long and a row cuts them."""
    if not buttons:
        return None
    rows = [[InlineKeyboardButton(b.label, callback_data=callback_data(b.payload or b.label))]
            for b in buttons]  # fmt: skip
    return InlineKeyboardMarkup(rows)


def utf16_units(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji counts two."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Pieces of at most ``limit`` units, cut after a line where one fits; blank ones dropped."""
    pieces: list[str] = []
    rest = text
    while utf16_units(rest) > limit:
        head = _prefix(rest, limit)
        newline = head.rfind("\n")
        if newline > 0:
            head = head[: newline + 1]
        pieces.append(head)
        rest = rest[len(head) :]
    pieces.append(rest)
    return [p.strip("\n") for p in pieces if p.strip()]


def _prefix(text: str, limit: int) -> str:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


async def send_replies(bot: Bot, chat_id: int | str, replies: Sequence[Reply]) -> None:
    """Send each reply in order (one at a time: Telegram keeps the order it receives)."""
    for reply in replies:
        await send_reply(bot, chat_id, reply)


async def send_reply(bot: Bot, chat_id: int | str, reply: Reply) -> None:
    """A chart as a photo (the text as its caption when it fits), then the text; the buttons
    go with the last message so they sit under what they answer."""
    markup = keyboard(reply.buttons)
    if reply.image_png is not None:
        chart = InputFile(reply.image_png, filename="chart.png")
        if utf16_units(reply.text) <= MAX_CAPTION_UNITS:
            await bot.send_photo(chat_id, chart, caption=reply.text or None, reply_markup=markup)
            return
        await bot.send_photo(chat_id, chart)
    pieces = split_text(reply.text)
    if not pieces:
        log.warning("telegram.reply_empty buttons=%d", len(reply.buttons))
    for number, piece in enumerate(pieces, start=1):
        last = number == len(pieces)
        await bot.send_message(chat_id, piece, reply_markup=markup if last else None)


class TelegramSender:
    """Sends notifications (not replies) to Telegram users: the ``ChannelSender`` port.

    Synchronous like the port: call it from a worker thread, never from an event loop. Each
    call opens and closes its own HTTP client, as notifications are few.

    >>> TelegramSender(token).send("123456789", [Reply("Dạ, phản ánh PA-2026-000123 …")])
    """

    channel = ChatChannel.TELEGRAM

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL) -> None:
        self._token = token
        self._base_url = base_url

    def send(self, user_id: str, replies: list[Reply]) -> None:
        """Raises ``MessagingWindowClosed`` when the user blocked the bot (Telegram's 403),
        ``ExternalServiceError`` (code ``telegram.send_failed``) for any other failure."""
        try:
            asyncio.run(self._send(user_id, replies))
        except Forbidden as exc:
            raise MessagingWindowClosed(f"the Telegram user blocked the bot: {exc}") from exc
        except TelegramError as exc:
            raise ExternalServiceError(f"Telegram did not take the message: {exc}",
                                       code="telegram.send_failed") from exc  # fmt: skip
        log.info("telegram.notification_sent replies=%d", len(replies))

    async def _send(self, user_id: str, replies: list[Reply]) -> None:
        request = HTTPXRequest()
        bot = Bot(self._token, base_url=self._base_url, request=request,
                  get_updates_request=request)  # fmt: skip
        try:
            await send_replies(bot, user_id, replies)
        finally:
            await request.shutdown()


class TelegramPhotoFetcher:
    """Downloads a photo a Telegram user sent (``getFile``, then the file URL): the
    ``PhotoFetcher`` port.

    Synchronous like the port (call it from a worker thread). The size Telegram reports is
    checked before the download, the bytes after it; only JPEG, PNG, WebP and GIF are kept.
    Files are downloaded from ``base_url`` with ``/bot`` replaced by ``/file/bot``, as the
    Bot API (and a local Bot API server) serves them.

    >>> TelegramPhotoFetcher(token).fetch(Photo("AgACAgUAAxkBAAIB"), MAX_PHOTO_BYTES).content_type
    'image/jpeg'
    """

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL) -> None:
        if not base_url.endswith("/bot"):
            raise InvalidInput(f"a Bot API base URL ends with /bot: {base_url!r}",
                               code="telegram.base_url_invalid")  # fmt: skip
        self._token = token
        self._base_url = base_url
        self._file_url = base_url.removesuffix("/bot") + "/file/bot"

    def fetch(self, photo: Photo, max_bytes: int) -> FetchedPhoto:
        """Raises ``ExternalServiceError`` (``telegram.photo_fetch_failed``) when Telegram fails,
        ``InvalidInput`` when the file is too large or not an accepted image."""
        try:
            data = asyncio.run(self._download(photo.platform_file_id, max_bytes))
        except TelegramError as exc:
            raise ExternalServiceError(f"Telegram photo download failed: {exc}",
                                       code="telegram.photo_fetch_failed") from exc  # fmt: skip
        fetched = accept_image(data, max_bytes)
        log.info("telegram.photo_fetched type=%s bytes=%d", fetched.content_type, len(data))
        return fetched

    async def _download(self, file_id: str, max_bytes: int) -> bytes:
        request = HTTPXRequest()
        bot = Bot(self._token, base_url=self._base_url, base_file_url=self._file_url,
                  request=request, get_updates_request=request)  # fmt: skip
        try:
            file = await bot.get_file(file_id)
            if file.file_size is not None and file.file_size > max_bytes:
                raise InvalidInput(f"the photo is {file.file_size} bytes, over {max_bytes}",
                                   code="attachment.too_large")  # fmt: skip
            if not file.file_path:
                raise ExternalServiceError("Telegram gave no file path for the photo",
                                           code="telegram.photo_fetch_failed")  # fmt: skip
            return bytes(await file.download_as_bytearray())
        finally:
            await request.shutdown()


async def register_webhook(
    token: str, url: str, secret: str, *, base_url: str = DEFAULT_BASE_URL
) -> None:
    """Tell Telegram where to post updates, and the secret to post with them."""
    if not SECRET_PATTERN.match(secret):
        raise InvalidInput("the webhook secret must be 1-256 of A-Z a-z 0-9 _ -",
                           code="telegram.webhook_secret_invalid")  # fmt: skip
    try:
        async with Bot(token, base_url=base_url) as bot:
            await bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
    except TelegramError as exc:
        raise ExternalServiceError(f"Telegram refused the webhook: {exc}",
                                   code="telegram.set_webhook_failed") from exc  # fmt: skip
    log.info("telegram.webhook_set url=%s", url)
