"""Abusive messages: a calm reply, and never a feedback.

A message is abusive when the toxicity model says ``offensive`` or ``hate`` with confidence
≥ 0.7, or says so at all while the NLU finds no request in it (``other``). One exception: a
message the NLU reads as a report of a civic problem (``submit_feedback`` with a category other
than ``khac``) is taken as a report whatever its words. The model flags "con chó hàng xóm sủa
cả đêm" (a barking dog) and "mấy thằng côn đồ đánh nhau ở chợ" (a fight) as hate, and a city
must not turn those away; the annotation pipeline still records their toxicity for staff.

    >>> is_abusive(turn, "đồ ngu")
    True
"""

from __future__ import annotations

import logging

from bots.core.flows.context import Turn
from bots.core.messages_vi import say
from core.chat import Reply
from nlp.normalize import for_model

log = logging.getLogger(__name__)

ABUSIVE_LABELS = frozenset({"offensive", "hate"})
THRESHOLD = 0.7


def is_abusive(turn: Turn, text: str) -> bool:
    """Whether ``text`` (the message or a photo's caption) is abuse rather than a request."""
    if not text.strip():
        return False
    label = turn.services.toxicity.classify(for_model(text))
    if label.label not in ABUSIVE_LABELS:
        return False
    nlu = turn.understand(text)
    if nlu.intent == "submit_feedback" and nlu.slots.get("category", "khac") != "khac":
        return False  # a report in rude words ("con chó hàng xóm sủa cả đêm") is still a report
    abusive = label.score >= THRESHOLD or nlu.intent == "other"
    if abusive:
        log.info("chat.abuse channel=%s label=%s score=%.2f", turn.channel, label.label,
                 label.score)  # fmt: skip
    return abusive


def calm(turn: Turn) -> list[Reply]:
    """The calm reply; an open flow stays open (the user may go on politely)."""
    return [Reply(say("abuse"))]
