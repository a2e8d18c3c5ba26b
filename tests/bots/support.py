"""A user talking to the dialogue engine the way a channel adapter calls it, and reply helpers."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from bots.core.dialogue import DialogueEngine
from core.chat import ChatChannel, Incoming, IncomingKind, Location, Photo, Reply
from core.types import LOCAL_TZ


def now() -> datetime:
    return datetime.now(LOCAL_TZ)


@dataclass
class Chat:
    """One user talking to an engine, the way a channel adapter would call it."""

    engine: DialogueEngine
    channel: ChatChannel = ChatChannel.WEB
    user_id: str = field(default_factory=lambda: f"user-{uuid.uuid4().hex[:10]}")
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    last: Incoming | None = None

    def incoming(self, kind: IncomingKind, text: str = "", **extra: object) -> Incoming:
        update_id = f"{self.user_id}-{next(self.counter)}"
        return Incoming(channel=self.channel, user_id=self.user_id, update_id=update_id,
                        kind=kind, received_at=now(), text=text, **extra)  # type: ignore[arg-type]  # fmt: skip

    def deliver(self, incoming: Incoming) -> list[Reply]:
        self.last = incoming
        return self.engine.handle(incoming)

    def say(self, text: str) -> list[Reply]:
        kind = IncomingKind.COMMAND if text.startswith("/") else IncomingKind.TEXT
        return self.deliver(self.incoming(kind, text))

    def press(self, payload: str) -> list[Reply]:
        return self.deliver(self.incoming(IncomingKind.BUTTON, payload))

    def photo(self, file_id: str, caption: str = "") -> list[Reply]:
        photo = Photo(platform_file_id=file_id, caption=caption)
        return self.deliver(self.incoming(IncomingKind.PHOTO, caption, photo=photo))

    def share_location(self, latitude: float, longitude: float) -> list[Reply]:
        location = Location(latitude, longitude)
        return self.deliver(self.incoming(IncomingKind.LOCATION, location=location))

    def again(self) -> list[Reply]:
        """The platform delivers the last update once more."""
        assert self.last is not None
        return self.engine.handle(self.last)

    def with_engine(self, engine: DialogueEngine) -> Chat:
        """The same user after a restart (another engine instance, same database)."""
        return replace(self, engine=engine)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def payloads(replies: list[Reply]) -> list[str]:
    return [b.payload for r in replies for b in r.buttons]
