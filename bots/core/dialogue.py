"""The channel-neutral dialogue engine: one ``Incoming`` in, the ``Reply``s to send out.

Telegram, Zalo and the web chat all call ``DialogueEngine.handle``; none of the dialogue is
platform code, so a flow written once works on every channel. For each update the engine:

1. stores it (``ChatStore.record_update``) before anything else: a repeated delivery gets the
   replies already given, and nothing runs twice (no second feedback);
2. applies the per-user rate limit (one "please slow down", then silence);
3. loads the conversation, maps a numbered answer ("2") to the last reply's second button,
   handles "hủy", screens abuse, then continues the open flow or starts the one the NLU
   (or a pressed button) asks for;
4. saves the conversation with its version (on ``Conflict``: reload and run the turn again,
   once) and the replies.

Webhooks call ``accept`` (step 1 alone) before they answer 200, and ``handle`` afterwards; what
a crash left accepted but unanswered, ``recover`` answers when the server starts again.

Errors of our tree become an apology from the catalogue; anything else propagates to the
channel's error handler, and the stored update without replies lets a redelivery retry it.

    >>> engine = DialogueEngine(BotServices(nlu=..., feedback=..., ..., clock=now))
    >>> engine.handle(Incoming(channel=ChatChannel.WEB, user_id="s1", update_id="m1",
    ...                        kind=IncomingKind.TEXT, text="xin chào", received_at=now()))
    [Reply(text='Dạ, em chào anh/chị! …', buttons=(Button('Tra cứu hồ sơ', 'menu:dossier'), …))]
"""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from bots.core.flows import (
    abuse,
    analytics,
    dossier,
    feedback,
    feedback_status,
    greeting,
    link,
    procedure,
)
from bots.core.flows.context import (
    CANCEL,
    MENU_DOSSIER,
    MENU_FEEDBACK,
    MENU_FEEDBACK_STATUS,
    MENU_PROCEDURE,
    BotServices,
    FlowState,
    NoLinkedOfficials,
    OfficialDirectory,
    Turn,
    menu_buttons,
)
from bots.core.messages_vi import say
from bots.core.ratelimit import RateLimiter, Verdict
from bots.core.recovery import Claims, Send, key_of, recover_unanswered
from core.chat import Incoming, IncomingKind, Reply
from core.chat_ports import Conversation
from core.errors import Conflict, ExternalServiceError, LangngheError, ModelUnavailable
from nlp.nlu_slots import fold

__all__ = ["BotServices", "DialogueEngine", "NoLinkedOfficials", "OfficialDirectory"]

log = logging.getLogger(__name__)

Handler = Callable[[Turn], list[Reply]]
Step = Callable[[Turn], "list[Reply] | None"]

INTENTS: dict[str, Handler] = {
    "greeting_help": greeting.start,
    "dossier_status": dossier.start,
    "submit_feedback": feedback.start,
    "feedback_status": feedback_status.start,
    "procedure_question": procedure.start,
    "analytics_question": analytics.start,
    "other": greeting.fallback,
}
MENU: dict[str, Handler] = {
    MENU_DOSSIER: dossier.start,
    MENU_FEEDBACK: feedback.start,
    MENU_FEEDBACK_STATUS: feedback_status.start,
    MENU_PROCEDURE: procedure.start,
}
STEPS: dict[str, Step] = {
    dossier.FLOW: dossier.step,
    feedback.FLOW: feedback.step,
    procedure.FLOW: procedure.step,
}
#: Flow steps that only read fixed answers: they are not screened for abuse.
KEYWORD_STEPS: dict[str, Callable[[Turn], bool]] = {feedback.FLOW: feedback.at_confirm}
CANCEL_WORDS = frozenset({"huy", "huy bo", "cancel", "thoat", "dung lai"})
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


