"""The web chat channel: ``POST /api/v1/chat`` on the dialogue core, as its own FastAPI router.

The city's website posts what the visitor typed, pressed or shared; the answer is the list of
replies with their buttons, which the page renders as buttons. The browser's session id is the
user id of channel ``web``; ``message_id`` (made by the page, unique per message) is the
deduplication key, so a retried request gets the same replies and files nothing twice.

    >>> app.include_router(WebChatChannel(engine.handle).router)
    POST /api/v1/chat {"session_id": "s-1", "message_id": "m-1", "text": "xin chào"}
    → {"replies": [{"text": "Dạ, em chào anh/chị! …", "buttons": [{"label": …, "payload": …}]}]}
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from core.chat import ChatChannel, Incoming, IncomingKind, Location, Reply
from core.types import LOCAL_TZ, MAX_TEXT_CHARS

log = logging.getLogger(__name__)

_Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\w.:-]+$")]


class ChatLocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class ChatRequest(BaseModel):
    """One message from the page: text, a pressed button's payload, or a shared location."""

    model_config = ConfigDict(extra="forbid")

    session_id: _Id
    message_id: _Id
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)
    location: ChatLocation | None = None
    button: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_thing(self) -> Self:
        given = [x for x in (self.text and self.text.strip(), self.location, self.button) if x]
        if len(given) != 1:
            raise ValueError("send exactly one of text, location or button")
        return self


class ChatButton(BaseModel):
    label: str
    payload: str


class ChatReply(BaseModel):
    text: str
    buttons: list[ChatButton]


class ChatResponse(BaseModel):
    replies: list[ChatReply]


def to_incoming(body: ChatRequest, received_at: datetime) -> Incoming:
    """The request as the dialogue core's one incoming type."""
    common = {"channel": ChatChannel.WEB, "user_id": body.session_id,
              "update_id": body.message_id, "received_at": received_at}  # fmt: skip
    if body.button is not None:
        return Incoming(kind=IncomingKind.BUTTON, text=body.button, **common)
    if body.location is not None:
        location = Location(body.location.latitude, body.location.longitude)
        return Incoming(kind=IncomingKind.LOCATION, location=location, **common)
    text = (body.text or "").strip()
    kind = IncomingKind.COMMAND if text.startswith("/") else IncomingKind.TEXT
    return Incoming(kind=kind, text=text, **common)


def to_response(replies: list[Reply]) -> ChatResponse:
    return ChatResponse(
        replies=[
            ChatReply(text=r.text, buttons=[ChatButton(label=b.label, payload=b.payload)
                                            for b in r.buttons])
            for r in replies
        ]
    )  # fmt: skip


#: What a channel calls to get replies: ``DialogueEngine.handle`` (or a stand-in in tests).
Handler = Callable[[Incoming], list[Reply]]


class WebChatChannel:
    """The web chat adapter; ``router`` is mounted by the application factory.

    It takes the engine's ``handle`` (a callable, as Rasa channels take ``on_new_message``) so
    the composition root may build the engine lazily, at the first message.

    >>> channel = WebChatChannel(engine.handle)
    >>> create_app(..., routers=[channel.router])
    """

    def __init__(self, handle: Handler) -> None:
        self._handle = handle
        self.router = APIRouter(prefix="/api/v1", tags=["chat"])
        self.router.add_api_route(
            "/chat", self.chat, methods=["POST"], response_model=ChatResponse,
            summary="Send one web chat message and get the bot's replies",
        )  # fmt: skip

    async def chat(self, body: ChatRequest) -> ChatResponse:
        """Answer one message (the engine blocks on models and the database: a worker thread)."""
        incoming = to_incoming(body, datetime.now(LOCAL_TZ))
        replies = await run_in_threadpool(self._handle, incoming)
        log.info("chat.web_answered replies=%d", len(replies))
        return to_response(replies)
