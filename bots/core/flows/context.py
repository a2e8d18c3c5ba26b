"""What every flow gets: the injected services, and the turn it is answering.

Not a flow itself: the one module the flows and the engine share, so that a flow never
imports another flow or the engine. A flow is a plain function ``(Turn) -> list[Reply]``
that may change ``turn.state`` (which flow the user is in, and what it has collected); the
engine stores that state after the turn.

    >>> def answer(turn: Turn) -> list[Reply]:
    ...     turn.state.leave()
    ...     return [Reply(say("greeting"))]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from bots.core.messages_vi import label
from core.accounts import Account
from core.chat import Button, ChatChannel, Incoming, IncomingKind
from core.chat_ports import ChatStore
from core.errors import InvalidInput
from core.reference import ReferenceData
from nlp.nlu import NluParser, NluResult
from nlp.places import PlaceExtractor
from nlp.textcat import TextCategorizer
from services.analytics import AnalyticsService
from services.attachments import AttachmentService
from services.dossiers import DossierService
from services.intake import FeedbackService
from services.search import SearchService


class FeedbackLinks(Protocol):
    """Remembers which chat user filed a feedback, so status changes reach them there."""

    def link(self, feedback_id: int, channel: ChatChannel, user_id: str) -> None: ...


class OfficialDirectory(Protocol):
    """Whether a chat account is linked to an official (issue 6 brings the real one)."""

    def is_linked_official(self, channel: str, user_id: str) -> bool: ...


class OfficialLinker(Protocol):
    """Links a chat user to a staff account with the account's one-time code (issue 6).

    Raises ``InvalidInput`` for a wrong or expired code, ``Throttled`` after too many.
    """

    def link_chat(self, channel: str, user_id: str, code: str) -> Account: ...


class NoLinkedOfficials:
    """Until accounts can be linked, nobody is an official: statistics are refused politely."""

    def is_linked_official(self, channel: str, user_id: str) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class BotServices:
    """Everything the dialogue core uses, built by the composition root.

    ``search`` is None where no document index is configured: procedure questions are then
    answered from the catalogue, or pointed to the one-stop counter. ``attachments`` keeps the
    photos of filed reports; it holds the per-channel ``PhotoFetcher`` registry (Telegram,
    Zalo), and without it photos are counted in the summary but not kept.
    """

    nlu: NluParser
    feedback: FeedbackService
    dossiers: DossierService
    search: SearchService | None
    reference: ReferenceData
    places: PlaceExtractor
    toxicity: TextCategorizer
    chat_store: ChatStore
    clock: Callable[[], datetime]
    officials: OfficialDirectory = field(default_factory=NoLinkedOfficials)
    linker: OfficialLinker | None = None  # None: "/lienket" answers that linking is off
    links: FeedbackLinks | None = None
    attachments: AttachmentService | None = None
    analytics: AnalyticsService | None = None  # None: officials hear it is not available


@dataclass(slots=True)
class FlowState:
    """The user's place in a multi-turn flow; JSON-serialisable ``data`` only."""

    flow: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def enter(self, flow: str, **data: Any) -> None:
        self.flow, self.data = flow, dict(data)

    def leave(self) -> None:
        self.flow, self.data = None, {}


@dataclass(slots=True)
class Turn:
    """One incoming update being answered; ``understand`` runs the NLU at most once."""

    incoming: Incoming
    services: BotServices
    state: FlowState
    role: str = "citizen"
    _nlu: NluResult | None = None

    @property
    def text(self) -> str:
        return self.incoming.text.strip()

    @property
    def channel(self) -> str:
        return self.incoming.channel.value

    def understand(self, text: str | None = None) -> NluResult:
        """Intent and slots of the message (or of ``text``, e.g. a photo's caption)."""
        if self.incoming.kind is IncomingKind.BUTTON and text is None:
            return NluResult("other", 1.0, {})  # a payload is not language
        if text is not None and text.strip() != self.text:
            return self.services.nlu.parse(text, role=self.role, today=self.today())
        if self._nlu is None:
            self._nlu = self.services.nlu.parse(self.text, role=self.role, today=self.today())
        return self._nlu

    def today(self) -> date:
        return self.services.clock().date()


def department_name(turn: Turn, code: str) -> str:
    """A department's name for citizens ("UBND phường Hiệp Bình"), its code if unknown."""
    try:
        return turn.services.reference.department(code).name
    except InvalidInput:
        return code


def button(name: str, payload: str) -> Button:
    """A button labelled from the catalogue."""
    return Button(label(name), payload)


#: Payloads of the buttons the core shows; a pressed one comes back as ``IncomingKind.BUTTON``.
MENU_DOSSIER = "menu:dossier"
MENU_FEEDBACK = "menu:feedback"
MENU_FEEDBACK_STATUS = "menu:feedback_status"
MENU_PROCEDURE = "menu:procedure"
FEEDBACK_SEND = "feedback:send"
FEEDBACK_EDIT = "feedback:edit"
CANCEL = "cancel"


def menu_buttons() -> tuple[Button, ...]:
    return (
        button("menu.dossier", MENU_DOSSIER),
        button("menu.feedback", MENU_FEEDBACK),
        button("menu.feedback_status", MENU_FEEDBACK_STATUS),
        button("menu.procedure", MENU_PROCEDURE),
    )