class DialogueEngine:
    """Answers updates from every channel; thread-safe (state lives in the ``ChatStore``).

    ``flow_ttl``: a flow left open longer than this is forgotten, so "xin chào" the next day
    is not taken as the address of yesterday's half-written report.
    """

    def __init__(
        self,
        services: BotServices,
        *,
        limiter: RateLimiter | None = None,
        flow_ttl: timedelta = timedelta(hours=2),
    ) -> None:
        self.services = services
        self._limiter = limiter or RateLimiter()
        self._flow_ttl = flow_ttl
        self._claims = Claims()  # updates this process answers: accepted ones and recovered
        self._stored: set[tuple[str, str]] = set()  # accepted here, not answered yet
        self._stored_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the toxicity model now rather than at the first message."""
        self.services.toxicity.warm_up()

    def accept(self, incoming: Incoming) -> bool:
        """Store the update before the channel says 200; whether the channel should answer it.

        False for a repeat already answered (its replies went out then) and for an update this
        process has taken on already (a delivery repeated while the first is answered, or one
        the recovery answers); a repeat stored but never answered (we crashed in between) is
        answered like a new update.
        """
        if self.services.chat_store.record_update(incoming).replies is not None:
            log.info("chat.update_repeated channel=%s update=%s", *key_of(incoming))
            return False
        if not self._claims.take(key_of(incoming)):
            log.info("chat.update_in_hand channel=%s update=%s", *key_of(incoming))
            return False
        with self._stored_lock:
            if len(self._stored) >= 10_000:  # never handed on (a channel failed): forget them
                self._stored.clear()
            self._stored.add(key_of(incoming))
        return True

    def recover(
        self, send: Send, *, older_than: timedelta = timedelta(seconds=30),
        max_age: timedelta = timedelta(days=1), batch: int = 100,
    ) -> int:  # fmt: skip
        """Answer what was accepted but never answered (a crash), oldest first; how many.

        ``send(incoming, replies)`` delivers on the update's channel. ``older_than`` leaves
        alone updates a live worker may be answering now; past ``max_age`` an answer would
        only confuse (see ``bots.core.recovery``).

        >>> engine.recover(lambda incoming, replies: senders[incoming.channel].send(...))
        """
        now = self.services.clock()
        received = (now - max_age, now - older_than)
        return recover_unanswered(self.handle, self.services.chat_store, send, self._claims,
                                  received=received, batch=batch)  # fmt: skip

    def handle(self, incoming: Incoming) -> list[Reply]:
        """The replies to one update (the stored ones for a repeated delivery)."""
        store = self.services.chat_store
        with self._stored_lock:
            just_accepted = key_of(incoming) in self._stored
            self._stored.discard(key_of(incoming))
        if not just_accepted:  # ``accept`` stored it a moment ago: one write less per turn
            stored = store.record_update(incoming)
            if stored.replies is not None:
                log.info("chat.update_repeated channel=%s update=%s", incoming.channel,
                         incoming.update_id)  # fmt: skip
                return stored.replies
        replies = self._answer(incoming)
        store.save_replies(incoming.channel, incoming.update_id, replies)
        return replies

    def _answer(self, incoming: Incoming) -> list[Reply]:
        verdict = self._limiter.check(f"{incoming.channel}:{incoming.user_id}")
        if verdict is not Verdict.ALLOW:
            log.info("chat.rate_limited channel=%s verdict=%s", incoming.channel, verdict)
            return [Reply(say("rate_limited"))] if verdict is Verdict.WARN else []
        store = self.services.chat_store
        for attempt in (1, 2):
            conv = store.conversation(incoming.channel, incoming.user_id)
            replies, state = self._turn(incoming, conv)
            buttons = next((list(r.buttons) for r in reversed(replies) if r.buttons), [])
            saved = replace(conv, flow=state.flow, data=state.data,
                            buttons=[b.payload for b in buttons])  # fmt: skip
            try:
                store.save_conversation(saved)
            except Conflict:
                log.info("chat.conversation_retry channel=%s attempt=%s", incoming.channel,
                         attempt)  # fmt: skip
                continue
            return replies
        log.warning("chat.conversation_unsaved channel=%s update=%s", incoming.channel,
                    incoming.update_id)  # fmt: skip
        return replies

    def _turn(self, incoming: Incoming, conv: Conversation) -> tuple[list[Reply], FlowState]:
        """Run one turn on a copy of the state; an error keeps the state as it was."""
        state = FlowState(conv.flow, copy.deepcopy(conv.data))
        if state.flow and self.services.clock() - conv.updated_at > self._flow_ttl:
            log.info("chat.flow_expired flow=%s", state.flow)
            state.leave()
        incoming = _numbered_button(incoming, conv.buttons)
        turn = Turn(incoming, self.services, state, self._role(incoming))
        try:
            replies = dispatch(turn)
        except LangngheError as exc:
            log.warning("chat.turn_failed code=%s channel=%s", exc.code, incoming.channel)
            return [Reply(_apology(exc))], FlowState(conv.flow, copy.deepcopy(conv.data))
        log.info("chat.answered channel=%s kind=%s flow=%s replies=%d", incoming.channel,
                 incoming.kind, state.flow, len(replies))  # fmt: skip
        return replies, state

    def _role(self, incoming: Incoming) -> str:
        officials = self.services.officials
        linked = officials.is_linked_official(incoming.channel.value, incoming.user_id)
        return "official" if linked else "citizen"


def dispatch(turn: Turn) -> list[Reply]:
    """Which flow answers this turn (see the module docstring, step 3)."""
    kind, state = turn.incoming.kind, turn.state
    if kind is IncomingKind.UNFOLLOW:
        state.leave()
        return []
    if link.asked(turn):  # before FOLLOW: Telegram's deep link is "/start <code>"
        return link.start(turn)
    if kind is IncomingKind.FOLLOW:
        return greeting.start(turn)
    if _is_cancel(turn):
        return _cancel(turn)
    if kind is IncomingKind.BUTTON:
        return _pressed(turn)
    if _screened(turn) and abuse.is_abusive(turn, _caption(turn) or turn.text):
        return abuse.calm(turn)
    if state.flow in STEPS and not _is_command(turn):
        replies = STEPS[state.flow](turn)
        if replies is not None:
            return replies
        state.leave()
    return _fresh(turn)


def _screened(turn: Turn) -> bool:
    """Text that may be kept or acted on is screened; a fixed answer ("gửi", "sửa") is not,
    because the model reads some of them as insults ("sua" as "sủa") and nothing is kept."""
    reads_keywords = KEYWORD_STEPS.get(turn.state.flow or "")
    return reads_keywords is None or not reads_keywords(turn)


def _caption(turn: Turn) -> str:
    photo = turn.incoming.photo
    return photo.caption if photo is not None else ""


def _fresh(turn: Turn) -> list[Reply]:
    kind = turn.incoming.kind
    if kind in (IncomingKind.PHOTO, IncomingKind.LOCATION):
        return feedback.start(turn)
    if kind not in (IncomingKind.TEXT, IncomingKind.COMMAND) or not turn.text:
        return [Reply(say("unsupported"))]
    intent = turn.understand().intent
    return INTENTS.get(intent, greeting.fallback)(turn)


def _pressed(turn: Turn) -> list[Reply]:
    """A menu button starts its flow; other buttons belong to the open flow."""
    payload = turn.text
    if payload in MENU:
        turn.state.leave()
        return MENU[payload](turn)
    if turn.state.flow in STEPS:
        replies = STEPS[turn.state.flow](turn)
        if replies is not None:
            return replies
    return greeting.fallback(turn)


def _cancel(turn: Turn) -> list[Reply]:
    if turn.state.flow is None:
        return [Reply(say("nothing_to_cancel"), menu_buttons())]
    log.info("chat.flow_cancelled flow=%s", turn.state.flow)
    turn.state.leave()
    return [Reply(say("cancelled"), menu_buttons())]


def _is_cancel(turn: Turn) -> bool:
    kind, text = turn.incoming.kind, turn.text
    if kind is IncomingKind.BUTTON:
        return text == CANCEL
    if kind not in (IncomingKind.TEXT, IncomingKind.COMMAND):
        return False
    return text.lower() in ("/cancel", "/huy") or fold(text) in CANCEL_WORDS


def _is_command(turn: Turn) -> bool:
    return turn.incoming.kind is IncomingKind.COMMAND or turn.text.startswith("/")


def _numbered_button(incoming: Incoming, payloads: list[str]) -> Incoming:
    """ "2" on a channel showing buttons as numbered lines means the second button."""
    if incoming.kind is not IncomingKind.TEXT or not payloads:
        return incoming
    match = _NUMBERED.match(incoming.text)
    if match is None or not 1 <= int(match.group(1)) <= len(payloads):
        return incoming
    return replace(incoming, kind=IncomingKind.BUTTON, text=payloads[int(match.group(1)) - 1])


def _apology(exc: LangngheError) -> str:
    if isinstance(exc, ExternalServiceError | ModelUnavailable):
        return say("error.busy")
    return say("error.generic")
