"""Officials' statistics questions ("tuần này có bao nhiêu phản ánh ngập nước?").

Only accounts linked to an official may ask them. Linking and the analytics service come with
issue 6; until then ``BotServices.officials`` is ``NoLinkedOfficials`` and everyone gets a
polite refusal that explains who the feature is for.
"""

from __future__ import annotations

import logging

from bots.core.flows.context import Turn
from bots.core.messages_vi import say
from core.chat import Reply

log = logging.getLogger(__name__)


def start(turn: Turn) -> list[Reply]:
    turn.state.leave()
    if turn.role != "official":
        log.info("analytics.refused channel=%s", turn.channel)
        return [Reply(say("analytics.not_linked"))]
    return [Reply(say("analytics.unavailable"))]
