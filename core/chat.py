"""Plain types of the chatbot: one incoming-message type and one reply type for every channel.

A channel adapter (Telegram, Zalo, web chat) parses a platform update into an ``Incoming``,
the dialogue core answers with ``Reply``s, and the adapter renders them: buttons become the
platform's buttons, or numbered lines where it has none ("1. Tra cứu hồ sơ").

    >>> Incoming(channel=ChatChannel.WEB, user_id="u1", update_id="m1", kind=IncomingKind.TEXT,
    ...          text="xin chào", received_at=datetime.now(UTC))
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class ChatChannel(enum.StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"
    WEB = "web"


class IncomingKind(enum.StrEnum):
    TEXT = "text"
    COMMAND = "command"  # "/hoso H29..." on Telegram; ``text`` holds the whole line
    BUTTON = "button"  # a pressed button; ``text`` holds its payload
    PHOTO = "photo"
    LOCATION = "location"
    FOLLOW = "follow"  # the user followed / started the account
    UNFOLLOW = "unfollow"


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float
    address: str = ""


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo as the platform refers to it; the bytes are fetched and stored by the adapter."""

    platform_file_id: str
    url: str = ""
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a user. ``update_id`` is the platform's own id: the deduplication key."""

    channel: ChatChannel
    user_id: str
    update_id: str
    kind: IncomingKind
    received_at: datetime
    text: str = ""
    photo: Photo | None = None
    location: Location | None = None
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    """``payload`` comes back as an ``IncomingKind.BUTTON`` text when pressed."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot says; ``image_png`` carries a chart for officials' questions."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    image_png: bytes | None = None

    def as_plain_text(self) -> str:
        """The reply for a channel without buttons: each button as a numbered line."""
        if not self.buttons:
            return self.text
        lines = [f"{n}. {b.label}" for n, b in enumerate(self.buttons, start=1)]
        return "\n".join([self.text, "", *lines])
