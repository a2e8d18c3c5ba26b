"""Dossier status: "hồ sơ H29.202-250315-0012 của tôi tới đâu rồi?".

The code comes from the NLU's ``dossier_code`` slot; without one the bot asks for it (a
one-step flow). The answer says where the dossier is and what the citizen must do next, and
nothing personal: ``DossierView`` carries no applicant data.

    >>> start(turn)   # "hs H29.202-250315-0012 sao rồi"
    [Reply(text='Dạ, hồ sơ H29.202-250315-0012 — Đăng ký khai sinh:\\n• Tình trạng: …')]
"""

from __future__ import annotations

import logging

from bots.core.flows.context import Turn
from bots.core.messages_vi import say, vn_date
from core.chat import Reply
from core.errors import InvalidInput, NotFound
from services.dossiers import DossierView

log = logging.getLogger(__name__)

FLOW = "dossier"
#: How sure the NLU must be that a message asks for something else to leave the question.
SWITCH_CONFIDENCE = 0.6


def start(turn: Turn) -> list[Reply]:
    """Answer at once when the message has a code, else ask for it."""
    code = turn.understand().slots.get("dossier_code")
    if code:
        turn.state.leave()
        return [Reply(answer(turn, code))]
    turn.state.enter(FLOW)
    return [Reply(say("dossier.ask_code"))]


def step(turn: Turn) -> list[Reply] | None:
    """The reply to "which code?": a code, or another request (None), or a reminder."""
    nlu = turn.understand()
    code = nlu.slots.get("dossier_code")
    if code:
        turn.state.leave()
        return [Reply(answer(turn, code))]
    if nlu.intent not in ("dossier_status", "other") and nlu.confidence >= SWITCH_CONFIDENCE:
        return None
    return [Reply(say("dossier.no_code"))]


def answer(turn: Turn, code: str) -> str:
    """The status of ``code`` in Vietnamese, or why there is none."""
    try:
        view = turn.services.dossiers.lookup(code)
    except NotFound:
        log.info("dossier.chat_not_found code=%s", code)
        return say("dossier.not_found", code=code)
    except InvalidInput:
        return say("dossier.code_invalid", code=code)
    return describe(view)


def describe(view: DossierView) -> str:
    lines = [
        say(
            "dossier.status",
            code=view.code,
            procedure=view.procedure,
            status=say(f"dossier.state.{view.status.value}"),
            step=view.current_step or say("dossier.no_step"),
            unit=view.handling_unit or say("dossier.unknown_unit"),
            received=vn_date(view.received_at),
            due=vn_date(view.due_at, missing=say("dossier.no_due")),
        )
    ]
    if view.finished_at is not None:
        lines.append(say("dossier.finished_on", date=vn_date(view.finished_at)))
    timing = _timing(view)
    if timing:
        lines.append(timing)
    unit = view.handling_unit or say("dossier.unknown_unit")
    lines.append(say(f"dossier.next.{view.next_action.value}", unit=unit))
    return "\n".join(lines)


def _timing(view: DossierView) -> str:
    """Late, due today or days left; nothing for a closed dossier finished in time."""
    if view.is_late and view.finished_at is not None:
        return say("dossier.finished_late")
    if view.is_late:
        overdue = -(view.days_left or 0)
        return say("dossier.late", days=overdue) if overdue > 0 else say("dossier.late_today")
    if view.days_left is None:
        return ""
    if view.days_left == 0:
        return say("dossier.due_today")
    return say("dossier.days_left", days=view.days_left)
