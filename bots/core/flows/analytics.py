"""Officials' statistics questions ("tuần này có bao nhiêu phản ánh ngập nước?").

Only chat accounts linked to an official (``BotServices.officials``) may ask them; everyone
else gets a polite refusal that explains who the feature is for. A linked official gets the
analytics service's answer — how the question was understood, the numbers, example cases —
with its chart as the reply's picture (Telegram sends it as a photo; channels that cannot
send pictures keep the text).
"""

from __future__ import annotations

import logging

from bots.core.flows.context import Turn
from bots.core.messages_vi import say
from core.analytics import Answer
from core.chat import Reply
from core.errors import InvalidInput

log = logging.getLogger(__name__)


def start(turn: Turn) -> list[Reply]:
    turn.state.leave()
    if turn.role != "official":
        log.info("analytics.refused channel=%s", turn.channel)
        return [Reply(say("analytics.not_linked"))]
    service = turn.services.analytics
    if service is None:
        return [Reply(say("analytics.unavailable"))]
    try:
        answer = service.ask(None, _question(turn.text), turn.today())
    except InvalidInput:
        return [Reply(say("analytics.too_long"))]
    log.info("analytics.chat_answered channel=%s answered=%s", turn.channel, answer.answered)
    return [Reply(_text(answer), image_png=answer.chart_png)]


def _question(text: str) -> str:
    """The question without a leading command ("/thongke tháng này" → "tháng này")."""
    if text.startswith("/"):
        return text.partition(" ")[2]
    return text


def _text(answer: Answer) -> str:
    if not answer.answered:
        return say("analytics.unanswered",
                   examples="\n".join(f"• {s}" for s in answer.suggestions))  # fmt: skip
    lines = [answer.headline, *answer.details]
    if answer.default_window:
        lines.append(answer.default_window)
    if answer.examples:
        lines.append(say("analytics.examples"))
        lines += [f"• {e.reference}: {e.snippet}" for e in answer.examples]
    understood = answer.understood[:1].lower() + answer.understood[1:]
    return say("analytics.answer", understood=understood, body="\n".join(lines))
