"""Linking an official's chat to their staff account: "/lienket 123456".

The official takes a one-time code from the staff pages (or ``langnghe account link-code``) and
writes it to the bot; from then on this chat counts as theirs (statistics questions, alerts).
Accepted forms, with or without diacritics: "/lienket 123456", "liên kết 123456", "liên kết
tài khoản: 123 456", and Telegram's deep link ``t.me/<bot>?start=123456``, which arrives as
"/start 123456". A message with only the code ("123456") is not taken as a link request: it
could be anything.

    >>> start(turn)   # "/lienket 482913"
    [Reply(text='Dạ, em đã liên kết tài khoản Lãnh đạo với cuộc trò chuyện này. …')]
"""

from __future__ import annotations

import logging
import math
import re

from bots.core.flows.context import Turn
from bots.core.messages_vi import say
from core.chat import IncomingKind, Reply
from core.errors import InvalidInput, Throttled
from core.text import fold

log = logging.getLogger(__name__)

_CODE = r"(?P<code>\d{3} ?\d{3})"
_ASK = re.compile(r"^(?:/(?:lienket|link)|lien ket(?: tai khoan)?)\s*:?\s*" + _CODE + r"?\s*[.!]?$")
_DEEP_LINK = re.compile(r"^/start " + _CODE + "$")
_KINDS = (IncomingKind.TEXT, IncomingKind.COMMAND, IncomingKind.FOLLOW)


def asked(turn: Turn) -> bool:
    """Whether this message asks to link the chat (with or without a code)."""
    return _match(turn) is not None


def start(turn: Turn) -> list[Reply]:
    turn.state.leave()
    match = _match(turn)
    code = match.group("code") if match else None
    linker = turn.services.linker
    if linker is None:
        return [Reply(say("link.unavailable"))]
    if not code:
        return [Reply(say("link.how"))]
    try:
        account = linker.link_chat(turn.channel, turn.incoming.user_id, code.replace(" ", ""))
    except Throttled as exc:
        log.info("chat.link_throttled channel=%s", turn.channel)
        return [Reply(say("link.throttled", minutes=max(1, math.ceil(exc.retry_after / 60))))]
    except InvalidInput:
        log.info("chat.link_refused channel=%s", turn.channel)
        return [Reply(say("link.wrong_code"))]
    return [Reply(say("link.done", name=account.display_name))]


def _match(turn: Turn) -> re.Match[str] | None:
    if turn.incoming.kind not in _KINDS:
        return None
    text = fold(turn.text)
    return _ASK.match(text) or _DEEP_LINK.match(text)
